"""The rules of the model source: exactly one source, and packages, groups and the artifacts' key of the region
the endpoint deploys to (a registry of another account is fine)."""

from __future__ import annotations

from mlops_platform.contract import DeploymentContext, ParameterError, parameter_name
from sagemaker_endpoint.locations import partition_of
from sagemaker_endpoint.model_source.registry import package_arns
from sagemaker_endpoint.parameters.declared import DeclaredParameters, quoted_names
from sagemaker_endpoint.parameters.formats import Arn

MODEL_SOURCES = ("model_package_arn", "model_package_group_name", "model_image_uri", "containers", "variants")
# SageMaker serves a model package only in its own region: a package ARN of another region is refused
# ("ARN should be scoped to correct region", DescribeModelPackage), and CreateModel takes no other.
SAME_REGION = "SageMaker serves a model package only in the region it is registered in"


def check(settings: DeclaredParameters) -> None:
    sources = [field for field in MODEL_SOURCES if getattr(settings, field)]
    if len(sources) != 1:
        raise ParameterError(
            f"parameters {quoted_names(*MODEL_SOURCES)}: give exactly one model source (a package version, a "
            f"package group whose newest approved package is served, an image, a pipeline of containers, or "
            f"variants); got {quoted_names(*sources) if sources else 'none'}"
        )
    for field in settings.given("model_data_url", "model_environment"):
        if not settings.model_image_uri:
            raise ParameterError(f"parameter '{parameter_name(field)}' goes with 'model-image-uri', which is not set")


def check_placement(settings: DeclaredParameters, context: DeploymentContext) -> None:
    """Packages and groups of the endpoint's region, and the artifacts' key of it too."""
    for parameter, value in package_arns(settings):
        arn = Arn.parse(value)
        if arn.region != context.region or arn.partition != partition_of(context.region):
            raise ParameterError(
                f"parameter '{parameter}': {value} is of region {arn.region or '(none)'}, and the endpoint deploys "
                f"to {context.region}: {SAME_REGION}; name a package or group of {context.region}"
            )
    key = settings.model_artifacts_kms_key_arn
    if key and Arn.parse(key).region != context.region:
        raise ParameterError(
            f"parameter 'model-artifacts-kms-key-arn': {key} is a key of region {Arn.parse(key).region}, and the "
            f"endpoint deploys to {context.region}: S3 encrypts an object with a key of the bucket's region, and "
            f"SageMaker reads model data of its own region only"
        )
