"""What the roles' statements are scoped to: the account and region, the domain, its network and data."""

from __future__ import annotations

from dataclasses import dataclass

from sagemaker_studio.plan import StudioPlan

DOMAIN_TAG = "sagemaker:domain-arn"


@dataclass(frozen=True)
class Scope:
    """Values known at synthesis, and the domain's id and ARN (CloudFormation tokens until deploy)."""

    partition: str
    region: str
    account: str
    domain_id: str
    domain_arn: str
    key_arn: str
    bucket_arn: str
    security_group_id: str
    plan: StudioPlan

    def sagemaker(self, resource: str) -> str:
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:{resource}"

    def in_domain(self, kind: str) -> str:
        """Every `kind` (user-profile, space, app) of the domain: `<kind>/<domain id>/*`."""
        return self.sagemaker(f"{kind}/{self.domain_id}/*")

    @property
    def own_profile(self) -> str:
        """The user profile the role's session belongs to: SageMaker sets the session's source identity
        to the profile name (the domain's ExecutionRoleIdentityConfig: USER_PROFILE_NAME)."""
        return self.sagemaker(f"user-profile/{self.domain_id}/${{aws:SourceIdentity}}")

    @property
    def ec2(self) -> str:
        return f"arn:{self.partition}:ec2:{self.region}:{self.account}"

    def of_domain(self) -> dict[str, dict[str, str]]:
        """The condition that confines a call to resources tagged with this domain (domain resource
        isolation); none when `enable_domain_resource_isolation` is false."""
        if not self.plan.isolation:
            return {}
        return {"StringEquals": {f"aws:ResourceTag/{DOMAIN_TAG}": self.domain_arn}}
