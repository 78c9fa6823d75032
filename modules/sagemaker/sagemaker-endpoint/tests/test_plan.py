"""The plan: every decision made once, without the CDK, and names that follow everything that defines them."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.model_package import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.names import digest, spec_digest
from sagemaker_endpoint.parameters import EndpointSettings
from sagemaker_endpoint.plan import plan
from sagemaker_endpoint.specs import (
    AsyncAsGiven,
    CaptureAsGiven,
    Container,
    EndpointConfigSpec,
    InstanceScaling,
    ModelSpec,
    ServerlessSize,
    VariantSize,
)

MODULE_DIR = Path(__file__).resolve().parents[1]
CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="sagemaker-endpoint", account="111111111111", region="us-east-1"
)
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4"
DESCRIBED = ResolvedPackage(
    arn=PACKAGE, artifacts=ModelArtifacts(images=(IMAGE,), model_data_urls=("s3://mlops-artifacts/3/model.tar.gz",))
)
MODEL = ModelSpec(
    containers=(Container(None, IMAGE, "s3://mlops-artifacts/model.tar.gz", (("MODE", "fast"),)),),
    role="module-role",
    subnets=("subnet-0123456789abcdef0",),
    vpc="vpc-0123456789abcdef0",
    isolation=True,
)
CONFIG = EndpointConfigSpec(
    models=("mlops-test-sagemaker-endpoint-model-0a1b2c3d",),
    variants=(VariantSize("AllTraffic", "ml.m5.large", 1, 1.0),),
    serverless=ServerlessSize(None, None, None),
    encrypt_storage=True,
    capture=CaptureAsGiven(0, None),
)


def _settings(**fields: Any) -> EndpointSettings:
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-0123456789abcdef0",), model_package_arn=PACKAGE, **fields
    )
    settings.check()
    return settings


def test_names_hash_the_same_json_as_the_definitions_deployed_endpoints_were_named_by() -> None:
    # What the module hashed before the plan existed: a deployed endpoint keeps its model and configuration.
    model_definition = {
        "containers": [
            {
                "package_arn": None,
                "image": IMAGE,
                "model_data_url": "s3://mlops-artifacts/model.tar.gz",
                "environment": (("MODE", "fast"),),
            }
        ],
        "role": "module-role",
        "subnets": ("subnet-0123456789abcdef0",),
        "vpc": "vpc-0123456789abcdef0",
        "isolation": True,
    }
    config_definition = {
        "models": ["mlops-test-sagemaker-endpoint-model-0a1b2c3d"],
        "variants": [["AllTraffic", "ml.m5.large", 1, 1.0]],
        "serverless": [None, None, None],
        "encrypt_storage": True,
        "capture": [0, None],
    }
    assert spec_digest(MODEL) == digest(model_definition)
    assert spec_digest(CONFIG) == digest(config_definition)


def test_every_field_of_a_named_spec_is_part_of_its_name() -> None:
    changes: dict[type[Any], dict[str, Any]] = {
        ModelSpec: {
            "containers": (*MODEL.containers, Container(PACKAGE, None, None, ())),
            "role": "arn:aws:iam::111111111111:role/Given",
            "subnets": ("subnet-0123456789abcdef1",),
            "vpc": "vpc-0123456789abcdef1",
            "isolation": False,
        },
        EndpointConfigSpec: {
            "models": ("another-model",),
            "variants": (VariantSize("AllTraffic", "ml.m5.xlarge", 1, 1.0),),
            "serverless": ServerlessSize(2048, 5, None),
            "encrypt_storage": False,
            "capture": CaptureAsGiven(10, None),
            "instance_scaling": InstanceScaling(0, 4),
            "execution_role": "module-role",
            "subnets": ("subnet-0123456789abcdef1",),
            "isolation": True,
            "asynchronous": AsyncAsGiven("s3://mlops-artifacts/async/results", None, None, None, None),
            "shadow_variants": (VariantSize("challenger", "ml.c5.xlarge", 1, 1.0),),
            "shadow_models": ("challenger-model",),
            "capture_bucket": "arn:aws:s3:::mlops-artifacts-2",
        },
    }
    for spec in (MODEL, CONFIG):
        fields = {field.name for field in dataclasses.fields(spec)}
        assert set(changes[type(spec)]) == fields, f"say how to change every field of {type(spec).__name__}"
        for name, value in changes[type(spec)].items():
            assert spec_digest(dataclasses.replace(spec, **{name: value})) != spec_digest(spec), name
    for container_field in dataclasses.fields(Container):
        new_value: Any = (("MODE", "slow"),) if container_field.name == "environment" else "changed"
        changed = dataclasses.replace(MODEL.containers[0], **{container_field.name: new_value})
        assert spec_digest(dataclasses.replace(MODEL, containers=(changed,))) != spec_digest(MODEL)


def test_a_property_added_to_a_spec_renames_the_resource_once_it_is_used() -> None:
    @dataclasses.dataclass(frozen=True)
    class ModelWithStartupTimeout(ModelSpec):
        startup_timeout_seconds: int | None = None

    unused = ModelWithStartupTimeout(**vars(MODEL))
    used = dataclasses.replace(unused, startup_timeout_seconds=600)
    assert spec_digest(unused) == spec_digest(MODEL), "a new property left at its default keeps deployed names"
    assert spec_digest(used) != spec_digest(MODEL), "a new property in use must give the model a new name"


def test_variant_sizes_default_to_the_top_level_parameters_in_one_place() -> None:
    settings = _settings(
        instance_type="ml.m5.large",
        initial_instance_count=2,
        variants=None,
    )
    [variant] = plan(settings, DESCRIBED, CONTEXT).variants
    assert variant.size == VariantSize("AllTraffic", "ml.m5.large", 2, 1.0)
    assert variant.model_id == "Model"


def test_alarm_names_and_rollback_alarms_come_from_one_list() -> None:
    settings = _settings(alarm_model_latency_p99_ms=500, rollback_alarm_names=("team-alarm",))
    planned = plan(settings, DESCRIBED, CONTEXT)
    assert planned.alarm_names == (
        "mlops-test-sagemaker-endpoint-AllTraffic-5xx-errors",
        "mlops-test-sagemaker-endpoint-AllTraffic-model-latency-p99",
    )
    assert planned.rollout.rollback_alarm_names == (*planned.alarm_names, "team-alarm")


def test_data_capture_is_decided_once_with_its_destination_and_the_objects_the_role_may_write() -> None:
    settings = _settings(data_capture_sampling_percentage=20, model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts")
    capture = plan(settings, DESCRIBED, CONTEXT).capture
    assert capture is not None
    assert capture.destination == "s3://mlops-artifacts/data-capture/mlops-test-sagemaker-endpoint"
    assert capture.objects_arn == "arn:aws:s3:::mlops-artifacts/data-capture/mlops-test-sagemaker-endpoint/*"
    assert plan(_settings(), DESCRIBED, CONTEXT).capture is None


def test_the_capture_bucket_names_the_configuration_only_when_capture_is_on() -> None:
    # DataCaptureConfig is create-only: a new bucket must give a new configuration name.
    def config_name(**fields: Any) -> str:
        return plan(_settings(**fields), DESCRIBED, CONTEXT).config_name

    capture = {"data_capture_sampling_percentage": 20}
    assert config_name(**capture, model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts") != config_name(
        **capture, model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts-2"
    )
    assert config_name(model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts") == config_name(
        model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts-2"
    ), "without capture the bucket is not part of the configuration"


def test_the_plan_is_made_without_importing_the_cdk() -> None:
    code = "import sys, sagemaker_endpoint.plan; sys.exit('aws_cdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=MODULE_DIR, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr or "plan.py imports the CDK"


def test_a_package_the_synthesis_did_not_describe_is_never_granted_by_guess() -> None:
    import pytest

    with pytest.raises(ValueError, match="was not described"):
        plan(_settings(), ResolvedPackage(arn=PACKAGE), CONTEXT)
