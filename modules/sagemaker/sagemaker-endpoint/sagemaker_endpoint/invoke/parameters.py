"""The invoke function: a Lambda function that forwards a JSON request to the endpoint."""

from __future__ import annotations

from pydantic import BaseModel


class InvokeParameters(BaseModel):
    invoke_function: bool = False
