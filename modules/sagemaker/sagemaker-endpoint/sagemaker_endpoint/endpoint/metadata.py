"""What the module publishes for the modules after it (the `metadata` output): the reference module's keys, then
the additions; a serving mode's keys appear only with it, so the outputs of other endpoints stay as they were."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns

from sagemaker_endpoint.capture import construct as capture
from sagemaker_endpoint.capture.construct import DataCapture
from sagemaker_endpoint.endpoint.construct import Endpoint
from sagemaker_endpoint.endpoint.execution_role import ExecutionRole
from sagemaker_endpoint.network.construct import EndpointNetwork
from sagemaker_endpoint.plan import EndpointPlan


@dataclass(frozen=True)
class Published:
    """The built parts whose names and ARNs the metadata holds."""

    role: ExecutionRole
    model: sagemaker.CfnModel
    endpoint: Endpoint
    key: kms.IKey
    network: EndpointNetwork | None
    topic: sns.ITopic | None
    invoker: lambda_.IFunction | None
    capture: DataCapture | None


def metadata(plan: EndpointPlan, built: Published) -> dict[str, Any]:
    first_package = next((variant.package.arn for variant in plan.variants if variant.package), "")
    invoker = built.invoker
    published: dict[str, Any] = {
        "ModelExecutionRoleArn": built.role.role_arn,
        "ModelName": built.model.attr_model_name,
        "ModelPackageArn": first_package,
        "EndpointName": built.endpoint.attr_endpoint_name,
        "EndpointUrl": built.endpoint.url,
        "KmsKeyId": built.key.key_id,
        "SecurityGroupId": built.network.security_group_id if built.network else "",
        "VariantNames": [variant.name for variant in plan.variants],
        "AlarmNames": list(plan.alarm_names),
        "NotificationTopicArn": built.topic.topic_arn if built.topic else "",
        "InvokeFunctionArn": invoker.function_arn if invoker else "",
        "InvokeFunctionName": invoker.function_name if invoker else "",
        **capture.published(built.capture),
        "SubnetIds": list(plan.network.subnet_ids) if plan.network else [],
    }
    if plan.components:
        published["InferenceComponentNames"] = [component.name for component in plan.components]
    if plan.shadow_variants:
        published["ShadowVariantNames"] = [variant.name for variant in plan.shadow_variants]
    if plan.asynchronous is not None:
        published["AsyncOutputS3Uri"] = plan.asynchronous.config.output_uri
    return published
