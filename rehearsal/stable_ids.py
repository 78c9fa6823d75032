"""Ids and names the emulator makes up, the same from run to run.

moto draws every id (vpc-..., subnet-..., key ids) and generated name suffix from one random source.
Seeding it from the stack name and logical id just before each resource is created makes a resource's
ids depend on nothing but where it is declared: two rehearsals of the same inputs get the same ids, so
values handed from one module to the next (a VPC id in a security group) do not look like changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

# Resource creation is serialized: the random source is shared by every stack being created at once.
_LOCK = threading.RLock()


def seed_for(stack_name: str, logical_id: str) -> int:
    """The seed of one resource: a hash of where it is declared, independent of PYTHONHASHSEED."""
    return int.from_bytes(hashlib.sha256(f"{stack_name}/{logical_id}".encode()).digest()[:8], "big")


@contextlib.contextmanager
def stable_ids() -> Iterator[None]:
    """While active, each resource moto's CloudFormation creates gets ids seeded from its stack and logical id."""
    from moto.cloudformation import parsing
    from moto.moto_api._internal import mock_random

    original = parsing.parse_and_create_resource

    def create(logical_id: str, resource_json: dict[str, Any], resources_map: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            mock_random.seed(seed_for(str(resources_map["AWS::StackName"]), logical_id))
            return original(logical_id, resource_json, resources_map, *args, **kwargs)

    with mock.patch.object(parsing, "parse_and_create_resource", create):
        yield
