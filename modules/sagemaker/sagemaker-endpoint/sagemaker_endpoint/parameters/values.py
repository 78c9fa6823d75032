"""The kinds of value the endpoint's parameters take, declared once for every feature that takes one.

Each feature declares its own parameters (`<feature>/parameters.py`) with these types; how a value of a
kind is checked is in formats.py.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from sagemaker_endpoint.parameters.formats import (
    check_arn_of,
    check_domain_arn,
    check_domain_id,
    check_group_name_or_arn,
    check_image_uri,
    check_instance_type,
    check_s3_url,
)

SAGEMAKER_NAME = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
INSTANCE_TYPE = r"^ml\.[a-z0-9]+\.[a-z0-9]+$"
VPC_ID = r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$"
SUBNET_ID = r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"
IAM_POLICY_NAME = r"^[\w+=,.@-]{1,128}$"
SAGEMAKER_NAME_TEXT = "a SageMaker name (1 to 63 letters, digits and inner hyphens)"
INSTANCE_TYPE_TEXT = "a SageMaker instance type (ml.<family>.<size>)"
PRE_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:1"
MODEL_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"

ImageUri = Annotated[
    str, AfterValidator(check_image_uri), Field(examples=["123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"])
]
S3Url = Annotated[str, AfterValidator(check_s3_url), Field(examples=["s3://my-bucket/models/model.tar.gz"])]
# SageMaker's ProductionVariantInstanceType enum, as the pinned botocore lists it (formats.check_instance_type).
InstanceType = Annotated[str, AfterValidator(check_instance_type)]
PackageArn = Annotated[
    str,
    AfterValidator(lambda value: check_arn_of("model-package", value)),
    Field(examples=["arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3"]),
]
# The domain whose users may reach the endpoint under domain resource isolation (the `sagemaker:domain-arn`
# tag): a domain of this account and region (domain/rules.py), its id and ARN naming one domain.
DomainId = Annotated[str, AfterValidator(check_domain_id)]
DomainArn = Annotated[str, AfterValidator(check_domain_arn)]
# A model package group of this account by name, or of this or another account (a registry) by ARN.
GroupNameOrArn = Annotated[
    str,
    AfterValidator(check_group_name_or_arn),
    Field(examples=["fraud-detector", "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud-detector"]),
]


def _arn_of(kind: str) -> AfterValidator:
    # An empty value passes as given: metadata of a module without that resource ("") wires through unchanged.
    return AfterValidator(lambda value: value and check_arn_of(kind, value))


# The ARNs a parameter takes, by kind (formats.ARN_KINDS).
ModelPackageArn = Annotated[str, _arn_of("model-package")]
RoleArn = Annotated[str, _arn_of("role")]
BucketArn = Annotated[str, _arn_of("bucket")]
RepositoryArn = Annotated[str, _arn_of("repository")]
KeyArn = Annotated[str, _arn_of("key")]
TopicArn = Annotated[str, _arn_of("topic")]


def kebab(field: str) -> str:
    """A field's name as a manifest writes a key of a JSON object parameter (`containers`, `variants`)."""
    return field.replace("_", "-")
