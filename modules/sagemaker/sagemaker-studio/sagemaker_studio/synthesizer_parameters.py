"""The reference's overrides of the CDK's default stack synthesizer: parameters for a CDK bootstrap with another
qualifier or other roles than the default. StudioSettings takes them with the module's other parameters."""

from __future__ import annotations

from pydantic import BaseModel, Field

ROLE_ARN = r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$"
EXAMPLE_ROLE = "arn:aws:iam::123456789012:role/cdk-team1-deploy-role"


class SynthesizerParameters(BaseModel):
    """All None keeps the CDK's default synthesizer (synthesis.synthesizer)."""

    qualifier: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,10}$",
        description="a CDK bootstrap qualifier, at most 10 characters",
        examples=["team1"],
    )
    cloud_formation_execution_role: str | None = Field(
        None, pattern=ROLE_ARN, description="an IAM role ARN", examples=[EXAMPLE_ROLE]
    )
    deploy_role_arn: str | None = Field(None, pattern=ROLE_ARN, description="an IAM role ARN", examples=[EXAMPLE_ROLE])
    file_asset_publishing_role_arn: str | None = Field(
        None, pattern=ROLE_ARN, description="an IAM role ARN", examples=[EXAMPLE_ROLE]
    )
    image_asset_publishing_role_arn: str | None = Field(
        None, pattern=ROLE_ARN, description="an IAM role ARN", examples=[EXAMPLE_ROLE]
    )
    lookup_role_arn: str | None = Field(None, pattern=ROLE_ARN, description="an IAM role ARN", examples=[EXAMPLE_ROLE])
