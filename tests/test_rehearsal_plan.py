"""The plan an engineer reads: decisions, the template's own names, the estimated monthly cost."""

from __future__ import annotations

from typing import Any

import pytest

from rehearsal.cost import estimate, price_list
from rehearsal.decisions import decisions, rollout
from rehearsal.deploy import ModuleResult, StackResult
from rehearsal.report import plan
from rehearsal.result import Rehearsal, as_json

pytestmark = pytest.mark.xdist_group("rehearsal")


def _endpoint_template(variant: dict[str, Any], deployment: dict[str, Any] | None = None) -> dict[str, Any]:
    endpoint: dict[str, Any] = {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}}
    if deployment:
        endpoint["DeploymentConfig"] = deployment
    return {
        "Resources": {
            "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {"ProductionVariants": [variant]}},
            "Unused": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {"ProductionVariants": [{"InstanceType": "ml.m5.large", "InitialInstanceCount": 9}]},
            },
            "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": endpoint},
        }
    }


def test_the_default_deployment_costs_about_340_dollars_a_month_idle(default_rehearsal: Rehearsal) -> None:
    machine = as_json(default_rehearsal)
    networking, endpoint = machine["groups"][0][0], machine["groups"][1][0]
    assert {item["what"]: item["monthly_usd"] for item in networking["cost"]["items"]} == {
        "1 NAT gateway(s)": 32.85,
        "18 interface endpoint-AZ(s)": 131.4,
        "1 public IPv4 address(es)": 3.65,
        "1 KMS key(s)": 1.0,
    }
    assert {item["what"]: item["monthly_usd"] for item in endpoint["cost"]["items"]} == {
        "2 x ml.m5.large (SageMaker hosting)": 167.9,
        "1 KMS key(s)": 1.0,
        "3 CloudWatch alarm(s)": 0.3,
    }
    assert machine["monthly_cost"] == {
        "complete": True,
        "monthly_usd": 338.1,
        "monthly_usd_at_peak": 506.0,  # the endpoint autoscaled to its 4 instances
        "priced_usd": 338.1,
        "priced_usd_at_peak": 506.0,
        "unpriced": 0,
    }
    assert endpoint["cost"]["at_peak"] == [
        {
            "idle": "2 x ml.m5.large (SageMaker hosting)",
            "what": "4 x ml.m5.large at the autoscaled peak",
            "monthly_usd": 335.8,
        }
    ]
    text = plan(default_rehearsal)
    assert "Estimated monthly cost: $338.10 idle, $506.00 at the autoscaled peak (list prices of" in text
    assert "    estimated monthly cost: $169.20 idle, $337.10 at the autoscaled peak" in text


def test_the_plan_shows_the_decisions_and_the_names_the_templates_fix(default_rehearsal: Rehearsal) -> None:
    endpoint = as_json(default_rehearsal)["groups"][1][0]
    assert "  variant AllTraffic: 2 x ml.m5.large, weight 1" in endpoint["decisions"]
    assert any(
        line.startswith("  update strategy: blue/green canary 50 capacity percent") for line in endpoint["decisions"]
    )
    assert any(line.startswith("autoscaling <AllTrafficScalableTarget>: 2 to 4") for line in endpoint["decisions"])
    assert "model <Model>: network isolation on, in 2 subnet(s) of its VPC" in endpoint["decisions"]
    assert "ingress: none (no security group accepts inbound traffic)" in endpoint["decisions"]
    names = {item["type"]: item["name"] for item in endpoint["named_resources"]}
    assert names["AWS::SageMaker::Endpoint"] == "mlops-demo-sagemaker-endpoints-endpoint"
    networking = as_json(default_rehearsal)["groups"][0][0]
    assert "ingress <EndpointSecurityGroupF840B798>: tcp 443 from 10.0.0.0/16" in networking["decisions"]
    assert any(line.startswith("9 interface endpoint(s) in 2 AZ(s): ecr.api") for line in networking["decisions"])
    assert any("not evaluated" in line for line in endpoint["not_checked"])
    assert any(line.startswith("updates: planned from the templates") for line in endpoint["not_checked"])


def test_prices_differ_per_region_and_come_from_one_dated_file() -> None:
    prices = price_list()
    assert prices["date"]
    assert all(source.startswith("https://aws.amazon.com/") for source in prices["sources"].values())
    template = _endpoint_template({"InstanceType": "ml.m5.large", "InitialInstanceCount": 1})
    assert estimate(template, "us-east-1").monthly == 83.95
    assert estimate(template, "eu-west-1").monthly == 93.44


