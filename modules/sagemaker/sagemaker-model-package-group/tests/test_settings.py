"""Every parameter as a manifest writes it: what is accepted, and the one line a bad value gets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_model_package_group.plan import plan
from sagemaker_model_package_group.settings import RegistrySettings

Read = Callable[..., RegistrySettings]
GROUP = {"model_package_group_name": "mlops-test-model-group-source"}
CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="registry", account="111111111111", region="us-east-1"
)


def test_the_reference_sample_manifest_values_are_accepted_as_written(from_manifest: Read) -> None:
    """aiops-modules' examples/manifests/sagemaker-model-package-group-modules.yaml: an int project id, the
    target accounts as JSON text."""
    settings = from_manifest(
        model_package_group_name="mlops-test-model-group-source",
        target_event_bus_arn="arn:aws:events:us-east-1:444333222555:event-bus/aiops",
        target_account_ids='["444333222555"]',
        sagemaker_project_id=123123,
        sagemaker_project_name="test",
    )
    assert settings.target_account_ids == ("444333222555",)
    assert settings.sagemaker_project_id == "123123"
    assert settings.retain_on_delete is True
    assert settings.forward_events_to_target_accounts is True


def test_the_reference_readme_parameters_are_accepted_in_both_spellings(from_manifest: Read) -> None:
    settings = from_manifest(
        {"permissions-boundary-name": "my-permissions-boundary", "model-package-group-description": "Test"},
        model_package_group_name="mlops-model-xgboost",
        retain_on_delete=True,
        target_account_ids='["111222333444", "555666777888"]',
        sagemaker_project_id="xxxxxxxx",
    )
    assert settings.permissions_boundary_name == "my-permissions-boundary"
    assert settings.model_package_group_description == "Test"
    assert settings.target_account_ids == ("111222333444", "555666777888")


@pytest.mark.parametrize(
    "given",
    [["222222222222", "333333333333"], '["222222222222", "333333333333"]', [222222222222, "333333333333"]],
    ids=["json-list", "json-text", "unquoted-yaml-number"],
)
def test_target_account_ids_take_a_list_or_its_json_text(from_manifest: Read, given: Any) -> None:
    assert from_manifest(**GROUP, target_account_ids=given).target_account_ids == ("222222222222", "333333333333")


def test_one_account_id_may_be_given_alone(from_manifest: Read) -> None:
    assert from_manifest(**GROUP, target_account_ids="222222222222").target_account_ids == ("222222222222",)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("models", "models/"), ("/models/fraud/", "models/fraud/"), ("a(1)/b_c.d-e!'", "a(1)/b_c.d-e!'/")],
)
def test_the_artifacts_prefix_is_kept_with_one_trailing_slash(from_manifest: Read, given: str, stored: str) -> None:
    assert from_manifest(**GROUP, model_artifacts_prefix=given).model_artifacts_prefix == stored


def test_every_new_parameter_has_a_sensible_default(from_manifest: Read) -> None:
    settings = from_manifest(**GROUP)
    assert settings.model_artifacts_bucket_arn is None  # the module creates the bucket
    assert settings.model_artifacts_prefix is None  # the plan makes it `<group>/`
    assert settings.ecr_repository_arns == ()
    assert settings.tags == {}
    assert plan(settings, CONTEXT).artifacts.prefix == "mlops-test-model-group-source/"


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("group-missing", {}, "parameter 'model_package_group_name': is required"),
    (
        "group-underscore",
        {"model_package_group_name": "fraud_detector"},
        "parameter 'model_package_group_name': is not a SageMaker name (1 to 63 letters, digits and inner hyphens)",
    ),
    ("retain-maybe", {**GROUP, "retain_on_delete": "maybe"}, "parameter 'retain_on_delete': must be true or false"),
    (
        "bus-readme-placeholder",
        {**GROUP, "target_event_bus_arn": "arn:aws:events:xx-xxxxx-xx:xxxxxxxxxxxx:event-bus/default"},
        "parameter 'target_event_bus_arn': names no AWS region ('xx-xxxxx-xx')",
    ),
    (
        "bus-is-a-topic",
        {**GROUP, "target_event_bus_arn": "arn:aws:sns:us-east-1:222222222222:ml-events"},
        "parameter 'target_event_bus_arn': is not an EventBridge event bus ARN",
    ),
    (
        "description-too-long",
        {**GROUP, "model_package_group_description": "x" * 1025},
        "parameter 'model_package_group_description': may have at most 1024 characters",
    ),
    (
        "account-reference-test-value",
        {**GROUP, "target_account_ids": '["dummy123"]'},
        "parameter 'target_account_ids[0]': 'dummy123' is not a 12-digit AWS account id",
    ),
    (
        "account-lost-its-zeros",
        {**GROUP, "target_account_ids": [12345678901]},
        "quote account ids in YAML: a number loses leading zeros",
    ),
    (
        "accounts-not-json",
        {**GROUP, "target_account_ids": '["222222222222"'},
        "parameter 'target_account_ids': not valid JSON; expected a JSON list",
    ),
    (
        "project-id-not-a-tag-value",
        {**GROUP, "sagemaker_project_id": "p-<1>"},
        "parameter 'sagemaker_project_id': contains '<>', which AWS tag values do not allow",
    ),
    (
        "boundary-is-an-arn",
        {**GROUP, "permissions-boundary-name": "arn:aws:iam::111111111111:policy/b"},
        "parameter 'permissions-boundary-name': is not an IAM policy name (not its ARN)",
    ),
    (
        "administrator-wildcard",
        {**GROUP, "key-administrator-arns": ["arn:aws:iam::111111111111:role/*"]},
        "parameter 'key-administrator-arns': 'arn:aws:iam::111111111111:role/*' is not the ARN of an IAM role or user",
    ),
    (
        "administrator-is-an-account",
        {**GROUP, "key-administrator-arns": ["arn:aws:iam::111111111111:root"]},
        "parameter 'key-administrator-arns': 'arn:aws:iam::111111111111:root' is not the ARN of an IAM role or user",
    ),
    (
        "administrator-twice",
        {**GROUP, "key-administrator-arns": ["arn:aws:iam::111111111111:role/KeyAdmins"] * 2},
        "parameter 'key-administrator-arns': lists an administrator more than once",
    ),
    (
        "administrators-not-json",
        {**GROUP, "key-administrator-arns": '["arn:aws:iam::111111111111:role/KeyAdmins"'},
        "parameter 'key-administrator-arns': not valid JSON; expected a JSON list",
    ),
    (
        "retention-a-month",
        {**GROUP, "log-retention-days": 30},
        "parameter 'log-retention-days': 30 is not one of CloudWatch Logs' retention periods of a year or more",
    ),
    (
        "retention-not-a-period",
        {**GROUP, "log-retention-days": 500},
        "parameter 'log-retention-days': 500 is not one of CloudWatch Logs' retention periods of a year or more",
    ),
    (
        "retention-not-a-number",
        {**GROUP, "log-retention-days": "a year"},
        "parameter 'log-retention-days': must be a whole number",
    ),
    (
        "bucket-is-an-object",
        {**GROUP, "model_artifacts_bucket_arn": "arn:aws:s3:::models/fraud"},
        "parameter 'model_artifacts_bucket_arn': is not an S3 bucket ARN",
    ),
    (
        "key-is-an-alias",
        {
            **GROUP,
            "model_artifacts_bucket_arn": "arn:aws:s3:::models",
            "model_artifacts_kms_key_arn": "arn:aws:kms:us-east-1:111111111111:alias/models",
        },
        "parameter 'model_artifacts_kms_key_arn': is not a KMS key ARN (a key, not an alias)",
    ),
    (
        "key-without-bucket",
        {**GROUP, "model_artifacts_kms_key_arn": "arn:aws:kms:us-east-1:111111111111:key/abc"},
        "parameter 'model_artifacts_kms_key_arn': names the key of an existing bucket, so it goes with "
        "'model_artifacts_bucket_arn'",
    ),
    (
        "prefix-wildcard",
        {**GROUP, "model_artifacts_prefix": "models/*"},
        "parameter 'model_artifacts_prefix': is not an S3 key prefix",
    ),
    (
        "repository-wrong-service",
        {**GROUP, "ecr_repository_arns": ["arn:aws:s3:::models"]},
        "parameter 'ecr_repository_arns[0]': is not an ECR repository ARN",
    ),
    (
        "repository-twice",
        {**GROUP, "ecr_repository_arns": ["arn:aws:ecr:us-east-1:111111111111:repository/model"] * 2},
        "parameter 'ecr_repository_arns': lists a repository more than once",
    ),
    (
        "forwarding-not-bool",
        {**GROUP, "forward_events_to_target_accounts": "sometimes"},
        "parameter 'forward_events_to_target_accounts': must be true or false",
    ),
    ("tags-not-a-map", {**GROUP, "tags": "team=ml"}, "parameter 'tags': not valid JSON"),
    (
        "unknown-parameter",
        {**GROUP, "model_package_group_descripton": "x"},
        "unknown parameter 'model_package_group_descripton'; did you mean 'model_package_group_description'?",
    ),
]


@pytest.mark.parametrize(
    ("given", "expected"), [(given, expected) for _, given, expected in BAD], ids=[c[0] for c in BAD]
)
def test_a_bad_parameter_gets_one_line_naming_it_as_the_manifest_writes_it(
    from_manifest: Read, given: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ParameterError) as raised:
        from_manifest(given)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
    [named] = re.findall(r"parameter '([^'\[]+)", str(raised.value))[:1]
    assert named in GOVERNANCE or "-" not in named, "names a parameter in the reference's snake_case"


# The governance parameters every module of a deployment takes alike, written in kebab-case in every module.
GOVERNANCE = ("permissions-boundary-name", "key-administrator-arns", "log-retention-days")
ADMINISTRATOR = "arn:aws:iam::111111111111:role/KeyAdministrators"
EXISTING_BUCKET = {"model_artifacts_bucket_arn": "arn:aws:s3:::ml-models"}


def test_the_governance_parameters_are_read_as_every_module_writes_them(from_manifest: Read) -> None:
    settings = from_manifest({"key-administrator-arns": [ADMINISTRATOR], "log-retention-days": 731}, **GROUP)
    assert settings.key_administrator_arns == (ADMINISTRATOR,)
    assert settings.log_retention_days == 731
    planned = plan(settings, CONTEXT)
    assert planned.key_administrators == (ADMINISTRATOR,)
    assert planned.log_retention_days == 731


def test_without_governance_parameters_nobody_administers_and_logs_are_kept_a_year(from_manifest: Read) -> None:
    planned = plan(from_manifest(**GROUP), CONTEXT)
    assert planned.key_administrators == ()
    assert planned.log_retention_days == 365


def test_governance_given_with_an_existing_bucket_is_accepted_with_a_note_that_nothing_takes_it(
    from_manifest: Read, capsys: pytest.CaptureFixture[str]
) -> None:
    """A platform team gives these to every module alike: with an existing bucket the module creates no key and
    no logs, so it says so rather than refusing the deployment's common parameters."""
    from_manifest({"key-administrator-arns": [ADMINISTRATOR], "log-retention-days": 731}, **GROUP, **EXISTING_BUCKET)
    notes = capsys.readouterr().err.splitlines()
    assert notes == [
        "note: parameter 'key-administrator-arns': with 'model_artifacts_bucket_arn' the module creates no key, so it "
        "names no administrator (the existing bucket's key keeps its own policy)",
        "note: parameter 'log-retention-days': with 'model_artifacts_bucket_arn' the module creates no access-log "
        "bucket and no log group, so nothing keeps this retention",
    ]


