"""Where the endpoint runs: its VPC and subnets (not for serverless endpoints, which SageMaker runs outside any
VPC), and whether its models may reach the network at all."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_list
from sagemaker_endpoint.parameters.values import SUBNET_ID, VPC_ID


class NetworkParameters(BaseModel):
    vpc_id: str | None = Field(
        None, pattern=VPC_ID, description="a VPC id (vpc- and 8 or 17 hex digits)", examples=["vpc-0123456789abcdef0"]
    )
    subnet_ids: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        None, min_length=1, max_length=16, examples=[["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]]
    )
    enable_network_isolation: bool = True

    @field_validator("subnet_ids", mode="before")
    @classmethod
    def _subnet_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for subnet in value or ():
            if not re.fullmatch(SUBNET_ID, subnet):
                raise ValueError(f"'{subnet}' is not a subnet id such as subnet-0123456789abcdef0")
        if value and len(set(value)) != len(value):
            raise ValueError("lists a subnet more than once")
        return value
