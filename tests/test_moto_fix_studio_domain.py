"""The emulator fix for Studio domains (rehearsal/moto_fixes.py `_studio_domains_in_cloudformation`): moto's
CloudFormation skips AWS::SageMaker::Domain, so nothing can read the domain's id; with the fix the stack
creates the domain in moto's SageMaker backend, with ids of AWS's shape. The first test fails once moto
emulates the type itself: drop the fix then."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.repository import ROOT

TEMPLATE = {
    "Resources": {
        "Domain": {
            "Type": "AWS::SageMaker::Domain",
            "Properties": {
                "DomainName": "Team-Studio",
                "AuthMode": "IAM",
                "AppNetworkAccessType": "VpcOnly",
                "VpcId": "vpc-0123456789abcdef0",
                "SubnetIds": ["subnet-0123456789abcdef0"],
                "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/studio"},
            },
        }
    },
    "Outputs": {
        "Id": {"Value": {"Fn::GetAtt": ["Domain", "DomainId"]}},
        "Arn": {"Value": {"Fn::GetAtt": ["Domain", "DomainArn"]}},
        "Efs": {"Value": {"Fn::GetAtt": ["Domain", "HomeEfsFileSystemId"]}},
        "Ref": {"Value": {"Ref": "Domain"}},
    },
}

SCRIPT = """
import json, sys, boto3
from moto import mock_aws
if sys.argv[1] == "fixed":
    from rehearsal import moto_fixes
    moto_fixes.apply()
with mock_aws():
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    try:
        cloudformation.create_stack(StackName="studio", TemplateBody=sys.argv[2])
    except Exception as error:
        domains = boto3.client("sagemaker", region_name="us-east-1").list_domains()["Domains"]
        print(json.dumps({"error": str(error), "domains": [d["DomainId"] for d in domains]}))
        sys.exit(0)
    [stack] = cloudformation.describe_stacks(StackName="studio")["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    domains = boto3.client("sagemaker", region_name="us-east-1").list_domains()["Domains"]
    cloudformation.delete_stack(StackName="studio")
    left = boto3.client("sagemaker", region_name="us-east-1").list_domains()["Domains"]
    print(json.dumps({"outputs": outputs, "domains": [d["DomainId"] for d in domains], "left": len(left)}))
"""


def _run(mode: str) -> dict[str, object]:
    env = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, json.dumps(TEMPLATE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(process.stdout.strip().splitlines()[-1])
    return result


def test_moto_alone_skips_a_studio_domain_and_refuses_outputs_that_read_it() -> None:
    result = _run("moto")
    assert result["domains"] == []
    assert result["error"]  # moto fails the stack on the outputs reading the resource it skipped


def test_with_the_fix_the_stack_creates_and_deletes_a_domain_with_aws_shaped_ids() -> None:
    result = _run("fixed")
    outputs = result["outputs"]
    assert isinstance(outputs, dict)
    assert re.fullmatch(r"d-[a-z0-9]{12}", outputs["Id"])
    assert outputs["Ref"] == outputs["Id"]
    assert outputs["Arn"] == f"arn:aws:sagemaker:us-east-1:123456789012:domain/{outputs['Id']}"
    assert re.fullmatch(r"fs-[0-9a-f]{17}", outputs["Efs"])
    assert result["domains"] == [outputs["Id"]]
    assert result["left"] == 0
