"""Parameters as Seed-Farmer passes them (a reference-module manifest works unchanged), and each error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.settings import EndpointSettings

MODULE_DIR = Path(__file__).resolve().parents[1]
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
NETWORK = {"vpc-id": "vpc-0123456789abcdef0", "subnet-ids": ["subnet-0123456789abcdef0"]}
BASE = {**NETWORK, "model-package-arn": PACKAGE}


def test_defaults_match_the_reference_module(parameters: Any) -> None:
    parameters(**BASE)
    settings = EndpointSettings.from_env()
    assert settings.enable_network_isolation is True
    assert settings.variant_name == "AllTraffic"
    assert settings.initial_instance_count == 1
    assert settings.initial_variant_weight == 1
    assert settings.instance_type == "ml.m4.xlarge"
    assert settings.managed_instance_scaling is False
    assert (settings.scaling_min_instance_count, settings.scaling_max_instance_count) == (1, 10)
    assert settings.data_capture_sampling_percentage == 0
    assert settings.tags == {}


def test_a_reference_module_manifest_is_accepted_as_written(parameters: Any) -> None:
    parameters(
        **{
            "vpc-id": "vpc-0123456789abcdef0",
            "subnet-ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            "model-package-group-name": "fraud-detector",
            "sagemaker-project-id": "p-abcdefghijkl",
            "sagemaker-project-name": "fraud",
            "model-artifacts-bucket-arn": "arn:aws:s3:::mlops-artifacts",
            "ecr-repo-arn": "arn:aws:ecr:us-east-1:111111111111:repository/fraud",
            "instance-type": "ml.c5.xlarge",
            "initial-instance-count": 2,
            "data-capture-samping-percentage": 10,
            "data-capture-prefix": "capture",
        }
    )
    settings = EndpointSettings.from_env()
    assert settings.data_capture_sampling_percentage == 10
    assert settings.initial_instance_count == 2
    assert settings.subnet_ids == ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")


def test_the_reference_readme_sample_with_dummy_project_values_is_accepted_with_a_note(
    parameters: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """aiops-modules' sample manifest gives `dummy123` as project id and name: they only become tags, so
    any AWS tag value is accepted and a value unlike a project id is mentioned, never refused."""
    parameters(
        **{
            "sagemaker_project_id": "dummy123",
            "sagemaker_project_name": "dummy123",
            "model_package_arn": PACKAGE,
            "instance_type": "ml.m5.large",
            "vpc_id": "vpc-0123456789abcdef0",
            "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        }
    )
    settings = EndpointSettings.from_env()
    assert (settings.sagemaker_project_id, settings.sagemaker_project_name) == ("dummy123", "dummy123")
    notes = capsys.readouterr().err.splitlines()
    assert notes == [
        "sagemaker-endpoint: note: parameter 'sagemaker-project-id' is 'dummy123', which does not look like a "
        "SageMaker project id such as p-abcdefghijkl; it only becomes a tag value, so it is used as given"
    ]


@pytest.mark.parametrize("value", ["dummy123", "Fraud detection: team@ml/eu=1+2_3.4-5", "프로젝트 ü", "", "x" * 256])
def test_project_parameters_take_every_aws_tag_value(parameters: Any, value: str) -> None:
    parameters(**BASE, **dict.fromkeys(("sagemaker-project-id", "sagemaker-project-name"), value))
    settings = EndpointSettings.from_env()
    assert {settings.sagemaker_project_id, settings.sagemaker_project_name} == {value}


DOMAIN_ARN = "arn:aws:sagemaker:us-east-1:111111111111:domain/d-abcdefghijkl"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # What domain resource isolation grants by must name a domain: a role, a placeholder or a typo is refused.
        (
            {"sagemaker-domain-arn": "arn:aws:iam::111111111111:role/DataScientist"},
            "parameter 'sagemaker-domain-arn': is an ARN of service 'iam', not 'sagemaker'; expected "
            "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl",
        ),
        (
            {"sagemaker-domain-arn": "arn:aws:sagemaker:us-east-1:111111111111:user-profile/d-abcdefghijkl/alice"},
            "parameter 'sagemaker-domain-arn': names a 'user-profile', not a 'domain'",
        ),
        (
            {"sagemaker-domain-arn": "arn:aws:sagemaker:us-east-1:111111111111:domain/D-ABC"},
            "parameter 'sagemaker-domain-arn': 'D-ABC' is not a valid domain name",
        ),
        (
            {"sagemaker-domain-arn": "arn:aws:sagemaker::111111111111:domain/d-abcdefghijkl"},
            "parameter 'sagemaker-domain-arn': names no region",
        ),
        ({"sagemaker-domain-id": "dummy123"}, "parameter 'sagemaker-domain-id': is not a SageMaker domain id"),
        ({"sagemaker-domain-id": "d-" + "a" * 62}, "parameter 'sagemaker-domain-id': is not a SageMaker domain id"),
        ({"sagemaker-domain-id": DOMAIN_ARN}, "parameter 'sagemaker-domain-id': is not a SageMaker domain id"),
    ],
)
def test_a_domain_parameter_that_names_no_sagemaker_domain_is_refused(
    parameters: Any, values: dict[str, Any], expected: str
) -> None:
    parameters(**BASE, **values)
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert expected in str(raised.value)
    assert len(str(raised.value).splitlines()) == 1


@pytest.mark.parametrize("domain_id", ["d-abcdefghijkl", "d-a", "d-xyz-123-abc"])
def test_a_domain_id_is_taken_in_the_form_sagemakers_api_model_gives(parameters: Any, domain_id: str) -> None:
    parameters(**BASE, **{"sagemaker-domain-id": domain_id, "sagemaker-domain-arn": DOMAIN_ARN[:-14] + domain_id})
    assert EndpointSettings.from_env().sagemaker_domain_id == domain_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fraud_detector", "is not a model package group name (1 to 63 letters, digits and inner hyphens) or"),
        ("arn:aws:sagemaker:us-east-1:222222222222:model-package/fraud-detector/3", "names a 'model-package', not"),
        ("arn:aws:sagemaker:us-east-1:222222222222:model-package-group/Fraud", "write the ARN in lower case"),
        ("arn:aws:sagemaker::222222222222:model-package-group/fraud", "names no region"),
        ("arn:aws:sagemaker:us-east-1:2222:model-package-group/fraud", "has no 12-digit account id"),
    ],
)
def test_a_group_is_a_name_or_a_groups_arn(parameters: Any, value: str, expected: str) -> None:
    parameters(**{**NETWORK, "model-package-group-name": value})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert f"parameter 'model-package-group-name': {expected}" in str(raised.value)


@pytest.mark.parametrize(
    "value", ["fraud-detector", "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/fraud-detector"]
)
def test_a_group_of_this_account_by_name_or_of_a_registry_by_arn_is_accepted(parameters: Any, value: str) -> None:
    parameters(**{**NETWORK, "model-package-group-name": value})
    assert EndpointSettings.from_env().model_package_group_name == value


def test_subnets_may_be_a_comma_separated_string(parameters: Any) -> None:
    parameters(**{**BASE, "subnet-ids": "subnet-0123456789abcdef0, subnet-0123456789abcdef1"})
    assert EndpointSettings.from_env().subnet_ids == ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")


OTHER_ACCOUNT_ROLE = "arn:aws:iam::111111111111:user/alice"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"model-package-arn": None}, "give exactly one model source (a package version, a package group whose"),
        ({"model-package-group-name": "fraud"}, "give exactly one model source"),
        ({"model-package-arn": "fraud-detector/3"}, "parameter 'model-package-arn': not an ARN"),
        (
            {"model-package-arn": "arn:aws:sagemaker:us-east-1:111111111111:model/fraud"},
            "parameter 'model-package-arn': names a 'model', not a 'model-package'",
        ),
        (
            {"model-package-arn": "arn:aws:s3:::bucket"},
            "parameter 'model-package-arn': is an ARN of service 's3', not 'sagemaker'",
        ),
        ({"model-execution-role-arn": OTHER_ACCOUNT_ROLE}, "parameter 'model-execution-role-arn': names a 'user'"),
        (
            {"model-execution-role-arn": "arn:aws:iam::role/x"},
            "parameter 'model-execution-role-arn': not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)",
        ),
        (
            {"model-artifacts-bucket-arn": "arn:aws:s3:::bucket/models/"},
            "parameter 'model-artifacts-bucket-arn': names an object or a qualified bucket, not a bucket",
        ),
        (
            {"model-artifacts-bucket-arn": "arn:aws:s3:::Bad_Bucket"},
            "parameter 'model-artifacts-bucket-arn': 'Bad_Bucket' is not a valid bucket name",
        ),
        (
            {"ecr-repo-arn": "arn:aws:ecr:us-east-1:111111111111:image/x"},
            "parameter 'ecr-repo-arn': names a 'image', not a 'repository'",
        ),
        (
            {"sagemaker-domain-arn": "arn:aws:sagemaker:us-east-1:111111111111:domain/<abc>"},
            "parameter 'sagemaker-domain-arn': '<abc>' is not a valid domain name",
        ),
        (
            {"model-artifacts-kms-key-arn": "arn:aws:kms:us-east-1:111111111111:alias/models"},
            "parameter 'model-artifacts-kms-key-arn': names a 'alias', not a 'key'",
        ),
        (
            {"registry-event-forwarding-role-arn": "arn:aws:events:us-east-1:111111111111:rule/forward"},
            "parameter 'registry-event-forwarding-role-arn': is an ARN of service 'events', not 'iam'",
        ),
        ({"sagemaker-project-id": "p" * 257}, "parameter 'sagemaker-project-id': is longer than the 256 characters"),
        ({"sagemaker-project-name": "team;drop"}, "parameter 'sagemaker-project-name': contains ';'"),
        ({"vpc-id": "vpc-123"}, "parameter 'vpc-id': is not a VPC id"),
        ({"subnet-ids": ["subnet-xyz"]}, "parameter 'subnet-ids': 'subnet-xyz' is not a subnet id"),
        ({"subnet-ids": []}, "parameter 'subnet-ids': must list at least 1 item(s)"),
        (
            {"subnet-ids": ["subnet-01234567", "subnet-01234567"]},
            "parameter 'subnet-ids': lists a subnet more than once",
        ),
        ({"vpc-id": None}, "parameter(s) 'vpc-id': required, the endpoint's network interfaces live in your VPC"),
        ({"instance-type": "m5.large"}, "parameter 'instance-type': is not a SageMaker instance type"),
        (
            {"initial-instance-count": 0},
            "parameter 'initial-instance-count': must be at least 1",
        ),
        ({"initial-variant-weight": 0}, "parameter 'initial-variant-weight': must be more than 0"),
        ({"variant-name": "all traffic"}, "parameter 'variant-name': is not a SageMaker name"),
        (
            {"data-capture-sampling-percentage": 101},
            "parameter 'data-capture-sampling-percentage': must be at most",
        ),
        (
            {"data-capture-sampling-percentage": 20},
            "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; set "
            "'model-artifacts-bucket-arn' too",
        ),
        (
            {"data-capture-samping-percentage": 5, "data-capture-sampling-percentage": 5},
            "parameter 'data-capture-samping-percentage' is another spelling of 'data-capture-sampling-percentage'",
        ),
        (
            {"managed-instance-scaling": True, "scaling-min-instance-count": 3, "initial-instance-count": 2},
            "parameters 'scaling-min-instance-count' (3), 'initial-instance-count' (2), 'scaling-max-instance-count' "
            "(10): need min <= initial <= max",
        ),
        (
            {"permissions-boundary-name": "arn:aws:iam::1:policy/x"},
            "parameter 'permissions-boundary-name': is not an IAM policy name",
        ),
        ({"tags": ["a"]}, "parameter 'tags': must be a JSON object"),
        ({"enable-network-isolaton": False}, "unknown parameter 'enable-network-isolaton'; did you mean"),
        ({"instance-count": 2}, "unknown parameter 'instance-count'; did you mean 'initial-instance-count'?"),
    ],
)
def test_bad_parameter_is_named_in_kebab_case(parameters: Any, values: dict[str, Any], expected: str) -> None:
    merged = {**BASE, **values}
    parameters(**{name: value for name, value in merged.items() if value is not None})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert expected in str(raised.value)


@pytest.mark.parametrize("instance_type", ["ml.g5.xlarge", "ml.m6i.xlarge", "ml.c6i.large", "ml.inf2.xlarge"])
def test_current_instance_types_are_accepted_wherever_a_parameter_takes_one(
    parameters: Any, instance_type: str
) -> None:
    variant = {"name": "challenger", "model-package-arn": PACKAGE, "instance-type": instance_type}
    parameters(**{**BASE, "instance-type": instance_type, "shadow-variants": [variant]})
    settings = EndpointSettings.from_env()
    assert settings.instance_type == instance_type
    assert settings.shadow_variants is not None
    assert settings.shadow_variants[0].instance_type == instance_type


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"instance-type": "ml.m5.larg"}, "parameter 'instance-type'"),
        ({"variants": [{"name": "a", "model-package-arn": PACKAGE, "instance-type": "ml.m5.larg"}]}, "parameter 'variants[0].instance-type'"),
        ({"shadow-variants": [{"name": "b", "model-package-arn": PACKAGE, "instance-type": "ml.m5.larg"}]}, "parameter 'shadow-variants[0].instance-type'"),
    ],
)  # fmt: skip
def test_an_instance_type_sagemaker_does_not_know_is_named_with_the_nearest_one(
    parameters: Any, values: dict[str, Any], named: str
) -> None:
    parameters(**{**BASE, **values})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert str(raised.value) == (
        f"{named}: is not an instance type SageMaker endpoints run on (ProductionVariantInstanceType in botocore "
        f'{_botocore()}, the SDK this module pins); did you mean ml.m5.large? (got "ml.m5.larg")'
    )


def _botocore() -> str:
    from importlib import metadata

    return metadata.version("botocore")


def test_an_unknown_parameter_does_not_hide_the_other_errors(parameters: Any) -> None:
    parameters(
        **{**BASE, "instance-typ": "ml.m5.large", "initial-instance-count": 0, "data-capture-sampling-percentage": 20}
    )
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert str(raised.value).splitlines() == [
        "unknown parameter 'instance-typ'; did you mean 'instance-type'?",
        "parameter 'initial-instance-count': must be at least 1 (got \"0\"); for example 1",
    ]
    parameters(
        **{**BASE, "instance-typ": "ml.m5.large", "initial-instance-count": 1, "data-capture-sampling-percentage": 20}
    )
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert str(raised.value).splitlines() == [
        "unknown parameter 'instance-typ'; did you mean 'instance-type'?",
        "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; set "
        "'model-artifacts-bucket-arn' too, or set the percentage to 0 to turn capture off",
    ]


def test_bad_parameter_stops_python_app_before_anything_is_synthesized(tmp_path: Path) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_PARAMETER_")},
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "test",
        "SEEDFARMER_MODULE_NAME": "sagemaker-endpoint",
        "CDK_DEFAULT_ACCOUNT": "111111111111",
        "CDK_DEFAULT_REGION": "us-east-1",
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "SEEDFARMER_PARAMETER_VPC_ID": "vpc-0123456789abcdef0",
        "SEEDFARMER_PARAMETER_SUBNET_IDS": json.dumps(["subnet-0123456789abcdef0"]),
        "SEEDFARMER_PARAMETER_MODEL_PACKAGE_ARN": PACKAGE,
        "SEEDFARMER_PARAMETER_INSTANCE_TYPE": "m5.large",
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=MODULE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert result.stderr.startswith("sagemaker-endpoint: parameter 'instance-type': is not a SageMaker instance type")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdk.out").exists()
