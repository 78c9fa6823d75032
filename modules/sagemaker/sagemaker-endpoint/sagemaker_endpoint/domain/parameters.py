"""Domain resource isolation: the SageMaker domain whose users may reach the endpoint (the `sagemaker:domain-arn`
tag on every resource), named by its id or its ARN."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sagemaker_endpoint.parameters.values import DomainArn, DomainId


class DomainParameters(BaseModel):
    sagemaker_domain_id: DomainId | None = Field(None, examples=["d-abcdefghijkl"])
    sagemaker_domain_arn: DomainArn | None = Field(
        None, examples=["arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl"]
    )
