"""A redeploy after `seedfarmer destroy`, and variant renames under a guardrail, against an emulated account.

Each test synthesizes as `python app.py` does (the environment Seed-Farmer sets), with moto standing in
for the account the synth-time reads ask.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from mlops_platform.contract import DeploymentContext, ParameterError
from mlops_platform.retained import RetainedLogGroupError, kept_log_groups, refuse_in_region
from sagemaker_endpoint import synthesis
from sagemaker_endpoint.plan import plan
from sagemaker_endpoint.settings import EndpointSettings

REGION = "us-east-1"
STACK = "mlops-test-endpoint"
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
GROUPS = [f"/aws/sagemaker/Endpoints/{STACK}", f"/seedfarmer/{STACK}/InvokeFunction"]


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "endpoint",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": REGION,
        "SEEDFARMER_PARAMETER_VPC_ID": "vpc-0123456789abcdef0",
        "SEEDFARMER_PARAMETER_SUBNET_IDS": json.dumps(["subnet-0123456789abcdef0"]),
        "SEEDFARMER_PARAMETER_MODEL_PACKAGE_ARN": PACKAGE,
        "SEEDFARMER_PARAMETER_INVOKE_FUNCTION": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        # The fixed package the manifest names, which the synthesis describes.
        sagemaker = boto3.client("sagemaker", region_name=REGION)
        sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
        specification: Any = {
            "Containers": [
                {"Image": "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud:1", "ModelDataUrl": "s3://b/m"}
            ],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        }
        package = sagemaker.create_model_package(
            ModelPackageGroupName="fraud-detector", ModelApprovalStatus="Approved", InferenceSpecification=specification
        )
        monkeypatch.setenv("SEEDFARMER_PARAMETER_MODEL_PACKAGE_ARN", package["ModelPackageArn"])
        yield


def _template(outdir: Path) -> dict[str, Any]:
    template: dict[str, Any] = json.loads((outdir / f"{STACK}.template.json").read_text())
    return template


def _deploy_log_groups(template: dict[str, Any]) -> None:
    """The stack as CloudFormation holds it after a deploy, reduced to what this check reads: its kept
    log groups (moto cannot create the whole template: its functions need published assets)."""
    groups = {
        logical: {**resource, "Properties": {"LogGroupName": resource["Properties"]["LogGroupName"]}}
        for logical, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName=STACK, TemplateBody=json.dumps({"Resources": groups})
    )


def _destroy() -> None:
    """`seedfarmer destroy`: the stack goes, its RetainExceptOnCreate groups stay (moto deletes them, so
    they are put back as CloudFormation leaves them)."""
    boto3.client("cloudformation", region_name=REGION).delete_stack(StackName=STACK)
    logs = boto3.client("logs", region_name=REGION)
    for name in GROUPS:
        if not logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]:
            logs.create_log_group(logGroupName=name)


@pytest.mark.usefixtures("account")
def test_a_redeploy_after_destroy_is_refused_naming_each_kept_group_and_the_command_that_deletes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for name in GROUPS:  # what `seedfarmer destroy` leaves of an earlier deployment
        logs.create_log_group(logGroupName=name)
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path))
    with pytest.raises(SystemExit) as ended:
        synthesis.main()
    [line] = str(ended.value).splitlines()
    commands = "; ".join(f"aws logs delete-log-group --region {REGION} --log-group-name {name}" for name in GROUPS)
    assert line == (
        f"sagemaker-endpoint: log group(s) {', '.join(sorted(GROUPS))} were kept when stack {STACK} let go of them "
        "(a destroy, or an update that removed them), and CloudFormation cannot create them again "
        f'("already exists"): delete them ({commands}), exporting their events first (aws logs create-export-task) '
        "to keep them, then apply again"
    )
    assert "Traceback" not in capsys.readouterr().err

    template = _template(tmp_path)
    assert kept_log_groups(template) == sorted(GROUPS)
    for name in GROUPS:  # what the message says to run: then the deploy goes ahead
        logs.delete_log_group(logGroupName=name)
    refuse_in_region(template, REGION, STACK)
    _deploy_log_groups(template)
    refuse_in_region(template, REGION, STACK)  # an update: the stack holds its groups
    _destroy()
    with pytest.raises(RetainedLogGroupError, match="were kept when stack"):
        refuse_in_region(template, REGION, STACK)


@pytest.mark.usefixtures("account")
def test_a_denied_look_for_kept_groups_names_the_action_the_role_and_what_to_grant() -> None:
    class Denied:
        meta = boto3.client("logs", region_name=REGION).meta

        def get_paginator(self, name: str) -> Any:
            from botocore.exceptions import ClientError

            message = (
                "User: arn:aws:sts::111111111111:assumed-role/mlops-test-endpoint-deployment-role/s is not "
                "authorized to perform: logs:DescribeLogGroups"
            )
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, "DescribeLogGroups")

    from mlops_platform.retained import refuse_retained_log_groups

    with pytest.raises(RetainedLogGroupError) as raised:
        refuse_retained_log_groups(
            boto3.client("cloudformation", region_name=REGION),
            Denied(),
            {
                "Resources": {
                    "G": {
                        "Type": "AWS::Logs::LogGroup",
                        "DeletionPolicy": "RetainExceptOnCreate",
                        "Properties": {"LogGroupName": GROUPS[0]},
                    }
                }
            },
            STACK,
        )
    assert str(raised.value) == (
        "arn:aws:sts::111111111111:assumed-role/mlops-test-endpoint-deployment-role/s may not call "
        "logs:DescribeLogGroups, which looks for log groups an earlier deployment kept; grant it "
        "logs:DescribeLogGroups (the module's modulestack.yaml does, once Seed-Farmer has deployed it)"
    )


@pytest.mark.usefixtures("account")
def test_renaming_the_variant_of_a_deployed_endpoint_is_refused_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    sagemaker.create_model(ModelName="m", PrimaryContainer={"Image": "i"}, ExecutionRoleArn="arn:aws:iam::1:role/r")
    sagemaker.create_endpoint_config(
        EndpointConfigName="c",
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
        ],
    )
    sagemaker.create_endpoint(EndpointName=STACK, EndpointConfigName="c")
    monkeypatch.setenv("SEEDFARMER_PARAMETER_VARIANT_NAME", "blue")
    monkeypatch.setenv("SEEDFARMER_PARAMETER_DEPLOYMENT_STRATEGY", "LINEAR")
    with pytest.raises(
        ParameterError,
        match=r"^parameter 'variant-name': endpoint mlops-test-endpoint is deployed "
        r"with variant\(s\) AllTraffic and would be updated to blue; .*'deployment-strategy' LINEAR",
    ):
        _check_update()
    monkeypatch.setenv("SEEDFARMER_PARAMETER_VARIANT_NAME", "AllTraffic")
    _check_update()


def _check_update() -> None:
    settings, context = EndpointSettings.from_env(), DeploymentContext.from_env()
    planned = plan(settings, synthesis.resolve_package(settings, context), context)
    synthesis.refuse_updates_sagemaker_refuses(planned, context)


def test_without_credentials_the_reads_are_skipped_at_once_with_a_one_line_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from mlops_platform import aws_reads

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # this machine is no EC2 instance
    for name, value in {
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "endpoint",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": REGION,
        "SEEDFARMER_PARAMETER_VPC_ID": "vpc-0123456789abcdef0",
        "SEEDFARMER_PARAMETER_SUBNET_IDS": json.dumps(["subnet-0123456789abcdef0"]),
        "SEEDFARMER_PARAMETER_MODEL_IMAGE_URI": "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud:1",
    }.items():
        monkeypatch.setenv(name, value)

    def no_read(*_: Any, **__: Any) -> None:
        raise AssertionError("no AWS read without credentials")

    monkeypatch.setattr(aws_reads, "client", no_read)
    monkeypatch.setattr(boto3, "client", no_read)
    started = time.monotonic()
    synthesis.synthesize(str(tmp_path / "out"))
    assert time.monotonic() - started < 30  # the synthesis itself; no read waits on a timeout
    # Node.js's own warnings (the CDK runtime's MaxListenersExceededWarning, in a process that has synthesized
    # many stacks) are not the module's.
    [note] = [
        line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith(("(node:", "(Use `node"))
    ]
    assert note == f"sagemaker-endpoint: {synthesis.NO_CREDENTIALS_NOTE}"
    assert (tmp_path / "out" / f"{STACK}.template.json").exists()
