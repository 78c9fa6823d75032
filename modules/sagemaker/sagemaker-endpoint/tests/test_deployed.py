"""Updates SageMaker refuses on an autoscaled endpoint are refused before anything deploys."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from mlops_platform.aws_reads import AwsReadError
from mlops_platform.contract import ParameterError
from sagemaker_endpoint.variants.deployed import (
    autoscaled_variants,
    deployed_variant_names,
    refuse_autoscaled_changes,
    refuse_renamed_variants_under_guardrail,
)

ENDPOINT = "mlops-demo-endpoint"


class FakeSageMaker:
    def __init__(self, variants: dict[str, str] | None) -> None:
        self.variants = variants

    def describe_endpoint(self, EndpointName: str) -> dict[str, Any]:
        if self.variants is None:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "Could not find endpoint"}}, "x")
        return {"EndpointConfigName": f"{EndpointName}-config-1"}

    def describe_endpoint_config(self, EndpointConfigName: str) -> dict[str, Any]:
        assert self.variants is not None
        return {"ProductionVariants": [{"VariantName": n, "InstanceType": t} for n, t in self.variants.items()]}


class FakeAutoscaling:
    def __init__(self, scaled: set[str]) -> None:
        self.scaled = scaled

    def describe_scalable_targets(self, ServiceNamespace: str, ResourceIds: list[str]) -> dict[str, Any]:
        assert ServiceNamespace == "sagemaker"
        return {"ScalableTargets": [{"ResourceId": r} for r in ResourceIds if r.rsplit("/", 1)[-1] in self.scaled]}


def test_only_deployed_variants_with_a_scalable_target_count() -> None:
    sagemaker = FakeSageMaker({"current": "ml.m5.large", "challenger": "ml.c5.xlarge"})
    assert autoscaled_variants(sagemaker, FakeAutoscaling({"current"}), ENDPOINT) == {"current": "ml.m5.large"}  # type: ignore[arg-type]
    assert autoscaled_variants(FakeSageMaker(None), FakeAutoscaling(set()), ENDPOINT) == {}  # type: ignore[arg-type]


def test_changing_the_instance_type_of_an_autoscaled_variant_is_refused_with_what_to_do() -> None:
    with pytest.raises(ParameterError) as raised:
        refuse_autoscaled_changes({"AllTraffic": "ml.m5.large"}, {"AllTraffic": "ml.m5.xlarge"}, ENDPOINT)
    message = str(raised.value)
    assert message.startswith("parameter 'instance-type'")
    assert "without 'autoscaling-max-capacity'" in message


def test_removing_an_autoscaled_variant_is_refused() -> None:
    with pytest.raises(ParameterError, match="parameter 'variants'"):
        refuse_autoscaled_changes({"blue": "ml.m5.large"}, {"green": "ml.m5.large"}, ENDPOINT)


def test_a_first_deploy_or_an_unchanged_variant_passes() -> None:
    refuse_autoscaled_changes({}, {"AllTraffic": "ml.m5.xlarge"}, ENDPOINT)
    refuse_autoscaled_changes(
        {"AllTraffic": "ml.m5.large"}, {"AllTraffic": "ml.m5.large", "new": "ml.c5.xlarge"}, ENDPOINT
    )


def test_the_deployed_variant_names_are_read_in_order() -> None:
    assert deployed_variant_names(FakeSageMaker({"current": "ml.m5.large", "challenger": ""}), ENDPOINT) == [  # type: ignore[arg-type]
        "current",
        "challenger",
    ]
    assert deployed_variant_names(FakeSageMaker(None), ENDPOINT) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("planned", "change"),
    [(["green"], "renamed"), (["current"], "removed"), (["current", "challenger", "new"], "added")],
)
def test_changing_the_variant_names_under_a_guardrail_is_refused_with_what_to_do(
    planned: list[str], change: str
) -> None:
    with pytest.raises(ParameterError) as raised:
        refuse_renamed_variants_under_guardrail(
            ["current", "challenger"], planned, ENDPOINT, parameter="variants", strategy="CANARY"
        )
    message = str(raised.value)
    assert message.startswith(
        f"parameter 'variants': endpoint {ENDPOINT} is deployed with variant(s) current, challenger"
    )
    assert "'deployment-strategy' CANARY" in message
    assert "requires the same variant names: keep the names current, challenger" in message
    assert "\n" not in message, change


def test_the_same_names_or_a_first_deploy_pass_under_a_guardrail() -> None:
    refuse_renamed_variants_under_guardrail(
        ["current", "challenger"], ["challenger", "current"], ENDPOINT, parameter="variants", strategy="ROLLING"
    )
    refuse_renamed_variants_under_guardrail([], ["green"], ENDPOINT, parameter="variant-name", strategy="ALL_AT_ONCE")


class DeniedSageMaker:
    def describe_endpoint(self, EndpointName: str) -> dict[str, Any]:
        message = (
            "User: arn:aws:sts::111111111111:assumed-role/mlops-demo-deployment-role/s is not authorized to perform: "
            f"sagemaker:DescribeEndpoint on resource: arn:aws:sagemaker:us-east-1:111111111111:endpoint/{EndpointName}"
        )
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, "DescribeEndpoint")


def test_a_denied_read_of_the_deployed_endpoint_is_one_error_naming_the_action_the_role_and_the_grant() -> None:
    for read in (
        lambda: deployed_variant_names(DeniedSageMaker(), ENDPOINT),  # type: ignore[arg-type]
        lambda: autoscaled_variants(DeniedSageMaker(), FakeAutoscaling(set()), ENDPOINT),  # type: ignore[arg-type]
    ):
        with pytest.raises(AwsReadError) as raised:
            read()
        assert str(raised.value) == (
            "arn:aws:sts::111111111111:assumed-role/mlops-demo-deployment-role/s may not call sagemaker:DescribeEndpoint "
            f"on endpoint {ENDPOINT}; the module reads it before each deploy, to refuse an update SageMaker would "
            f"refuse. Grant it sagemaker:DescribeEndpoint on endpoint {ENDPOINT} (the module's modulestack.yaml "
            "does, once Seed-Farmer has deployed it)"
        )


def test_an_unreachable_aws_is_one_clear_error_after_one_short_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_platform.aws_reads import client

    server = ClosingServer()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unreachable")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unreachable")
    sagemaker = client("sagemaker", "us-east-1")
    assert sagemaker.meta.config.connect_timeout == 5
    with pytest.raises(AwsReadError) as raised:
        deployed_variant_names(sagemaker, ENDPOINT)
    server.close()
    assert server.connections == 2  # one attempt, one retry (botocore's default retried four times)
    message = str(raised.value)
    assert message.startswith(f"cannot reach AWS to call sagemaker:DescribeEndpoint on endpoint {ENDPOINT}")
    assert "\n" not in message


class ClosingServer:
    """A loopback endpoint that accepts each connection and closes it unanswered, counting them: an AWS
    that cannot be reached, whose attempts can be counted."""

    def __init__(self) -> None:
        import socket
        import threading

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()
