"""Synth-time reads that fail say why in one line: denied (with the grant), unreachable, no credentials."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from sagemaker_model_monitoring import aws_reads


def test_a_denied_read_names_the_action_and_the_role_to_grant() -> None:
    denied = ClientError(
        {
            "Error": {
                "Code": "AccessDeniedException",
                "Message": "User: arn:aws:sts::111111111111:assumed-role/deploy/x is not authorized to perform: "
                "sagemaker:DescribeEndpoint",
            }
        },
        "DescribeEndpoint",
    )
    message = str(aws_reads.failure(denied, "sagemaker:DescribeEndpoint", "parameter 'endpoint-name': endpoint e"))
    assert message == (
        "parameter 'endpoint-name': endpoint e: arn:aws:sts::111111111111:assumed-role/deploy/x may not call "
        "sagemaker:DescribeEndpoint; grant it sagemaker:DescribeEndpoint (the module's modulestack.yaml does, "
        "once Seed-Farmer has deployed it with this module's parameters)"
    )


def test_an_unreachable_aws_is_one_error_after_one_short_attempt() -> None:
    unreachable = EndpointConnectionError(endpoint_url="https://api.sagemaker.us-east-1.amazonaws.com")
    message = str(aws_reads.failure(unreachable, "sagemaker:DescribeEndpoint", "endpoint e"))
    assert message.startswith("endpoint e: AWS did not answer sagemaker:DescribeEndpoint")
    assert vars(aws_reads.ONE_SHORT_ATTEMPT)["retries"] == {"max_attempts": 1, "mode": "standard"}


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
