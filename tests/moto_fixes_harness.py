"""Run one observation against moto in-process, with every emulator fix, or with every fix but one.

Each fix's test observes the same calls twice: `moto_alone(fix, observe)` shows what moto does without
that fix (when a moto upgrade changes it, the fix may no longer be needed: the test fails and says so),
and `with_fixes(observe)` what the rehearsal's emulator does, as AWS does.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import boto3

from rehearsal import moto_fixes

REGION = "us-east-1"
ACCOUNT = "123456789012"
KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    ],
}


@contextlib.contextmanager
def _fresh_account() -> Iterator[None]:
    from moto import mock_aws

    variables = {"AWS_ACCESS_KEY_ID": "fixes", "AWS_SECRET_ACCESS_KEY": "fixes", "AWS_DEFAULT_REGION": REGION}
    cleared = [name for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_ACCOUNT_ID") if name in os.environ]
    with mock.patch.dict(os.environ, variables), mock_aws():
        saved = {name: os.environ.pop(name) for name in cleared}
        try:
            yield
        finally:
            os.environ.update(saved)


def _observed(observe: Callable[[], Any]) -> Any:
    """What `observe()` returns, or its error as `ErrorType: message` (what a caller of the API would see).
    moto's warnings of what it does not emulate are part of the behaviour observed, not news."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return observe()
        except Exception as error:
            return f"{type(error).__name__}: {error}"


def moto_alone(fix: str, observe: Callable[[], Any]) -> Any:
    """What moto does without `fix` (every other fix applied), in a fresh emulated account."""
    assert fix in {candidate.__name__ for candidate in moto_fixes.FIXES}, f"no emulator fix named {fix}"
    with moto_fixes.without(fix), _fresh_account():
        return _observed(observe)


def with_fixes(observe: Callable[[], Any]) -> Any:
    """What the rehearsal's emulator (moto with every fix) does, in a fresh emulated account."""
    moto_fixes.apply()
    with _fresh_account():
        return _observed(observe)


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


def create_stack(template: dict[str, Any], name: str = "stack", **arguments: Any) -> dict[str, Any]:
    """Create the stack; its description (status, outputs, parameters)."""
    cloudformation = client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), **arguments)
    description: dict[str, Any] = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return description


def physical_id(stack: str, logical_id: str) -> str:
    resources = client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    return str(next(item["PhysicalResourceId"] for item in resources if item["LogicalResourceId"] == logical_id))
