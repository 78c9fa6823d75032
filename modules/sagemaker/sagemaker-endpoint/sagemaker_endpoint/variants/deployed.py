"""Updates SageMaker would refuse, found before anything deploys: the one read of the deployed endpoint.

SageMaker refuses to change the instance type of, remove or rename a variant that has a registered
scalable target (Application Auto Scaling must deregister it first), and CloudFormation cannot order
that within one update. Under a deployment guardrail (blue/green or rolling), "your new endpoint
configuration must have the same variant name as the old endpoint configuration" (SageMaker developer
guide, deployment guardrails: Exclusions). The deployment would fail half-way; refusing it at synth
time says what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.aws_reads import read_error
from mlops_platform.contract import ParameterError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

PURPOSE = "before each deploy, to refuse an update SageMaker would refuse"


def _deployed_variants(sagemaker: SageMakerClient, endpoint_name: str) -> list[dict[str, Any]]:
    """The production variants of the deployed endpoint's configuration; none when it is not deployed.
    A denied or failed read raises AwsReadError: counting it as "nothing deployed" would skip the refusals."""
    try:
        endpoint = sagemaker.describe_endpoint(EndpointName=endpoint_name)
    except ClientError as error:
        if "Could not find endpoint" in error.response.get("Error", {}).get("Message", ""):
            return []
        raise read_error(error, "sagemaker:DescribeEndpoint", f"endpoint {endpoint_name}", PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, "sagemaker:DescribeEndpoint", f"endpoint {endpoint_name}", PURPOSE) from None
    config_name = endpoint["EndpointConfigName"]
    try:
        config = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)
    except (ClientError, BotoCoreError) as error:
        action, what = "sagemaker:DescribeEndpointConfig", f"endpoint configuration {config_name}"
        raise read_error(error, action, what, PURPOSE) from None
    return [dict(variant) for variant in config["ProductionVariants"]]


def deployed_variant_names(sagemaker: SageMakerClient, endpoint_name: str) -> list[str]:
    """The production variants of the deployed endpoint, in order; empty when it is not deployed."""
    return [variant["VariantName"] for variant in _deployed_variants(sagemaker, endpoint_name)]


def refuse_renamed_variants_under_guardrail(
    deployed: list[str], planned: list[str], endpoint_name: str, *, parameter: str, strategy: str
) -> None:
    """Raise ParameterError when the deployed endpoint's variant names differ from the planned ones: the
    update runs under the endpoint's deployment guardrail (`strategy`), which keeps the names."""
    if not deployed or sorted(deployed) == sorted(planned):
        return
    raise ParameterError(
        f"parameter '{parameter}': endpoint {endpoint_name} is deployed with variant(s) {', '.join(deployed)} and "
        f"would be updated to {', '.join(planned)}; SageMaker updates it under its deployment guardrail "
        f"('deployment-strategy' {strategy}), which requires the same variant names: keep the names "
        f"{', '.join(deployed)}, or deploy the new variants as another endpoint (the module under another name), "
        "move the traffic, then destroy this one"
    )


def autoscaled_variants(sagemaker: SageMakerClient, autoscaling: Any, endpoint_name: str) -> dict[str, str]:
    """Variant name -> instance type of each deployed variant that has a scalable target; empty when the
    endpoint is not deployed."""
    variants = _deployed_variants(sagemaker, endpoint_name)
    if not variants:
        return {}
    resources = [f"endpoint/{endpoint_name}/variant/{variant['VariantName']}" for variant in variants]
    try:
        targets = autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker", ResourceIds=resources)
    except (ClientError, BotoCoreError) as error:
        action = "application-autoscaling:DescribeScalableTargets"
        raise read_error(error, action, f"the scalable targets of endpoint {endpoint_name}", PURPOSE) from None
    scaled = {target["ResourceId"].rsplit("/", 1)[-1] for target in targets["ScalableTargets"]}
    return {
        variant["VariantName"]: variant["InstanceType"]
        for variant in variants
        if variant["VariantName"] in scaled and variant.get("InstanceType")
    }


def refuse_autoscaled_changes(deployed: dict[str, str], planned: dict[str, str], endpoint_name: str) -> None:
    """Raise ParameterError when an autoscaled variant of the deployed endpoint would change instance type,
    or disappear; `planned` maps the new variants to their instance types."""
    if not deployed:
        return
    for variant, instance_type in sorted(deployed.items()):
        if variant not in planned:
            raise ParameterError(
                f"parameter 'variants': variant '{variant}' of endpoint {endpoint_name} is autoscaled, and SageMaker "
                "refuses to remove or rename it while it is; apply once without 'autoscaling-max-capacity', then "
                "with the new variants, then with autoscaling again"
            )
        if planned[variant] != instance_type:
            raise ParameterError(
                f"parameter 'instance-type': variant '{variant}' of endpoint {endpoint_name} is autoscaled on "
                f"{instance_type}, and SageMaker refuses to change the instance type of an autoscaled variant; apply "
                f"once without 'autoscaling-max-capacity', then with {planned[variant]}, then with autoscaling again"
            )
