"""Fixes to moto's resources as CloudFormation creates, updates and deletes them: KMS, SQS, Lambda, IAM and
EC2 (SageMaker's hosting resources: hosting.py).

Each function is one fix: its comment names the moto behaviour it corrects and what AWS does instead;
tests/test_moto_fixes_resources.py shows moto's behaviour without it.
"""

from __future__ import annotations

import json
from typing import Any

from rehearsal.moto_fixes.patching import Patcher


def kms_keys_in_cloudformation_form(patch: Patcher) -> None:
    # moto's AWS::KMS::Key hands the template's Tags and KeyPolicy to the KMS API as they are. Its tagger
    # expects the API's TagKey/TagValue: a key tagged in CloudFormation's Key/Value form fails with KeyError
    # 'TagKey'. Its key policy stays a JSON object where the API keeps text: every later call that checks the
    # policy (DescribeKey among them) fails with a TypeError, so no key created by a stack can be described.
    from moto.kms.models import Key

    def make(original: Any) -> Any:
        def create(cls: Any, name: str, resource: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            properties = dict(resource.get("Properties") or {})
            properties["Tags"] = [
                {"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in properties.get("Tags") or []
            ]
            if isinstance(properties.get("KeyPolicy"), dict):
                properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
            return original(cls, name, {**resource, "Properties": properties}, *args, **kwargs)

        return create

    patch.wrap(Key, "create_from_cloudformation_json", make)


def unnamed_fifo_queues_get_the_fifo_suffix(patch: Patcher) -> None:
    # CloudFormation names an unnamed FIFO queue STACK-LOGICALID-SUFFIX.fifo; moto generates the name
    # without the suffix, and its own CreateQueue then rejects it ("Queue name must end in .fifo").
    from moto.sqs.models import Queue

    def make(original: Any) -> Any:
        def create(cls: Any, name: str, resource: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            fifo = str((resource.get("Properties") or {}).get("FifoQueue")).lower() == "true"
            if fifo and not str(name).endswith(".fifo"):
                name = f"{str(name)[:75]}.fifo"  # a queue name has at most 80 characters
            return original(cls, name, resource, *args, **kwargs)

        return create

    patch.wrap(Queue, "create_from_cloudformation_json", make)


def functions_keep_layers_published_by_other_accounts(patch: Patcher) -> None:
    # moto knows no layer it did not publish itself, such as AWS's public Powertools layer (account
    # 017000801446): an update of a function that uses one fails with "One or more LayerVersion does not
    # exist" (its creation through CloudFormation does not look). Layers of another account are kept as given.
    from moto.awslambda.models import LambdaFunction

    def make(original: Any) -> Any:
        def layers(self: Any, arns: list[str]) -> list[Any]:
            own = [arn for arn in arns if arn.split(":")[4:5] == [self.account_id]]
            known = {layer["Arn"]: layer for layer in original(self, own)}
            return [known.get(arn, {"Arn": arn, "CodeSize": 0}) for arn in arns]

        return layers

    patch.wrap(LambdaFunction, "_get_layers_data", make, ("self", "layers_versions_arns"))


def deleting_a_stack_deletes_its_managed_policies(patch: Patcher) -> None:
    # moto's AWS::IAM::ManagedPolicy has no delete: deleting the stack leaves the policy attached, and the
    # role it is attached to then fails to delete ("must detach all policies first"), failing the stack.
    from moto.iam.models import ManagedPolicy

    def delete(self: Any, account_id: str, region_name: str) -> None:
        backend = self.backend
        for entity in [*backend.roles.values(), *backend.groups.values(), *backend.users.values()]:
            if self.arn in entity.managed_policies:
                self.detach_from(entity)
        backend.delete_policy(self.arn)

    patch.add(ManagedPolicy, "delete", delete)


def updating_a_managed_policy_keeps_it(patch: Patcher) -> None:
    # moto's AWS::IAM::ManagedPolicy has no update: a stack update that changes its document drops it
    # from the stack (still attached to its roles), so deleting the stack later fails on those roles.
    # CloudFormation gives the policy a new default version and follows its Roles.
    from moto.iam.models import ManagedPolicy

    def update(cls: Any, /, original_resource: Any, cloudformation_json: Any, **kwargs: Any) -> Any:
        properties, policy = cloudformation_json.get("Properties") or {}, original_resource
        backend = policy.backend
        # moto updates only what changed: the document is the policy's new default version.
        backend.create_policy_version(policy.arn, json.dumps(properties.get("PolicyDocument")), set_as_default=True)
        wanted = set(properties.get("Roles") or [])
        attached = {role.name for role in backend.roles.values() if policy.arn in role.managed_policies}
        for name in attached - wanted:
            backend.detach_role_policy(policy.arn, name)
        for name in wanted - attached:
            backend.attach_role_policy(policy.arn, name)
        return policy

    patch.add(ManagedPolicy, "update_from_cloudformation_json", classmethod(update))


def deleting_a_stack_deletes_its_route_tables(patch: Patcher) -> None:
    # moto's AWS::EC2::RouteTable and AWS::EC2::SubnetRouteTableAssociation have no delete: the tables
    # stay, and the VPC then fails to delete ("has dependencies"), failing the stack's deletion.
    from moto.ec2.models.route_tables import RouteTable
    from moto.ec2.models.subnets import SubnetRouteTableAssociation

    def delete_association(self: Any, account_id: str, region_name: str) -> None:
        from moto.ec2.models import ec2_backends

        table = ec2_backends[account_id][region_name].route_tables.get(self.route_table_id)
        if table is not None:  # moto deletes in no particular order: the table may be gone already
            table._associations = {key: sub for key, sub in table._associations.items() if sub != self.subnet_id}

    def delete_table(self: Any, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_route_table(self.id)

    patch.add(SubnetRouteTableAssociation, "delete", delete_association)
    patch.add(RouteTable, "delete", delete_table)


def deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs(patch: Patcher) -> None:
    # moto's AWS::EC2::NatGateway, AWS::EC2::VPCEndpoint and AWS::EC2::FlowLog have no delete: after the
    # stack is gone they are still listed as available (and the gateway keeps its address).
    from moto.ec2.models.flow_logs import FlowLogs
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.vpcs import VPCEndPoint

    def delete_gateway(self: Any, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_nat_gateway(self.id)  # listed as "deleted" for a while, as in AWS

    def delete_endpoint(self: Any, account_id: str, region_name: str) -> None:
        # moto deletes in no particular order: a gateway endpoint's route tables may be gone already;
        # an interface endpoint has none (None in moto).
        tables = self.route_table_ids or []
        self.route_table_ids = [table for table in tables if table in self.ec2_backend.route_tables]
        self.ec2_backend.delete_vpc_endpoints([self.id])

    def delete_flow_log(self: Any, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_flow_logs([self.id])

    patch.add(NatGateway, "delete", delete_gateway)
    patch.add(VPCEndPoint, "delete", delete_endpoint)
    patch.add(FlowLogs, "delete", delete_flow_log)