@pytest.mark.parametrize(
    "given",
    [
        {"key-administrator-arns": [ADMINISTRATOR], "log-retention-days": 731},  # the module creates the key, the logs
        {**EXISTING_BUCKET},  # nothing given
        {**EXISTING_BUCKET, "key-administrator-arns": []},  # nobody named
    ],
    ids=["own-bucket", "existing-bucket-nothing-given", "existing-bucket-nobody-named"],
)
def test_no_note_when_the_governance_parameters_take_effect_or_ask_for_nothing(
    from_manifest: Read, capsys: pytest.CaptureFixture[str], given: dict[str, Any]
) -> None:
    from_manifest(given, **GROUP)
    assert capsys.readouterr().err == ""


PLAN_BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "bus-is-the-rules-own",
        {**GROUP, "target_event_bus_arn": "arn:aws:events:us-east-1:111111111111:event-bus/default"},
        "parameter 'target_event_bus_arn': arn:aws:events:us-east-1:111111111111:event-bus/default is the bus the "
        "module's rule listens on",
    ),
    (
        "more-buses-than-a-rule-takes",
        {
            **GROUP,
            "target_event_bus_arn": "arn:aws:events:us-east-1:999999999999:event-bus/central",
            "target_account_ids": [f"22222222222{digit}" for digit in range(5)],
        },
        "parameter 'target_account_ids': the group's events would go to 6 event buses",
    ),
    (
        "repository-of-another-account",
        {**GROUP, "ecr_repository_arns": ["arn:aws:ecr:us-east-1:999999999999:repository/model"]},
        "parameter 'ecr_repository_arns': arn:aws:ecr:us-east-1:999999999999:repository/model is not a repository of "
        "this account and region",
    ),
]


