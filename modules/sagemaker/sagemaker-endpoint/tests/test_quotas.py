"""The account's "<instance type> for endpoint usage" quotas, compared with the most instances the endpoint may run."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from mlops_platform.aws_reads import AwsReadError
from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.plan import plan
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.variants.quotas import endpoint_quota, peaks, refuse_over_quota

CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="endpoint", account="111111111111", region="eu-central-1"
)
IMAGE = "111111111111.dkr.ecr.eu-central-1.amazonaws.com/fraud:1"
NET = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ("subnet-0123456789abcdef0",)}


def planned(**fields: Any) -> Any:
    settings = EndpointSettings(**{**NET, "model_image_uri": IMAGE, **fields})
    settings.check()
    return plan(settings, None, CONTEXT)


class FakeServiceQuotas:
    """SageMaker's quotas as Service Quotas lists them: defaults by name and code, applied values by code."""

    def __init__(self, defaults: dict[str, float], applied: dict[str, float] | None = None) -> None:
        self.quotas = [
            {"QuotaName": name, "QuotaCode": f"L-{index:08X}", "Value": value}
            for index, (name, value) in enumerate(defaults.items())
        ]
        self.applied = applied or {}

    def get_paginator(self, name: str) -> Any:
        assert name == "list_aws_default_service_quotas"
        quotas = self.quotas

        class Pages:
            def paginate(self, ServiceCode: str) -> Any:
                assert ServiceCode == "sagemaker"
                return [{"Quotas": quotas[:1]}, {"Quotas": quotas[1:]}]  # the quota may be on any page

        return Pages()

    def get_service_quota(self, ServiceCode: str, QuotaCode: str) -> dict[str, Any]:
        name = next(q["QuotaName"] for q in self.quotas if q["QuotaCode"] == QuotaCode)
        if name not in self.applied:
            raise ClientError({"Error": {"Code": "NoSuchResourceException", "Message": "none"}}, "GetServiceQuota")
        return {"Quota": {"QuotaCode": QuotaCode, "Value": self.applied[name]}}


def test_the_peak_is_the_autoscaling_maximum_or_the_managed_maximum_summed_per_instance_type() -> None:
    assert [(p.instance_type, p.instances) for p in peaks(planned(instance_type="ml.g5.xlarge"))] == [
        ("ml.g5.xlarge", 1)
    ]
    autoscaled = planned(
        instance_type="ml.g5.xlarge", autoscaling_max_capacity=6, autoscaling_target_invocations_per_instance=100
    )
    assert peaks(autoscaled)[0].instances == 6
    assert peaks(autoscaled)[0].parameters == ("autoscaling-max-capacity",)
    managed = planned(
        instance_type="ml.g5.xlarge",
        managed_instance_scaling=True,
        inference_component_memory_mb=2048,
        scaling_max_instance_count=3,
    )
    assert peaks(managed)[0].instances == 3
    shadowed = planned(
        instance_type="ml.g5.xlarge",
        shadow_variants=({"name": "challenger", "model-image-uri": IMAGE, "initial-instance-count": 2},),
        notifications=True,
    )
    assert [(p.instance_type, p.instances) for p in peaks(shadowed)] == [("ml.g5.xlarge", 3)]
    serverless = planned(vpc_id=None, subnet_ids=None, serverless_memory_size_mb=2048, serverless_max_concurrency=5)
    assert peaks(serverless) == []


def test_an_endpoint_over_its_instance_quota_is_refused_with_the_quota_its_value_and_how_to_ask_for_more() -> None:
    endpoint = planned(
        instance_type="ml.g5.xlarge", autoscaling_max_capacity=6, autoscaling_target_invocations_per_instance=100
    )
    quotas = FakeServiceQuotas({"ml.m5.large for endpoint usage": 20, "ml.g5.xlarge for endpoint usage": 0})
    with pytest.raises(ParameterError) as raised:
        refuse_over_quota(quotas, endpoint, "eu-central-1")
    assert str(raised.value) == (
        "parameters 'instance-type', 'autoscaling-max-capacity': endpoint mlops-test-endpoint may run up to 6 "
        "ml.g5.xlarge instance(s), and this account's quota 'ml.g5.xlarge for endpoint usage' in eu-central-1 is 0; "
        "request more (aws service-quotas request-service-quota-increase --region eu-central-1 --service-code "
        "sagemaker --quota-code L-00000001 --desired-value 6, or the Service Quotas console), or choose an "
        "instance type or counts within the quota"
    )
    raised_quota = FakeServiceQuotas(
        {"ml.g5.xlarge for endpoint usage": 0}, applied={"ml.g5.xlarge for endpoint usage": 6}
    )
    assert refuse_over_quota(raised_quota, endpoint, "eu-central-1") == []


def test_a_quota_the_region_does_not_list_is_noted_not_guessed() -> None:
    notes = refuse_over_quota(FakeServiceQuotas({}), planned(instance_type="ml.m5.large"), "eu-central-1")
    assert notes == ["note: no Service Quotas quota 'ml.m5.large for endpoint usage' in eu-central-1; not checked"]


def test_a_denied_quota_read_is_one_error_naming_the_action_and_what_to_grant() -> None:
    class Denied(FakeServiceQuotas):
        def get_paginator(self, name: str) -> Any:
            message = "User: arn:aws:sts::111111111111:assumed-role/deploy/s is not authorized to perform: x"
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, "List")

    with pytest.raises(
        AwsReadError,
        match=r"^arn:aws:sts::111111111111:assumed-role/deploy/s may not call "
        r"servicequotas:ListAWSDefaultServiceQuotas .* Grant it",
    ):
        endpoint_quota(Denied({}), "ml.g5.xlarge")
