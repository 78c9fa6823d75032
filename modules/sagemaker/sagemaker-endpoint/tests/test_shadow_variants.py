"""shadow-variants: one shadow variant that receives a copy of production requests, with its own model and alarms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.5"
DATA = "s3://mlops-artifacts/fraud-detector/1.5/model.tar.gz"
SHADOW = {"name": "challenger", "model_image_uri": IMAGE, "model_data_url": DATA, "instance_type": "ml.c5.xlarge"}
STACK = "mlops-test-sagemaker-endpoint"


def test_the_shadow_gets_its_own_model_and_sits_beside_the_production_variant(synthesize: Any) -> None:
    stack = synthesize(shadow_variants=(SHADOW,))
    config = stack.one("AWS::SageMaker::EndpointConfig")
    [production] = config["ProductionVariants"]
    [shadow] = config["ShadowProductionVariants"]
    assert production["ModelName"] == {"Fn::GetAtt": ["Model", "ModelName"]}
    assert shadow == {
        "VariantName": "challenger",
        "ModelName": {"Fn::GetAtt": ["ChallengerModel", "ModelName"]},
        "InstanceType": "ml.c5.xlarge",
        "InitialInstanceCount": 1,
        "InitialVariantWeight": 1,
    }
    container = stack.resources("AWS::SageMaker::Model")["ChallengerModel"]["Properties"]["PrimaryContainer"]
    assert (container["Image"], container["ModelDataUrl"]) == (IMAGE, DATA)
    assert '"ShadowVariantNames":["challenger"]' in stack.metadata_text
    # The execution role may read the shadow's model data too.
    read = {s["Sid"]: stack.flat(s) for s in stack.policy_statements}["ReadModelArtifacts"]["Resource"]
    assert "fraud-detector/1.5/model.tar.gz" in str(read)


def test_the_shadows_alarms_notify_but_stay_out_of_the_rollback_unless_asked(synthesize: Any) -> None:
    stack = synthesize(shadow_variants=(SHADOW,), notifications=True)
    names = {a["Properties"]["AlarmName"] for a in stack.resources("AWS::CloudWatch::Alarm").values()}
    assert f"{STACK}-challenger-5xx-errors" in names
    rollback = stack.one("AWS::SageMaker::Endpoint")["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]
    assert rollback == [{"AlarmName": f"{STACK}-AllTraffic-5xx-errors"}]
    asked = synthesize(shadow_variants=(SHADOW,), shadow_alarms_roll_back=True)
    rollback = asked.one("AWS::SageMaker::Endpoint")["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]
    assert rollback == [
        {"AlarmName": f"{STACK}-AllTraffic-5xx-errors"},
        {"AlarmName": f"{STACK}-challenger-5xx-errors"},
    ]


def test_a_shadow_on_local_nvme_storage_drops_the_storage_key(synthesize: Any) -> None:
    config = synthesize(shadow_variants=({**SHADOW, "instance_type": "ml.g5.xlarge"},)).one(
        "AWS::SageMaker::EndpointConfig"
    )
    assert "KmsKeyId" not in config


def test_endpoints_without_a_shadow_publish_no_shadow_key(synthesize: Any) -> None:
    assert "ShadowVariantNames" not in synthesize().metadata_text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"shadow_variants": (SHADOW, {**SHADOW, "name": "second"})},
            "SageMaker supports at most one shadow variant per endpoint",
        ),
        (
            {
                "model_package_arn": None,
                "variants": (
                    {"name": "a", "model_image_uri": IMAGE},
                    {"name": "b", "model_image_uri": IMAGE},
                ),
                "shadow_variants": (SHADOW,),
            },
            "an endpoint with a shadow variant has at most one production variant",
        ),
        ({"shadow_variants": ({**SHADOW, "name": "AllTraffic"},)}, "is already a production variant's name"),
        (
            {
                "shadow_variants": (SHADOW,),
                "async_output_s3_uri": "s3://mlops-artifacts/out",
                "async_input_s3_uri": "s3://mlops-artifacts/in",
            },
            "parameter 'async-output-s3-uri' does not go with 'shadow-variants'",
        ),
        (
            {"shadow_variants": ({**SHADOW, "instance_type": "ml.inf1.xlarge"},)},
            "shadow tests exclude endpoints that use Inf1 instances",
        ),
        ({"shadow_alarms_roll_back": True}, "parameter 'shadow-alarms-roll-back' applies to 'shadow-variants'"),
    ],
)
def test_combinations_shadow_tests_exclude_are_clear_errors(
    refusal: Callable[..., str], fields: dict[str, Any], expected: str
) -> None:
    assert expected in refusal(**fields)


def test_the_shadow_gets_no_alarms_when_they_would_neither_notify_nor_roll_back(synthesize: Any) -> None:
    stack = synthesize(shadow_variants=(SHADOW,), alarm_model_latency_p99_ms=500)
    assert sorted(stack.resources("AWS::CloudWatch::Alarm")) == [
        "AllTrafficModelLatencyAlarm",
        "AllTrafficServerErrorsAlarm",
    ]
    assert "challenger-5xx" not in stack.metadata_text
    notified = synthesize(shadow_variants=(SHADOW,), notifications=True)
    assert "ChallengerServerErrorsAlarm" in notified.resources("AWS::CloudWatch::Alarm")
