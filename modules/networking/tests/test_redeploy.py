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


def test_an_unreachable_aws_is_one_clear_error_after_one_short_retry_not_a_silent_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "RetainExceptOnCreate",
        "Properties": {"LogGroupName": GROUP},
    }
    server = ClosingServer()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unreachable")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unreachable")
    with pytest.raises(
        retained.RetainedLogGroupError, match=r"^cannot reach AWS to look for log groups an earlier deployment"
    ):
        retained.refuse_in_region({"Resources": {"FlowLogGroup": kept}}, REGION, STACK)
    server.close()
    assert server.connections == 2  # one attempt, one retry (botocore's default retried four times)


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
    assert _ours(capsys.readouterr().err) == [f"networking: {synthesis.NO_CREDENTIALS_NOTE}"]
    assert (tmp_path / "out" / f"{STACK}.template.json").is_file()


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


def _ours(stderr: str) -> list[str]:
    """The module's lines of `stderr`, without Node.js's own warnings: a test process that has synthesized many
    stacks gets the CDK runtime's "MaxListenersExceededWarning" on its stderr (a flake this test had)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith(("(node:", "(Use `node"))]
