"""An endpoint serving a package or following a group of a model registry in another account: the execution role
reads exactly the package's artifacts and images there and decrypts only through S3; this account's event bus
lets the registry's forwarding role in; the approval rule hears that group from that account only; and every
resource domain resource isolation checks carries the domain's ARN."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.synthesis import build_app

REGISTRY = "222222222222"
GROUP = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package-group/fraud-detector"
VERSION = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fraud-detector/7"
IMAGE = f"{REGISTRY}.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4"
DATA = "s3://registry-artifacts/fraud-detector/7/model.tar.gz"
KEY = f"arn:aws:kms:us-east-1:{REGISTRY}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FORWARDER = f"arn:aws:iam::{REGISTRY}:role/service-role/mlops-registry-forwarding"
FROM_REGISTRY = ResolvedPackage(VERSION, ModelArtifacts(images=(IMAGE,), model_data_urls=(DATA,)), "Fraud-Detector")
DOMAIN = "arn:aws:sagemaker:us-east-1:111111111111:domain/d-abcdefghijkl"


def test_the_execution_role_reads_exactly_the_registrys_package_and_decrypts_only_through_s3(synthesize: Any) -> None:
    stack = synthesize(package=FROM_REGISTRY, model_package_group_name=GROUP, model_artifacts_kms_key_arn=KEY)
    assert (
        stack.statement("ReadModelArtifacts")["Resource"]
        == "arn:${AWS::Partition}:s3:::registry-artifacts/fraud-detector/7/model.tar.gz"
    )
    assert (
        stack.statement("PullInferenceImages")["Resource"]
        == f"arn:${{AWS::Partition}}:ecr:us-east-1:{REGISTRY}:repository/fraud-detector"
    )
    decrypt = stack.statement("DecryptModelArtifactsThroughS3")
    assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", KEY)
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"},
        # S3 names the object, or the bucket when the bucket uses an S3 Bucket Key.
        "StringLike": {
            "kms:EncryptionContext:aws:s3:arn": [
                "arn:${AWS::Partition}:s3:::registry-artifacts",
                "arn:${AWS::Partition}:s3:::registry-artifacts/fraud-detector/7/model.tar.gz",
            ]
        },
    }
    model = stack.one("AWS::SageMaker::Model")
    assert model["PrimaryContainer"] == {"ModelPackageName": VERSION}


def test_without_a_key_nothing_is_decrypted(synthesize: Any) -> None:
    stack = synthesize(package=FROM_REGISTRY, model_package_group_name=GROUP)
    assert [s for s in stack.policy_statements if s.get("Sid") == "DecryptModelArtifactsThroughS3"] == []


def test_the_approval_rule_hears_the_group_from_its_registry_account_only(synthesize: Any) -> None:
    stack = synthesize(package=FROM_REGISTRY, model_package_group_name=GROUP, notifications=True)
    [approved] = [v for k, v in stack.resources("AWS::Events::Rule").items() if k.startswith("ModelPackageApproved")]
    assert approved["Properties"]["EventPattern"] == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "account": [REGISTRY],
        # As SageMaker names the group in its events (DescribeModelPackageGroup), not as its ARN writes it.
        "detail": {"ModelPackageGroupName": ["Fraud-Detector"], "ModelApprovalStatus": ["Approved"]},
    }


def test_the_default_bus_lets_the_registrys_forwarding_role_put_sagemakers_state_changes_only(
    synthesize: Any,
) -> None:
    stack = synthesize(
        package=FROM_REGISTRY, model_package_group_name=GROUP, registry_event_forwarding_role_arn=FORWARDER
    )
    policy = stack.one("AWS::Events::EventBusPolicy")
    assert policy["EventBusName"] == "default"
    assert policy["StatementId"] == "mlops-test-sagemaker-endpoint-registry-events"
    assert stack.flat(policy["Statement"]) == {
        "Effect": "Allow",
        "Principal": {"AWS": FORWARDER},
        "Action": "events:PutEvents",
        "Resource": "arn:${AWS::Partition}:events:us-east-1:111111111111:event-bus/default",
        "Condition": {
            "ForAllValues:StringEquals": {
                "events:source": ["aws.sagemaker"],
                "events:detail-type": ["SageMaker Model Package State Change"],
            },
            "Null": {"events:source": "false", "events:detail-type": "false"},
        },
    }
    assert stack.report["pluginReports"]
    assert all(r["violations"] == [] for r in stack.report["pluginReports"])


def _statement_id(module: str) -> str:
    context = DeploymentContext(
        project="mlops", deployment="dev", module=module, account="111111111111", region="us-east-1"
    )
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=("subnet-0123456789abcdef0",),
        model_package_group_name=GROUP,
        registry_event_forwarding_role_arn=FORWARDER,
    )
    with tempfile.TemporaryDirectory() as outdir:
        build_app(settings, context, FROM_REGISTRY, outdir=outdir).synth()
        raw = json.loads(Path(outdir, f"{context.stack_name}.template.json").read_text())
    [policy] = [r for r in raw["Resources"].values() if r["Type"] == "AWS::Events::EventBusPolicy"]
    return str(policy["Properties"]["StatementId"])


def test_two_endpoints_of_one_account_each_add_and_remove_their_own_statement() -> None:
    """The default bus's policy is the account's: one statement per stack, so neither collides with the other
    on create nor takes the other's away on delete."""
    first, second = _statement_id("fraud-endpoint"), _statement_id("churn-" + "e" * 60)
    assert first == "mlops-dev-fraud-endpoint-registry-events"
    assert first != second
    assert len(second) <= 64


def test_every_resource_domain_isolation_checks_carries_the_domains_arn(synthesize: Any) -> None:
    """SageMaker's domain resource isolation grants a domain's users what carries `sagemaker:domain-arn` with
    their domain's ARN: the endpoint, its configurations (the refresh's twin too), models and components."""
    tagged = {"sagemaker_domain_arn": DOMAIN, "inference_component_memory_mb": 2048, "managed_instance_scaling": True}
    for stack in (
        synthesize(**tagged),
        synthesize(
            model_package_arn=None,
            model_image_uri="111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud:1",
            model_data_url=DATA,
            refresh_on_model_data_change=True,
            sagemaker_domain_id="d-abcdefghijkl",  # the ARN derived from the id
        ),
    ):
        kinds = ("Endpoint", "EndpointConfig", "Model", "InferenceComponent")
        resources = [r for kind in kinds for r in stack.resources(f"AWS::SageMaker::{kind}").values()]
        assert len(resources) >= 4
        for resource in resources:
            tags = {tag["Key"]: tag["Value"] for tag in resource["Properties"]["Tags"]}
            assert tags["sagemaker:domain-arn"] == DOMAIN, resource["Type"]
            assert tags["sagemaker:domain-id"] == "d-abcdefghijkl"
