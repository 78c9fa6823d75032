"""Synth-time reads that fail say why in one line: denied (with the grant), unreachable, no credentials."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from mlops_platform.aws_reads import SHORT_READS, AwsReadError
from sagemaker_model_monitoring import aws_reads
from sagemaker_model_monitoring.baselines import package_baselines
from sagemaker_model_monitoring.endpoint import served_endpoint

CALLER = "arn:aws:sts::111111111111:assumed-role/deploy/x"


class Failing:
    """A SageMaker client whose every call raises `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def call(**_: Any) -> Any:
            raise self.error

        return call


def _denied(operation: str) -> ClientError:
    message = f"User: {CALLER} is not authorized to perform: sagemaker:{operation}"
    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)


def test_a_denied_read_names_the_action_the_caller_why_and_the_grant() -> None:
    with pytest.raises(AwsReadError) as raised:
        served_endpoint(Failing(_denied("DescribeEndpoint")), "e", account="111111111111", region="us-east-1")  # type: ignore[arg-type]
    message = str(raised.value)
    assert message.startswith(f"{CALLER} may not call sagemaker:DescribeEndpoint on e; the module reads it to find")
    assert "(parameter 'endpoint-name')" in message
    assert "Grant it sagemaker:DescribeEndpoint on e (the module's modulestack.yaml does" in message


def test_a_denied_package_read_says_what_the_package_is_read_for() -> None:
    package = "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/1"
    with pytest.raises(AwsReadError, match="for the drift-check baselines and model metrics it carries"):
        package_baselines(Failing(_denied("DescribeModelPackage")), package, "model-package-arn")  # type: ignore[arg-type]


def test_an_unreachable_aws_is_one_error_after_one_short_retry() -> None:
    unreachable = EndpointConnectionError(endpoint_url="https://api.sagemaker.us-east-1.amazonaws.com")
    with pytest.raises(AwsReadError, match="cannot reach AWS to call sagemaker:DescribeEndpoint on e"):
        served_endpoint(Failing(unreachable), "e", account="111111111111", region="us-east-1")  # type: ignore[arg-type]


def test_the_clients_give_up_after_the_librarys_short_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    found = aws_reads.clients("us-east-1")
    assert found is not None
    for client in found:
        config = vars(client.meta.config)
        assert config["retries"] == vars(SHORT_READS)["retries"]
        assert config["connect_timeout"] == vars(SHORT_READS)["connect_timeout"]


def test_without_credentials_nothing_is_read_and_a_note_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert aws_reads.clients("us-east-1") is None
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("sagemaker-model-monitoring: note: no AWS credentials: the endpoint's data capture")
