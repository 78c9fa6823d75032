"""A fix to moto's CloudFormation: resource types it does not know, which hold the policies another account's
access depends on (a model package group and its policy, a bucket policy, an event bus policy).

tests/test_moto_fixes_resource_types.py shows moto's behaviour without it.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from rehearsal.moto_fixes.patching import Patcher
from rehearsal.moto_fixes.sagemaker import group_name


def resource_types_moto_lacks(patch: Patcher) -> None:
    # moto's CloudFormation knows no AWS::SageMaker::ModelPackageGroup, AWS::S3::BucketPolicy or
    # AWS::Events::EventBusPolicy ("not supported"): a stack that declares them completes without them, so a
    # registry's group does not exist and no policy another account relies on is kept. CloudFormation creates,
    # updates and deletes each with its stack: so does the emulator now, through moto's own backends (the group
    # with its ModelPackageGroupPolicy, the bucket's policy, the bus's policy statement).
    from moto.cloudformation import parsing

    types = {kind.cloudformation_type(): kind for kind in (_Group, _BucketPolicy, _EventBusPolicy)}

    def make(original: Any) -> Any:
        def resource_class(resource_type: str) -> Any:
            return types.get(resource_type) or original(resource_type)

        return resource_class

    patch.wrap(parsing, "resource_class_from_type", make, ("resource_type",))


def yaml_get_att_in_sequence_form(patch: Patcher) -> None:
    # A YAML template may write `!GetAtt [Bucket, Arn]` as a sequence (Seed-Farmer's own bucket stack does, in its
    # BucketPolicy). moto turns that into a list of YAML nodes, not of names, and fails the stack ("Fn::GetAtt
    # references undefined resource ScalarNode(...)") once it resolves it, which it does for every resource type it
    # creates (AWS::S3::BucketPolicy among them, resource_types_moto_lacks). CloudFormation reads the names.
    import yaml
    from moto.cloudformation import models, responses

    def make(original: Any) -> Any:
        def constructor(loader: Any, tag: Any, node: Any) -> Any:
            if tag == "!GetAtt" and isinstance(node, yaml.SequenceNode):
                return {"Fn::GetAtt": loader.construct_sequence(node)}
            return original(loader, tag, node)

        return constructor

    patch.wrap(models, "yaml_tag_constructor", make, ("loader", "tag", "node"))
    patch.wrap(responses, "yaml_tag_constructor", make, ("loader", "tag", "node"))


def bucket_policy_conditions_are_not_ignored(patch: Patcher) -> None:
    # moto enforces a bucket policy on object calls but ignores its conditions: a bucket that denies requests
    # without TLS (`aws:SecureTransport` false, as every bucket of ours does) refuses every object call, over
    # TLS or not. AWS applies a statement only when its conditions hold. moto cannot evaluate them, so it now
    # applies only the statements without conditions; the rehearsal evaluates policies with the IAM simulator.
    # moto's function reads the policy from the bucket itself (replaced, not wrapped: a wrapper would have to
    # change the bucket's policy while other requests may read it).
    from moto.s3.models import FakeBucket

    def permission(self: Any, action: str, resource: str) -> Any:
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy)
        statements = document.get("Statement") or []
        kept = [
            statement
            for statement in ([statements] if isinstance(statements, dict) else statements)
            if isinstance(statement, dict) and "Condition" not in statement
        ]
        return IAMPolicy(json.dumps({**document, "Statement": kept})).is_action_permitted(action, resource)

    patch.replace(FakeBucket, "get_permission", permission)


class _Resource:
    """A resource type as moto's CloudFormation drives one (duck-typed: a subclass of moto's CloudFormationModel
    would stay registered with moto after the fix is taken out)."""

    TYPE = ""
    NAME = ""
    ATTRIBUTES: tuple[str, ...] = ()

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME

    @classmethod
    def has_cfn_attr(cls, attribute: str) -> bool:
        return attribute in cls.ATTRIBUTES


def _created(resource: Any, physical_id: str, attributes: dict[str, Any] | None = None) -> Any:
    """What moto asks of each resource while it creates a stack: its id (Ref), attributes (GetAtt), readiness."""
    resource.physical_resource_id = physical_id
    resource.get_cfn_attribute = dict(attributes or {}).__getitem__
    resource.is_created = lambda: True
    return resource


class _Group(_Resource):
    TYPE, NAME = "AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupName"
    ATTRIBUTES = ("ModelPackageGroupArn", "CreationTime", "ModelPackageGroupStatus")

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Any:
        from moto.sagemaker.models import sagemaker_backends

        properties = cloudformation_json.get("Properties") or {}
        backend = sagemaker_backends[account_id][region_name]
        name = properties.get("ModelPackageGroupName", resource_name)
        backend.create_model_package_group(
            model_package_group_name=name,
            model_package_group_description=str(properties.get("ModelPackageGroupDescription") or ""),
            tags=properties.get("Tags"),
        )
        group: Any = backend.describe_model_package_group(name)
        group.resource_policy = _text(properties.get("ModelPackageGroupPolicy"))
        attributes = {
            "ModelPackageGroupArn": group.arn,
            "CreationTime": str(group.creation_time),
            "ModelPackageGroupStatus": group.model_package_group_status,
        }
        return _created(group, group.arn, attributes)  # Ref: the group's ARN

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], **_: Any
    ) -> Any:
        original_resource.resource_policy = _text(
            (cloudformation_json.get("Properties") or {}).get("ModelPackageGroupPolicy")
        )
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.sagemaker.models import sagemaker_backends

        sagemaker_backends[account_id][region_name].model_package_groups.pop(group_name(resource_name), None)


class _BucketPolicy(_Resource):
    TYPE = "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Any:
        from moto.s3.models import s3_backends

        properties = cloudformation_json["Properties"]
        bucket = str(properties["Bucket"])
        document = dict(properties["PolicyDocument"])
        # A statement left out with AWS::NoValue (in an Fn::If) is no statement.
        document["Statement"] = [statement for statement in document.get("Statement") or [] if statement]
        s3_backends[account_id]["aws"].put_bucket_policy(bucket, _text(document).encode())
        return _created(_Record(bucket=bucket), bucket)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **_: Any,
    ) -> Any:
        from moto.s3.models import s3_backends

        backend = s3_backends[account_id]["aws"]
        backend.delete_bucket_policy(original_resource.bucket)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.s3.exceptions import MissingBucket
        from moto.s3.models import s3_backends

        bucket = str((cloudformation_json.get("Properties") or {}).get("Bucket", resource_name))
        # moto deletes a stack's resources in no set order: the bucket, and with it its policy, may be gone.
        with contextlib.suppress(MissingBucket):
            s3_backends[account_id]["aws"].delete_bucket_policy(bucket)


class _EventBusPolicy(_Resource):
    TYPE = "AWS::Events::EventBusPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Any:
        from moto.events.models import events_backends

        properties = cloudformation_json["Properties"]
        bus_name = str(properties.get("EventBusName") or "default").rsplit("/", 1)[-1]
        statement_id = str(properties["StatementId"])
        statement = {**properties["Statement"], "Sid": statement_id}
        events_backends[account_id][region_name].describe_event_bus(bus_name).add_policy({"Statement": [statement]})
        return _created(_Record(bus=bus_name, sid=statement_id), statement_id)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **_: Any,
    ) -> Any:
        cls.delete_from_cloudformation_json(
            original_resource.sid, {"Properties": {"EventBusName": original_resource.bus}}, account_id, region_name
        )
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.events.models import events_backends

        properties = cloudformation_json.get("Properties") or {}
        bus_name = str(properties.get("EventBusName") or "default").rsplit("/", 1)[-1]
        statement_id = str(properties.get("StatementId") or resource_name)
        events_backends[account_id][region_name].describe_event_bus(bus_name).remove_statement(statement_id)


class _Record:
    """A resource moto has no object for: what its update and delete need to find it again."""

    def __init__(self, **fields: str) -> None:
        self.__dict__.update(fields)


def _text(policy: Any) -> Any:
    """A policy as the APIs keep it: JSON text (CloudFormation takes an object; from YAML, an unquoted
    `Version: 2012-10-17` is a date, written back as the text it was)."""
    return json.dumps(policy, default=str) if isinstance(policy, dict) else policy
