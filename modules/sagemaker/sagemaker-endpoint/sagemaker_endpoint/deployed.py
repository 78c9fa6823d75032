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

from mlops_platform.contract import ParameterError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def deployed_variant_names(sagemaker: SageMakerClient, endpoint_name: str) -> list[str]:
    """The production variants of the deployed endpoint, in order; empty when it is not deployed (or cannot
    be read: the first deploy, or a deployment role without the read)."""
    try:
        endpoint = sagemaker.describe_endpoint(EndpointName=endpoint_name)
        config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    except (ClientError, BotoCoreError):
        return []
    return [variant["VariantName"] for variant in config["ProductionVariants"]]


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
    endpoint is not deployed (or cannot be read: the first deploy, or a deployment role without the read)."""
    try:
        endpoint = sagemaker.describe_endpoint(EndpointName=endpoint_name)
        config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
        targets = autoscaling.describe_scalable_targets(
            ServiceNamespace="sagemaker",
            ResourceIds=[f"endpoint/{endpoint_name}/variant/{v['VariantName']}" for v in config["ProductionVariants"]],
        )["ScalableTargets"]
    except (ClientError, BotoCoreError):
        return {}
    scaled = {target["ResourceId"].rsplit("/", 1)[-1] for target in targets}
    return {
        variant["VariantName"]: variant["InstanceType"]
        for variant in config["ProductionVariants"]
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
