"""Parameters as Seed-Farmer passes them, and the error each bad one gets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import ParameterError
from networking.settings import DEFAULT_VPC_ENDPOINTS, NetworkingSettings

MODULE_DIR = Path(__file__).resolve().parents[1]


def test_defaults_match_the_readme(parameters: Any) -> None:
    parameters()
    settings = NetworkingSettings.from_env()
    assert settings.vpc_cidr == "10.0.0.0/16"
    assert settings.max_azs == 2
    assert settings.nat_gateways == 1
    assert settings.internet_accessible is True
    assert settings.flow_logs is True
    assert settings.vpc_endpoints == tuple(sorted(DEFAULT_VPC_ENDPOINTS))
    assert settings.tags == {}


def test_json_encoded_values_are_decoded(parameters: Any) -> None:
    parameters(**{"max-azs": 3, "internet-accessible": True, "vpc-endpoints": ["sts", "sqs"], "tags": {"team": "ml"}})
    settings = NetworkingSettings.from_env()
    assert settings.max_azs == 3
    assert settings.vpc_endpoints == ("sqs", "sts")
    assert settings.tags == {"team": "ml"}


def test_endpoints_may_be_a_comma_separated_string(parameters: Any) -> None:
    parameters(**{"vpc-endpoints": "sts, logs"})
    assert NetworkingSettings.from_env().vpc_endpoints == ("logs", "sts")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"vpc-cidr": "10.0.0.0/33"}, "parameter 'vpc-cidr': not an IPv4 CIDR block such as 10.0.0.0/16"),
        ({"vpc-cidr": "banana"}, "parameter 'vpc-cidr': not an IPv4 CIDR block"),
        ({"vpc-cidr": "10.0.0.1/16"}, "has host bits set"),
        ({"vpc-cidr": "10.0.0.0/28"}, "parameter 'vpc-cidr': the prefix length must be between /16 and /24"),
        ({"vpc-cidr": "10.0.0.0/8"}, "parameter 'vpc-cidr': the prefix length must be between /16 and /24"),
        ({"vpc-cidr": "8.8.0.0/16"}, "parameter 'vpc-cidr': use a private range"),
        ({"max-azs": 0}, "parameter 'max-azs': must be at least 1 (got \"0\")"),
        ({"max-azs": 7}, "parameter 'max-azs': must be at most 6 (got \"7\")"),
        ({"max-azs": "two"}, "parameter 'max-azs': must be a whole number"),
        ({"nat-gateways": 3}, "parameter 'nat-gateways': 3 is more than 'max-azs' (2)"),
        ({"nat-gateways": -1}, "parameter 'nat-gateways': must be at least 0"),
        (
            {"nat-gateways": 1, "internet-accessible": False},
            "parameter 'nat-gateways': 1 NAT gateway(s) need an internet gateway, but 'internet-accessible' is false",
        ),
        ({"internet-accessible": "maybe"}, "parameter 'internet-accessible': must be true or false"),
        (
            {"vpc-endpoints": ["sagemaker.apii"]},
            "'sagemaker.apii' is not a known interface endpoint service; did you mean 'sagemaker.api'?",
        ),
        ({"vpc-endpoints": ["s3"]}, "parameter 'vpc-endpoints': 's3' is served by a gateway endpoint"),
        ({"vpc-endpoints": ["sts", "sts"]}, "parameter 'vpc-endpoints': lists a service more than once"),
        ({"vpc-endpoints": '["sts"'}, "parameter 'vpc-endpoints': not valid JSON; expected a JSON list of strings"),
        ({"tags": "team=ml"}, "parameter 'tags': not valid JSON; expected a JSON object of tag keys to values"),
        ({"tags": {"team": 1}}, "parameter 'tags.team': must be text"),
        ({"max-azz": 2}, "unknown parameter 'max-azz'; did you mean 'max-azs'?"),
        (
            {"log-retention-days": 30},
            "parameter 'log-retention-days': 30 is not one of CloudWatch Logs' retention periods of a year or more: "
            "365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ),
        ({"log-retention-days": 366}, "parameter 'log-retention-days': 366 is not one of CloudWatch Logs'"),
        (
            {"key-administrator-arns": ["arn:aws:iam::111111111111:role/*"]},
            "parameter 'key-administrator-arns': 'arn:aws:iam::111111111111:role/*' is not the ARN of an IAM role",
        ),
        (
            {"permissions-boundary-name": "arn:aws:iam::1:policy/b"},
            "parameter 'permissions-boundary-name': is not an IAM",
        ),
        ({"vpccidr": "10.0.0.0/16"}, "unknown parameter 'vpccidr'; did you mean 'vpc-cidr'?"),
    ],
)
def test_bad_parameter_is_named_in_kebab_case(parameters: Any, values: dict[str, Any], expected: str) -> None:
    parameters(**values)
    with pytest.raises(ParameterError) as raised:
        NetworkingSettings.from_env()
    assert expected in str(raised.value)


def test_bad_parameter_stops_python_app_before_anything_is_synthesized(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "networking-vpc",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": "us-east-1",
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "SEEDFARMER_PARAMETER_MAX_AZS": json.dumps(9),
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=MODULE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "networking: parameter 'max-azs': must be at most 6" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdk.out").exists()


def test_missing_seedfarmer_variables_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_platform.contract import DeploymentContext

    monkeypatch.delenv("SEEDFARMER_DEPLOYMENT_NAME", raising=False)
    with pytest.raises(ParameterError, match="SEEDFARMER_DEPLOYMENT_NAME"):
        DeploymentContext.from_env()
