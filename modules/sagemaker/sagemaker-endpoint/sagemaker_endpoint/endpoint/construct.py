"""The endpoint as built, and `grant_invoke` on it: for the module's invoke function, a Studio domain's roles or
any other caller."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from sagemaker_endpoint.grants import Grantee, grant
from sagemaker_endpoint.rollout import construct as rollout
from sagemaker_endpoint.rollout.plan import RolloutSpec


class Endpoint(sagemaker.CfnEndpoint):
    """The endpoint named `name` on the configuration `config_name`, updated under `rollout`'s deployment guardrail
    (None: its inference components roll out by their own rolling update)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config_name: str,
        rollout_spec: RolloutSpec | None,
        keeps_autoscaled_instance_counts: bool,
        components: Sequence[str] = (),
    ) -> None:
        super().__init__(
            scope,
            id,
            endpoint_name=name,
            endpoint_config_name=config_name,
            deployment_config=None if rollout_spec is None else rollout.deployment_config(rollout_spec),
            **rollout.retained_variant_properties(keeps_autoscaled_instance_counts),
        )
        self.name = name
        self.component_names = tuple(components)

    @property
    def arn(self) -> str:
        # SageMaker ARNs carry the name in lower case.
        return cdk.Stack.of(self).format_arn(service="sagemaker", resource="endpoint", resource_name=self.name.lower())

    def component_arn(self, name: str) -> str:
        return cdk.Stack.of(self).format_arn(
            service="sagemaker", resource="inference-component", resource_name=name.lower()
        )

    @property
    def url(self) -> str:
        stack = cdk.Stack.of(self)
        return f"https://runtime.sagemaker.{stack.region}.{stack.url_suffix}/endpoints/{self.attr_endpoint_name}/invocations"

    def invoke_statement(self, sid: str = "InvokeThisEndpoint") -> iam.PolicyStatement:
        """InvokeEndpoint on this endpoint, and on its first inference component, which every request names."""
        resources = [self.arn, *(self.component_arn(name) for name in self.component_names[:1])]
        return iam.PolicyStatement(sid=sid, actions=["sagemaker:InvokeEndpoint"], resources=resources)

    def grant_invoke(self, grantee: Grantee) -> None:
        """Let `grantee` invoke this endpoint (InvokeEndpoint), and nothing else of it."""
        grant(grantee, [self.invoke_statement()])