@pytest.mark.parametrize(
    ("given", "expected"), [(given, expected) for _, given, expected in PLAN_BAD], ids=[c[0] for c in PLAN_BAD]
)
def test_a_combination_aws_would_refuse_is_refused_naming_the_parameter(
    from_manifest: Read, given: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ParameterError, match="^" + expected.replace("(", r"\(").replace(")", r"\)")):
        plan(from_manifest(given), CONTEXT)


def test_five_buses_are_one_rule(from_manifest: Read) -> None:
    settings = from_manifest(**GROUP, target_account_ids=[f"22222222222{digit}" for digit in range(5)])
    forwarding = plan(settings, CONTEXT).forwarding
    assert forwarding is not None
    assert len(forwarding.buses) == 5


def test_without_forwarding_more_accounts_need_no_rule(from_manifest: Read) -> None:
    settings = from_manifest(
        **GROUP,
        target_account_ids=[f"2222222222{digit:02}" for digit in range(12)],
        forward_events_to_target_accounts=False,
    )
    planned = plan(settings, CONTEXT)
    assert planned.forwarding is None
    assert len(planned.targets) == 12


MODULE_DIR = Path(__file__).resolve().parents[1]


def test_a_bad_parameter_stops_python_app_before_anything_is_synthesized(tmp_path: Path) -> None:
    """As Seed-Farmer runs the module: its own copy of the library, one line on stderr, nothing written."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_PARAMETER_")},
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "registry",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": "us-east-1",
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "SEEDFARMER_PARAMETER_MODEL_PACKAGE_GROUP_NAME": "fraud-detector",
        "SEEDFARMER_PARAMETER_TARGET_ACCOUNT_IDS": '["dummy123"]',
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=MODULE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "sagemaker-model-package-group: parameter 'target_account_ids[0]': 'dummy123' is not a 12-digit AWS account id"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "cdk.out").exists()