def test_a_price_not_in_the_file_is_named_not_guessed() -> None:
    template = _endpoint_template({"InstanceType": "ml.p5.48xlarge", "InitialInstanceCount": 1})
    result = estimate(template, "us-east-1")
    assert not result.complete
    assert result.unpriced == [
        "1 x ml.p5.48xlarge (SageMaker hosting) (no price for ml.p5.48xlarge in us-east-1 in prices.yaml)"
    ]


def test_a_region_without_verified_prices_is_unknown_and_the_total_incomplete_never_zero() -> None:
    template = _endpoint_template({"InstanceType": "ml.m5.large", "InitialInstanceCount": 1})
    result = estimate(template, "eu-central-1")
    assert (result.items, result.complete) == ([], False)
    assert result.unpriced == [
        "1 x ml.m5.large (SageMaker hosting) (no list price for eu-central-1 could be verified offline; prices.yaml "
        "leaves it unknown)"
    ]
    assert estimate(template, "xx-nowhere-1").unpriced == [
        "1 x ml.m5.large (SageMaker hosting) (xx-nowhere-1 is not in prices.yaml)"
    ]


def test_prices_cover_every_region_botocore_offers_sagemaker_in_priced_or_named_unverified() -> None:
    import botocore.session

    session = botocore.session.get_session()
    offered = {
        region
        for partition in ("aws", "aws-us-gov")
        for region in session.get_available_regions("sagemaker", partition_name=partition)
    }
    prices = price_list()
    unverified = prices["regions_without_verified_prices"]
    assert set(prices["regions"]).isdisjoint(unverified)
    assert set(prices["regions"]) | set(unverified) == offered


def test_serverless_variants_are_sized_and_billed_by_use() -> None:
    template = _endpoint_template(
        {"VariantName": "Main", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}
    )
    assert "  variant Main: serverless 2048 MB, max concurrency 5" in decisions(template)
    assert estimate(template, "us-east-1").items == []
    assert any(
        line.startswith("AWS::SageMaker::Endpoint: serverless") for line in estimate(template, "us-east-1").usage_based
    )


def test_the_update_strategy_is_said_in_words() -> None:
    assert rollout(None).startswith("all at once (no deployment guardrail)")
    rolling = {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "INSTANCE_COUNT", "Value": 1},
            "WaitIntervalInSeconds": 300,
        },
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "errors"}]},
    }
    assert rollout(rolling) == "rolling, 1 instance count per batch, bake 300s per batch; rolls back on alarm(s) errors"


def test_metadata_shows_the_names_the_templates_fix_not_the_emulators(default_rehearsal: Rehearsal) -> None:
    endpoint = as_json(default_rehearsal)["groups"][1][0]
    deployed = endpoint["metadata_as_deployed"]
    assert deployed["EndpointName"] == "mlops-demo-sagemaker-endpoints-endpoint"
    assert deployed["EndpointUrl"] == (
        "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/mlops-demo-sagemaker-endpoints-endpoint/invocations"
    )
    assert deployed["ModelName"].startswith("mlops-demo-sagemaker-endpoints-endpoint-model-")
    assert "EndpointName = mlops-demo-sagemaker-endpoints-endpoint" in plan(default_rehearsal)


def test_the_plan_says_when_a_components_compute_was_defaulted_from_its_instance() -> None:
    component = {
        "Type": "AWS::SageMaker::InferenceComponent",
        "Metadata": {"mlops:compute": "defaulted from ml.g5.xlarge (16384 MiB ...): half its memory per copy"},
        "Properties": {
            "InferenceComponentName": "c",
            "VariantName": "AllTraffic",
            "Specification": {"ComputeResourceRequirements": {"MinMemoryRequiredInMb": 8192}},
            "RuntimeConfig": {"CopyCount": 1},
        },
    }
    lines = decisions({"Resources": {"Component": component}})
    assert "  compute defaulted from ml.g5.xlarge (16384 MiB ...): half its memory per copy" in lines
    del component["Metadata"]
    assert not any(line.startswith("  compute ") for line in decisions({"Resources": {"Component": component}}))


def test_the_plan_in_a_region_without_prices_says_unknown_never_zero() -> None:
    key = {"Type": "AWS::KMS::Key", "Properties": {}}
    module = ModuleResult("security", "keys", "modules/keys", {"CDK_DEFAULT_REGION": "eu-central-1"})
    module.stacks.append(StackResult("stack", "CREATE_COMPLETE", {"Resources": {"Key": key}}, {}, []))
    rehearsal = Rehearsal("deployment.yaml", "acme", "111122223333", ["eu-central-1"], groups=[[module]])
    text = plan(rehearsal)
    assert "$0.00" not in text
    assert "    estimated monthly cost: UNKNOWN (1 item(s) without a price)\n" in text
    assert "Estimated monthly cost: UNKNOWN, 1 item(s) have no price (listed per module) (list prices of" in text
    assert as_json(rehearsal)["monthly_cost"]["monthly_usd"] is None
