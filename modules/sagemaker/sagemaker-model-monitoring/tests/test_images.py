"""Images per region from images.json (the SageMaker SDK's data): the SDK's URI, or a clear error where none is published."""

from __future__ import annotations

import pytest

from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.images import image


def test_an_image_is_the_sdks_uri_for_the_region() -> None:
    assert image("DataQuality", "eu-west-1").uri("amazonaws.com") == (
        "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
    )
    assert image("ModelBias", "cn-north-1").uri("amazonaws.com.cn") == (
        "122526803553.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-clarify-processing:1.0"
    )


def test_a_region_without_the_image_is_refused_naming_the_switch() -> None:
    # The SDK publishes Model Monitor's analyzer in il-central-1, but not Clarify's processing image.
    assert image("DataQuality", "il-central-1").account == "843974653677"
    with pytest.raises(ParameterError, match="parameter 'enable-model-explainability-monitor': the clarify image"):
        image("ModelExplainability", "il-central-1")
