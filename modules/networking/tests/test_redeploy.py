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
