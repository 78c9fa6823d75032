"""The plan: every decision made once, without the CDK, and names that follow everything that defines them."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.async_inference.plan import AsyncAsGiven
from sagemaker_endpoint.capture.plan import CaptureAsGiven
from sagemaker_endpoint.endpoint.plan import EndpointConfigSpec, config_digest, config_naming_key
from sagemaker_endpoint.inference_components.plan import InstanceScaling
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.model_source.plan import Container, ModelSpec, model_naming_key
from sagemaker_endpoint.names import digest, key_digest
from sagemaker_endpoint.plan import plan
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.variants.plan import ServerlessSize
from sagemaker_endpoint.variants.sizes import VariantSize

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
    assert key_digest(model_naming_key(MODEL)) == digest(model_definition)
    assert config_digest(CONFIG) == digest(config_definition)


def test_naming_keys_are_written_out_key_by_key_so_a_renamed_spec_field_renames_nothing() -> None:
    # The exact bytes every deployed model and configuration was named by: the spec dataclasses' field names and
    # order are not part of them (renaming `ModelSpec.role` would otherwise rename every deployed model).
    model_json = json.dumps(model_naming_key(MODEL), sort_keys=True, separators=(",", ":"))
    assert model_json == (
        '{"containers":[{"environment":[["MODE","fast"]],"image":"111111111111.dkr.ecr.us-east-1.amazonaws.com/'
        'fraud-detector:1.4","model_data_url":"s3://mlops-artifacts/model.tar.gz","package_arn":null}],'
        '"isolation":true,"role":"module-role","subnets":["subnet-0123456789abcdef0"],'
        '"vpc":"vpc-0123456789abcdef0"}'
    )
    config_json = json.dumps(config_naming_key(CONFIG), sort_keys=True, separators=(",", ":"))
    assert config_json == (
        '{"capture":[0,null],"encrypt_storage":true,"models":["mlops-test-sagemaker-endpoint-model-0a1b2c3d"],'
        '"serverless":[null,null,null],"variants":[["AllTraffic","ml.m5.large",1,1.0]]}'
    )
    renamed = {name: getattr(MODEL, name) for name in ("containers", "subnets", "vpc", "isolation")}
    copy = dataclasses.make_dataclass("RenamedModelSpec", [*renamed, "execution_role"], frozen=True)
    assert dataclasses.fields(copy)[-1].name != "role"
    model_key = model_naming_key(
        ModelSpec(role=copy(**renamed, execution_role="module-role").execution_role, **renamed)
    )
    assert model_key == model_naming_key(MODEL)


# The names the module gave these endpoints before its features were split apart (and since the first plan):
# a deployed endpoint keeps its models and configuration, whatever the code's shape.
DEPLOYED_NAMES: dict[str, tuple[dict[str, Any], list[str], str, str | None]] = {
    "package": ({"model_package_arn": PACKAGE}, ["model-82016886"], "config-de764831", None),
    "image-capture-refresh": (
        {
            "model_package_arn": None,
            "model_image_uri": IMAGE,
            "model_data_url": "s3://mlops-artifacts/model.tar.gz",
            "model_environment": {"MODE": "fast"},
            "data_capture_sampling_percentage": 20,
            "model_artifacts_bucket_arn": "arn:aws:s3:::mlops-artifacts",
            "refresh_on_model_data_change": True,
        },
        ["model-f111a87a"],
        "config-2faa9aff",
        "twin-2faa9aff",
    ),
    "components": (
        {"managed_instance_scaling": True, "inference_component_memory_mb": 2048, "instance_type": "ml.m5.xlarge"},
        ["model-82016886"],
        "config-dde24e0f",
        None,
    ),
    "async": (
        {
            "async_output_s3_uri": "s3://mlops-artifacts/async/results",
            "async_input_s3_uri": "s3://mlops-artifacts/async/requests",
        },
        ["model-82016886"],
        "config-e0488ff5",
        None,
    ),
    "shadow": (
        {"shadow_variants": [{"name": "challenger", "model-image-uri": IMAGE, "instance-type": "ml.c5.xlarge"}]},
        ["model-82016886", "model-f4f9af10"],
        "config-6689091c",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(DEPLOYED_NAMES))
def test_deployed_endpoints_keep_the_names_they_were_given(case: str) -> None:
    fields, models, config, twin = DEPLOYED_NAMES[case]
    base = {"model_package_arn": PACKAGE, **fields}
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=("subnet-0123456789abcdef0",),
        **{name: value for name, value in base.items() if value is not None},
    )
    settings.check()
    planned = plan(settings, DESCRIBED, CONTEXT)
    prefix = "mlops-test-sagemaker-endpoint-"
    assert [v.model_name for v in (*planned.variants, *planned.shadow_variants)] == [prefix + m for m in models]
    assert planned.config_name == prefix + config
    assert (planned.refresh.twin_config_name if planned.refresh else None) == (twin and prefix + twin)


def test_serverless_endpoints_keep_their_names_too() -> None:
    settings = EndpointSettings(model_package_arn=PACKAGE, serverless_memory_size_mb=2048, serverless_max_concurrency=5)
    settings.check()
    planned = plan(settings, DESCRIBED, CONTEXT)
    assert [v.model_name for v in planned.variants] == ["mlops-test-sagemaker-endpoint-model-aec05cd7"]
    assert planned.config_name == "mlops-test-sagemaker-endpoint-config-1eaebc6a"


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

    def name(spec: Any) -> str:
        return key_digest(model_naming_key(spec)) if isinstance(spec, ModelSpec) else config_digest(spec)

    for spec in (MODEL, CONFIG):
        fields = {field.name for field in dataclasses.fields(spec)}
        assert set(changes[type(spec)]) == fields, f"say how to change every field of {type(spec).__name__}"
        for field, value in changes[type(spec)].items():
            assert name(dataclasses.replace(spec, **{field: value})) != name(spec), field
    for container_field in dataclasses.fields(Container):
        new_value: Any = (("MODE", "slow"),) if container_field.name == "environment" else "changed"
        changed = dataclasses.replace(MODEL.containers[0], **{container_field.name: new_value})
        assert name(dataclasses.replace(MODEL, containers=(changed,))) != name(MODEL)


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
