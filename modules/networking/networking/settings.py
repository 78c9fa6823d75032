"""Every input of the networking module, declared once and validated before any construct is built.

How parameters are read from Seed-Farmer's environment and how errors name them is in mlops_platform/contract.py.
"""

from __future__ import annotations

import difflib
import ipaddress
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import (
    ModuleSettings,
    ParameterError,
    check_key_administrators,
    check_log_retention,
    decode_json,
    decode_list,
)

# What a SageMaker endpoint in private subnets needs to reach AWS without the internet.
# What a private SageMaker endpoint and its functions call (the refresh function reports to an SQS
# dead-letter queue); tests/test_real_account_network.py derives the functions' calls from their code.
DEFAULT_VPC_ENDPOINTS = (
    "ecr.api",
    "ecr.dkr",
    "kms",
    "logs",
    "monitoring",
    "sagemaker.api",
    "sagemaker.runtime",
    "sqs",
    "sts",
)

# Interface endpoint services, as the suffix of `com.amazonaws.<region>.<name>`. S3 is left out on
# purpose: this module always gives the VPC an S3 gateway endpoint.
KNOWN_INTERFACE_ENDPOINTS = frozenset(
    {
        "access-analyzer",
        "acm-pca",
        "airflow.api",
        "airflow.env",
        "airflow.ops",
        "apigateway",
        "appconfig",
        "appconfigdata",
        "application-autoscaling",
        "applicationinsights",
        "athena",
        "autoscaling",
        "backup",
        "batch",
        "bedrock",
        "bedrock-agent",
        "bedrock-agent-runtime",
        "bedrock-runtime",
        "cloudcontrolapi",
        "cloudformation",
        "cloudtrail",
        "codeartifact.api",
        "codeartifact.repositories",
        "codebuild",
        "codecommit",
        "codedeploy",
        "codepipeline",
        "codestar-connections.api",
        "comprehend",
        "config",
        "databrew",
        "datasync",
        "dms",
        "ebs",
        "ec2",
        "ec2messages",
        "ecr.api",
        "ecr.dkr",
        "ecs",
        "ecs-agent",
        "ecs-telemetry",
        "eks",
        "eks-auth",
        "elasticache",
        "elasticfilesystem",
        "elasticloadbalancing",
        "elasticmapreduce",
        "emr-containers",
        "emr-serverless",
        "events",
        "execute-api",
        "git-codecommit",
        "glue",
        "kendra",
        "kinesis-firehose",
        "kinesis-streams",
        "kms",
        "lakeformation",
        "lambda",
        "logs",
        "monitoring",
        "rds",
        "rds-data",
        "redshift",
        "redshift-data",
        "rekognition",
        "s3-outposts",
        "sagemaker.api",
        "sagemaker.featurestore-runtime",
        "sagemaker.metrics",
        "sagemaker.runtime",
        "secretsmanager",
        "securityhub",
        "servicecatalog",
        "sns",
        "sqs",
        "ssm",
        "ssmmessages",
        "states",
        "sts",
        "synthetics",
        "textract",
        "transfer",
        "translate",
        "xray",
    }
)
GATEWAY_ENDPOINTS = frozenset({"s3", "dynamodb"})


class NetworkingSettings(ModuleSettings):
    """The networking module's parameters, with the defaults a manifest may leave out."""

    vpc_cidr: str = Field("10.0.0.0/16", description="IPv4 CIDR block of the VPC, /16 to /24.")
    max_azs: int = Field(2, ge=1, le=6, description="How many availability zones the VPC spans.")
    nat_gateways: int = Field(1, ge=0, description="NAT gateways (0 means no private-with-egress subnets).")
    internet_accessible: bool = Field(
        True, description="Internet gateway and public subnets; false builds a closed VPC."
    )
    vpc_endpoints: Annotated[tuple[str, ...], NoDecode] = Field(
        DEFAULT_VPC_ENDPOINTS,
        examples=[["sagemaker.runtime", "sts"]],
        description="Interface endpoint services (`com.amazonaws.<region>.<name>`).",
    )
    flow_logs: bool = Field(True, description="VPC flow logs to an encrypted CloudWatch log group.")
    tags: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, description="Tags for every resource.", examples=[{"team": "ml"}]
    )
    # Governance: what a platform team's guardrails ask of every module.
    permissions_boundary_name: str | None = Field(
        None,
        pattern=r"^[\w+=,.@-]{1,128}$",
        description="an IAM policy name (1 to 128 letters, digits and + = , . @ _ -)",
        examples=["ml-boundary"],
    )
    key_administrator_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), examples=[["arn:aws:iam::123456789012:role/KeyAdministrators"]]
    )
    log_retention_days: int = Field(365, examples=[731])

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError as error:
            raise ValueError(f"not an IPv4 CIDR block such as 10.0.0.0/16 ({error})") from None
        if not 16 <= network.prefixlen <= 24:
            raise ValueError("the prefix length must be between /16 and /24, as a VPC needs room for 3 subnet tiers")
        if not network.is_private:
            raise ValueError("use a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
        return str(network)

    @field_validator("vpc_endpoints", mode="before")
    @classmethod
    def _endpoint_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("vpc_endpoints")
    @classmethod
    def _endpoints(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name in GATEWAY_ENDPOINTS:
                raise ValueError(f"'{name}' is served by a gateway endpoint, which the module adds itself; remove it")
            if name not in KNOWN_INTERFACE_ENDPOINTS:
                nearest = difflib.get_close_matches(name, sorted(KNOWN_INTERFACE_ENDPOINTS), n=1)
                hint = f"did you mean '{nearest[0]}'?" if nearest else "use the part after com.amazonaws.<region>."
                raise ValueError(f"'{name}' is not a known interface endpoint service; {hint}")
        if len(set(value)) != len(value):
            raise ValueError("lists a service more than once")
        return tuple(sorted(value))

    @field_validator("key_administrator_arns", mode="before")
    @classmethod
    def _administrator_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_map(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of tag keys to values")

    @model_validator(mode="after")
    def _consistent(self) -> NetworkingSettings:
        if self.nat_gateways > self.max_azs:
            raise ParameterError(
                f"parameter 'nat-gateways': {self.nat_gateways} is more than 'max-azs' ({self.max_azs}); "
                "at most one NAT gateway per availability zone"
            )
        if self.nat_gateways and not self.internet_accessible:
            raise ParameterError(
                f"parameter 'nat-gateways': {self.nat_gateways} NAT gateway(s) need an internet gateway, "
                "but 'internet-accessible' is false; set nat-gateways to 0 for a closed VPC"
            )
        return self
