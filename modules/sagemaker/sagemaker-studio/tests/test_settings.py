"""Parameters as Seed-Farmer passes them (the reference's snake_case names and value forms), and the one
error each bad one gets, naming it as the reference's README and manifests write it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import ParameterError
from sagemaker_studio.settings import StudioSettings

MODULE_DIR = Path(__file__).resolve().parents[1]
REQUIRED = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}


def test_defaults_are_the_reference_modules_but_idle_shutdown_is_on(parameters: Any) -> None:
    parameters(**REQUIRED)
    settings = StudioSettings.from_env()
    assert settings.auth_mode == "IAM"
    assert settings.retain_efs is True
    assert settings.enable_domain_resource_isolation is True
    assert settings.enable_custom_sagemaker_projects is False
    assert settings.enable_jupyterlab_app is False
    assert settings.mlflow_enabled is False
    assert settings.mlflow_server_name == "mlflow"
    assert settings.data_science_users == settings.lead_data_science_users == ()
    # The reference leaves idle shutdown off unless idle_timeout_in_minutes is given; SageMaker's minimum here.
    assert settings.idle_timeout_in_minutes == 60


def test_the_reference_manifests_value_forms_are_read(parameters: Any) -> None:
    """YAML lists arrive JSON-encoded, booleans as the strings 'True' and 'False' the manifests quote."""
    parameters(
        **REQUIRED,
        data_science_users=["ds-user-1"],
        lead_data_science_users=["lead-ds-user-1"],
        retain_efs="False",
        enable_custom_sagemaker_projects="True",
        enable_domain_resource_isolation="false",
        studio_bucket_name="mlops-*",
        mlflow_artifact_store_bucket_prefix="mlflow/",
    )
    settings = StudioSettings.from_env()
    assert settings.users == {"ds-user-1": "data-scientist", "lead-ds-user-1": "lead-data-scientist"}
    assert (settings.retain_efs, settings.enable_custom_sagemaker_projects) == (False, True)
    assert settings.enable_domain_resource_isolation is False
    assert settings.studio_bucket_name == "mlops-*"
    assert settings.mlflow_artifact_store_bucket_prefix == "mlflow/"


@pytest.mark.parametrize(("given", "prefix"), [("/", ""), ("mlflow", "mlflow/"), ("/mlflow/runs/", "mlflow/runs/")])
def test_the_mlflow_prefix_is_a_key_prefix_of_the_bucket(parameters: Any, given: str, prefix: str) -> None:
    parameters(**REQUIRED, mlflow_artifact_store_bucket_prefix=given)
    assert StudioSettings.from_env().mlflow_artifact_store_bucket_prefix == prefix


def test_subnets_and_users_may_be_comma_separated(parameters: Any) -> None:
    parameters(
        vpc_id=REQUIRED["vpc_id"],
        subnet_ids="subnet-0123456789abcdef0, subnet-0123456789abcdef1",
        data_science_users="a,b",
    )
    settings = StudioSettings.from_env()
    assert settings.subnet_ids == ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")
    assert settings.data_science_users == ("a", "b")


def test_server_lifecycle_name_is_accepted_with_a_note(parameters: Any, capsys: pytest.CaptureFixture[str]) -> None:
    parameters(**REQUIRED, server_lifecycle_name="studio-auto-shutdown")
    StudioSettings.from_env()
    assert "server_lifecycle_name" in capsys.readouterr().err


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"vpc_id": None}, "vpc_id", "is required"),
    ({"vpc_id": "vpc-12"}, "vpc_id", "vpc-0123456789abcdef0"),
    ({"subnet_ids": []}, "subnet_ids", "at least 1"),
    ({"subnet_ids": ["sub-1"]}, "subnet_ids", "not a subnet id"),
    ({"subnet_ids": ["subnet-0123456789abcdef0"] * 2}, "subnet_ids", "more than once"),
    ({"studio_domain_name": "my_domain"}, "studio_domain_name", "letters, digits and hyphens"),
    ({"studio_domain_name": "d" * 64}, "studio_domain_name", "at most 63"),
    ({"studio_bucket_name": "My_Bucket"}, "studio_bucket_name", "not an S3 bucket name"),
    ({"studio_bucket_name": "mlops-*-x"}, "studio_bucket_name", "not an S3 bucket name"),
    ({"auth_mode": "LDAP"}, "auth_mode", "IAM"),
    ({"role_path": "studio"}, "role_path", "IAM path"),
    ({"permissions_boundary_name": "arn:aws:iam::1:policy/b"}, "permissions_boundary_name", "mlops-boundary"),
    ({"data_science_users": ["alice_smith"]}, "data_science_users", "user profile name SageMaker accepts"),
    ({"data_science_users": ["a", "a"]}, "data_science_users", "lists a more than once"),
    ({"lead_data_science_users": ["-bob"]}, "lead_data_science_users", "user profile name"),
    (
        {"data_science_users": ["alice"], "lead_data_science_users": ["alice"]},
        "lead_data_science_users",
        "also in 'data_science_users'",
    ),
    (
        {"enable_jupyterlab_app": True, "data_science_users": ["a" * 47]},
        "data_science_users",
        "at most 46 characters",
    ),
    (
        {"enable_jupyterlab_app": True, "enable_jupyterlab_app_sharing": True, "data_science_users": ["a" * 46]},
        "data_science_users",
        "at most 45 characters",
    ),
    ({"enable_jupyterlab_app_sharing": True}, "enable_jupyterlab_app_sharing", "set both or neither"),
    ({"retain_efs": "sometimes"}, "retain_efs", "true or false"),
    ({"vpc_only_trusted_accounts": ["12345"]}, "vpc_only_trusted_accounts", "12-digit"),
    ({"vpc_only_trusted_accounts": [str(10**11 + i) for i in range(21)]}, "vpc_only_trusted_accounts", "at most 20"),
    ({"jupyterlab_app_instance_type": "ml.t3.medum"}, "jupyterlab_app_instance_type", "did you mean 'ml.t3.medium'"),
    ({"idle_timeout_in_minutes": 30}, "idle_timeout_in_minutes", "at least 60"),
    ({"idle_timeout_in_minutes": 600000}, "idle_timeout_in_minutes", "at most 525600"),
    ({"min_idle_timeout_in_minutes": 120}, "min_idle_timeout_in_minutes", "more than 'idle_timeout_in_minutes'"),
    ({"max_idle_timeout_in_minutes": 59}, "max_idle_timeout_in_minutes", "at least 60"),
    (
        {"idle_timeout_in_minutes": 180, "max_idle_timeout_in_minutes": 120},
        "max_idle_timeout_in_minutes",
        "less than 'idle_timeout_in_minutes'",
    ),
    ({"image_name": "team-image"}, "app_image_config_name", "required with 'image_name'"),
    ({"app_image_config_name": "cfg"}, "image_name", "required with 'app_image_config_name'"),
    ({"image_name": "bad_image"}, "image_name", "SageMaker image name"),
    ({"mlflow_enabled": True}, "mlflow_artifact_store_bucket_name", "required with 'mlflow_enabled: True'"),
    ({"mlflow_server_name": "ml_flow"}, "mlflow_server_name", "tracking server name"),
    ({"mlflow_server_version": "latest"}, "mlflow_server_version", "2.16"),
    ({"mlflow_server_size": "Huge"}, "mlflow_server_size", "Small"),
    ({"mlflow_artifact_store_bucket_name": "s3://b"}, "mlflow_artifact_store_bucket_name", "mlops-artifacts"),
    ({"tags": "team=ml"}, "tags", "JSON object"),
    ({"custom_tags": {"team": 1}}, "custom_tags.team", "text"),
    ({"qualifier": "far-too-long-qualifier"}, "qualifier", "at most 10 characters"),
    ({"deploy_role_arn": "arn:aws:iam::1:user/x"}, "deploy_role_arn", "IAM role ARN"),
    ({"data_science_user": ["a"]}, "data_science_user", "did you mean 'data_science_users'"),
]


@pytest.mark.parametrize(("given", "parameter", "says"), BAD, ids=[f"{case[1]}-{i}" for i, case in enumerate(BAD)])
def test_each_bad_parameter_is_one_error_naming_it_in_snake_case(
    parameters: Any, given: dict[str, Any], parameter: str, says: str
) -> None:
    parameters(**{name: value for name, value in {**REQUIRED, **given}.items() if value is not None})
    with pytest.raises(ParameterError) as raised:
        StudioSettings.from_env()
    [line] = str(raised.value).splitlines()
    assert f"'{parameter}'" in line
    assert says in line


ADMINISTRATOR = "arn:aws:iam::111111111111:role/KeyAdministrators"

# The governance parameters a deployment gives every module alike: named in kebab-case, as every module writes them.
GOVERNANCE_BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"key-administrator-arns": ["arn:aws:iam::111111111111:role/*"]}, "key-administrator-arns", "no wildcards"),
    ({"key-administrator-arns": ["arn:aws:iam::111111111111:root"]}, "key-administrator-arns", "an IAM role or user"),
    (
        {"key-administrator-arns": [ADMINISTRATOR] * 2},
        "key-administrator-arns",
        "lists an administrator more than once",
    ),
    ({"key-administrator-arns": "[not json"}, "key-administrator-arns", "not valid JSON"),
    ({"log-retention-days": 90}, "log-retention-days", "90 is not one of CloudWatch Logs' retention periods of a year"),
    ({"log-retention-days": 366}, "log-retention-days", "365, 400, 545, 731"),
    ({"log-retention-days": "forever"}, "log-retention-days", "must be a whole number"),
]


@pytest.mark.parametrize(
    ("given", "parameter", "says"), GOVERNANCE_BAD, ids=[f"{case[1]}-{i}" for i, case in enumerate(GOVERNANCE_BAD)]
)
def test_a_bad_governance_parameter_is_one_error_naming_it_as_every_module_writes_it(
    parameters: Any, given: dict[str, Any], parameter: str, says: str
) -> None:
    parameters(**REQUIRED, **given)
    with pytest.raises(ParameterError) as raised:
        StudioSettings.from_env()
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"parameter '{parameter}': ")
    assert says in line


def test_the_governance_parameters_reach_the_plan(parameters: Any) -> None:
    from mlops_platform.contract import DeploymentContext
    from sagemaker_studio.plan import plan

    context = DeploymentContext(
        project="mlops", deployment="test", module="studio", account="1" * 12, region="us-east-1"
    )
    parameters(**REQUIRED)
    default = plan(StudioSettings.from_env(), context)
    assert (default.key_administrators, default.log_retention_days) == ((), 365)
    parameters(**{"key-administrator-arns": [ADMINISTRATOR], "log-retention-days": 1096})
    given = plan(StudioSettings.from_env(), context)
    assert (given.key_administrators, given.log_retention_days) == ((ADMINISTRATOR,), 1096)


def test_python_app_py_fails_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    env: dict[str, str] = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_")},
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "studio",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": "us-east-1",
        "SEEDFARMER_PARAMETER_VPC_ID": "vpc-0123456789abcdef0",
        "SEEDFARMER_PARAMETER_SUBNET_IDS": '["subnet-0123456789abcdef0"]',
        "SEEDFARMER_PARAMETER_DATA_SCIENCE_USERS": '["alice_smith"]',
        "CDK_OUTDIR": str(tmp_path / "out"),
    }
    process = subprocess.run(
        [sys.executable, "app.py"], cwd=MODULE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert process.returncode == 1
    assert process.stderr.strip().startswith("sagemaker-studio: parameter 'data_science_users': 'alice_smith'")
    assert len(process.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
