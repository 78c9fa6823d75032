"""A redeploy after `seedfarmer destroy` finds the kept flow-log group in its way: refused before it deploys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from mlops_platform import retained
from networking import synthesis

REGION = "us-east-1"
STACK = "mlops-test-vpc"
GROUP = f"/seedfarmer/{STACK}/vpc-flow-logs"


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "vpc",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.mark.usefixtures("account")
def test_a_kept_flow_log_group_is_refused_with_the_command_that_deletes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName=GROUP)  # what `seedfarmer destroy` leaves of an earlier deployment
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path))
    with pytest.raises(SystemExit) as ended:
        synthesis.main()
    assert str(ended.value) == (
        f"networking: log group(s) {GROUP} were kept when stack {STACK} let go of them (a destroy, or an update "
        'that removed them), and CloudFormation cannot create them again ("already exists"): delete them '
        f"(aws logs delete-log-group --region {REGION} --log-group-name {GROUP}), exporting their events first "
        "(aws logs create-export-task) to keep them, then apply again"
    )
    template = json.loads((tmp_path / f"{STACK}.template.json").read_text())
    logs.delete_log_group(logGroupName=GROUP)  # what the message says to run: then the deploy goes ahead
    retained.refuse_in_region(template, REGION, STACK)


def test_an_unreachable_aws_is_one_clear_error_within_seconds_not_a_silent_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket
    import time

    kept = {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "RetainExceptOnCreate",
        "Properties": {"LogGroupName": GROUP},
    }
    with socket.socket() as closed:  # a loopback port nobody listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unreachable")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unreachable")
    started = time.monotonic()
    with pytest.raises(
        retained.RetainedLogGroupError, match=r"^cannot reach AWS to look for log groups an earlier deployment"
    ):
        retained.refuse_in_region({"Resources": {"FlowLogGroup": kept}}, REGION, STACK)
    assert time.monotonic() - started < 5


def test_without_credentials_the_look_for_kept_groups_is_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlops_platform import aws_reads

    for name, value in {
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "vpc",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(aws_reads, "credentials_found", lambda: False)
    monkeypatch.setattr(boto3, "client", lambda *_, **__: pytest.fail("no AWS read without credentials"))
    synthesis.synthesize(str(tmp_path / "out"))
    assert capsys.readouterr().err.strip() == f"networking: {synthesis.NO_CREDENTIALS_NOTE}"
    assert (tmp_path / "out" / f"{STACK}.template.json").is_file()
