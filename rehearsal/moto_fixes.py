"""Fixes to moto's CloudFormation emulation, where it departs from what AWS does with the same template.

Each fix is a few lines wrapping one moto function, with a comment naming the moto behaviour it corrects.
None changes a template or works around a problem of ours: with them, the templates we deploy for real
are the ones the emulator creates. `apply()` installs them in this process, before moto's server starts
(the rehearsal's in-process server and `python -m e2e.server` both call it); it is idempotent.
"""

from __future__ import annotations

from typing import Any, ClassVar

_applied = False


def apply() -> None:
    """Install every fix in this process's moto (once)."""
    global _applied
    if _applied:
        return
    _applied = True
    _kms_key_tags_in_cloudformation_form()
    _change_sets_publish_outputs_and_exports()
    _a_change_set_without_changes_fails_instead_of_raising()
    _change_sets_are_named_within_their_stack()
    _previous_values_are_the_values_given()
    _no_exports_of_outputs_whose_condition_is_false()
    _no_outputs_of_resources_not_emulated()
    _template_urls_on_the_loopback_address_are_path_style()
    _unnamed_fifo_queues_get_the_fifo_suffix()
    _functions_keep_layers_published_by_other_accounts()
    _deleting_a_stack_deletes_its_managed_policies()
    _updating_a_managed_policy_keeps_it()
    _deleting_a_stack_deletes_its_route_tables()
    _deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs()
    _variants_without_a_model_host_inference_components()
    _studio_domains_in_cloudformation()


def notes_for(template: dict[str, Any]) -> list[str]:
    """One line per resource of `template` that only creates in the emulator thanks to a fix here."""
    notes = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind, properties = resource.get("Type"), resource.get("Properties") or {}
        if kind == "AWS::KMS::Key" and properties.get("Tags"):
            notes.append(f"{logical_id}: the emulator reads KMS key tags in CloudFormation's Key/Value form (fix)")
        fifo = str(properties.get("FifoQueue")).lower() == "true"
        if kind == "AWS::SQS::Queue" and fifo and "QueueName" not in properties:
            notes.append(f"{logical_id}: the emulator names an unnamed FIFO queue with the .fifo suffix (fix)")
        variants = properties.get("ProductionVariants") or []
        if kind == "AWS::SageMaker::EndpointConfig" and any("ModelName" not in variant for variant in variants):
            notes.append(f"{logical_id}: the emulator accepts a variant without a model (inference components) (fix)")
        if kind == STUDIO_DOMAIN:
            notes.append(
                f"{logical_id}: the emulator creates Studio domains in CloudFormation, with AWS-shaped ids (fix)"
            )
    return notes


def _patch(owner: Any, name: str, replacement: Any) -> None:
    """Replace `owner.name` (a moto class's method, or a module's function) with `replacement`."""
    setattr(owner, name, replacement)


def _kms_key_tags_in_cloudformation_form() -> None:
    # moto's AWS::KMS::Key hands the template's Tags to the KMS API as they are, and its tagger expects
    # the API's TagKey/TagValue: a key tagged in CloudFormation's Key/Value form fails with KeyError 'TagKey'.
    from moto.kms.models import Key

    original = vars(Key)["create_from_cloudformation_json"].__func__

    def create(cls: Any, name: str, resource: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        properties = resource.get("Properties") or {}
        tags = [{"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in properties.get("Tags") or []]
        resource = {**resource, "Properties": {**properties, "Tags": tags}}
        return original(cls, name, resource, *args, **kwargs)

    _patch(Key, "create_from_cloudformation_json", classmethod(create))


def _change_sets_publish_outputs_and_exports() -> None:
    # moto's ExecuteChangeSet creates or updates the resources but keeps the stack's outputs, exports,
    # parameters and description from before it: a stack created through a change set (as Seed-Farmer
    # and the CDK create every stack) has no outputs, and an update leaves the old ones.
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.execute_change_set

    def execute(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        original(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = change_set.parameters
        stack.output_map = stack._create_output_map()
        for name in [name for name, export in self.exports.items() if export.exporting_stack_id == stack.stack_id]:
            del self.exports[name]
        self._validate_export_uniqueness(stack)
        self.exports.update({export.name: export for export in stack.exports})

    _patch(CloudFormationBackend, "execute_change_set", execute)


def _a_change_set_without_changes_fails_instead_of_raising() -> None:
    # AWS's CreateChangeSet accepts a change set that changes nothing and marks it FAILED ("The submitted
    # information didn't contain changes."), which Seed-Farmer and the CDK expect; moto's answers
    # ValidationError "No updates are to be performed.", as UpdateStack does, failing Seed-Farmer's
    # redeploy of an unchanged modulestack. moto's backend already marks such a change set FAILED.
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse._validate_different_update

    def validate(self: Any, *args: Any) -> None:
        if self._get_action() != "CreateChangeSet":
            original(self, *args)

    _patch(CloudFormationResponse, "_validate_different_update", validate)


def _change_sets_are_named_within_their_stack() -> None:
    # CloudFormation looks a change set's name up within the given stack, and answers ChangeSetNotFound
    # when it is not there. moto looks it up across every stack and answers "Stack with id NAME does not
    # exist". The CDK names every change set cdk-deploy-change-set and, after deleting a stack's old one,
    # waits for ChangeSetNotFound: it then finds another stack's change set of that name, and waits forever.
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult, EmptyResult

    class ChangeSetNotFound(CloudFormationError):
        code = "ChangeSetNotFound"

    def scoped(self: Any) -> Any:
        name, stack = self._get_param("ChangeSetName"), self._get_param("StackName")
        change_sets = self.cloudformation_backend.change_sets
        if name in change_sets:  # an ARN names one change set of one stack
            return change_sets[name]
        for change_set in change_sets.values():
            if change_set.change_set_name == name and stack in (None, change_set.stack_name, change_set.stack_id):
                return change_set
        raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")

    def describe(self: Any) -> Any:
        return ActionResult(scoped(self))

    def delete(self: Any) -> Any:
        del self.cloudformation_backend.change_sets[scoped(self).change_set_id]
        return EmptyResult()

    def execute(self: Any) -> Any:
        change_set = scoped(self)
        self.cloudformation_backend.execute_change_set(change_set.change_set_id, change_set.stack_name)
        return EmptyResult()

    for action, replacement in (("describe", describe), ("delete", delete), ("execute", execute)):
        _patch(CloudFormationResponse, f"{action}_change_set", replacement)


def _previous_values_are_the_values_given() -> None:
    # A change set's UsePreviousValue reuses the value the stack was given (or its Default): for an
    # AWS::SSM::Parameter::Value type, the parameter's name. moto reuses the value resolved from it (the
    # CDK's BootstrapVersion "/cdk-bootstrap/hnb659fds/version" becomes "30"), then fails to resolve that.
    from moto.cloudformation.models import Stack

    def given(self: Any) -> dict[str, Any]:
        declared = self.template_dict.get("Parameters") or {}
        defaults = {name: slot["Default"] for name, slot in declared.items() if "Default" in slot}
        return {**self.resource_map.resolved_parameters, **defaults, **self.parameters}

    _patch(Stack, "stack_parameters", property(given))


def _no_exports_of_outputs_whose_condition_is_false() -> None:
    # moto's OutputMap.exports evaluates the Export of every output, also of one whose Condition is false
    # (which CloudFormation skips), failing on its reference to a resource the condition left out.
    from moto.cloudformation.parsing import Export, OutputMap, clean_json

    def exports(self: Any) -> list[Any]:
        found = []
        for key, declared in (self._output_json_map or {}).items():
            output = self[key] if declared.get("Export") else None  # None: condition false, or no value
            if output is not None:
                name = clean_json(declared["Export"].get("Name"), self._resource_map)
                found.append(Export(self._stack_id, name, output.value))
        return found

    _patch(OutputMap, "exports", property(exports))


def _no_outputs_of_resources_not_emulated() -> None:
    # moto skips a resource of a type it does not emulate (AWS::CodeBuild::Project, say), then fails the
    # whole stack on an output that reads an attribute of it. The output is left out instead, as the
    # resource is: describe-stacks lists what the emulator could create.
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError

    original = parsing.parse_output

    def parse_output(key: str, output: Any, resources: Any) -> Any:
        try:
            return original(key, output, resources)
        except ValidationError as error:
            declared = (resources._template.get("Resources") or {}).keys()
            if any(str(error).endswith(f"references undefined resource {name}") for name in declared):
                return None
            raise

    _patch(parsing, "parse_output", parse_output)


def _template_urls_on_the_loopback_address_are_path_style() -> None:
    # moto reads a TemplateURL path-style only when it names "localhost" or s3*.amazonaws.com; any other
    # host is taken as virtual-hosted, so the CDK's http://127.0.0.1:PORT/BUCKET/KEY looks for bucket "127".
    from urllib.parse import urlparse

    from moto.cloudformation import models, responses, utils

    original = utils.get_stack_from_s3_url

    def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
        parts = urlparse(template_url)
        if parts.hostname == "127.0.0.1":
            template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
        return str(original(template_url, account_id, partition))

    for module in (utils, models, responses):
        _patch(module, "get_stack_from_s3_url", get_stack_from_s3_url)


def _unnamed_fifo_queues_get_the_fifo_suffix() -> None:
    # CloudFormation names an unnamed FIFO queue STACK-LOGICALID-SUFFIX.fifo; moto generates the name
    # without the suffix, and its own CreateQueue then rejects it ("Queue name must end in .fifo").
    from moto.sqs.models import Queue

    original = vars(Queue)["create_from_cloudformation_json"].__func__

    def create(cls: Any, name: str, resource: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        fifo = str((resource.get("Properties") or {}).get("FifoQueue")).lower() == "true"
        if fifo and not str(name).endswith(".fifo"):
            name = f"{str(name)[:75]}.fifo"  # a queue name has at most 80 characters
        return original(cls, name, resource, *args, **kwargs)

    _patch(Queue, "create_from_cloudformation_json", classmethod(create))


def _functions_keep_layers_published_by_other_accounts() -> None:
    # moto knows no layer it did not publish itself, such as AWS's public Powertools layer (account
    # 017000801446): an update of a function that uses one fails with "One or more LayerVersion does not
    # exist" (its creation through CloudFormation does not look). Layers of another account are kept as given.
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._get_layers_data

    def layers(self: Any, arns: list[str]) -> list[Any]:
        own = [arn for arn in arns if arn.split(":")[4:5] == [self.account_id]]
        known = {layer["Arn"]: layer for layer in original(self, own)}
        return [known.get(arn, {"Arn": arn, "CodeSize": 0}) for arn in arns]

    _patch(LambdaFunction, "_get_layers_data", layers)


def _deleting_a_stack_deletes_its_managed_policies() -> None:
    # moto's AWS::IAM::ManagedPolicy has no delete: deleting the stack leaves the policy attached, and the
    # role it is attached to then fails to delete ("must detach all policies first"), failing the stack.
    from moto.iam.models import ManagedPolicy

    def delete(self: Any, account_id: str, region_name: str) -> None:
        backend = self.backend
        for entity in [*backend.roles.values(), *backend.groups.values(), *backend.users.values()]:
            if self.arn in entity.managed_policies:
                self.detach_from(entity)
        backend.delete_policy(self.arn)

    _patch(ManagedPolicy, "delete", delete)


def _updating_a_managed_policy_keeps_it() -> None:
    # moto's AWS::IAM::ManagedPolicy has no update: a stack update that changes its document drops it
    # from the stack (still attached to its roles), so deleting the stack later fails on those roles.
    # CloudFormation gives the policy a new default version and follows its Roles.
    import json

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

    _patch(ManagedPolicy, "update_from_cloudformation_json", classmethod(update))


def _deleting_a_stack_deletes_its_route_tables() -> None:
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

    _patch(SubnetRouteTableAssociation, "delete", delete_association)
    _patch(RouteTable, "delete", delete_table)


def _deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs() -> None:
    # moto's AWS::EC2::NatGateway, AWS::EC2::VPCEndpoint and AWS::EC2::FlowLog have no delete: after the
    # stack is gone they are still listed as available (and the gateway keeps its address).
    from moto.ec2.models.flow_logs import FlowLogs
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.vpcs import VPCEndPoint

    def delete_gateway(self: Any, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_nat_gateway(self.id)  # listed as "deleted" for a while, as in AWS

    def delete_endpoint(self: Any, account_id: str, region_name: str) -> None:
        # moto deletes in no particular order: a gateway endpoint's route tables may be gone already.
        self.route_table_ids = [table for table in self.route_table_ids if table in self.ec2_backend.route_tables]
        self.ec2_backend.delete_vpc_endpoints([self.id])

    def delete_flow_log(self: Any, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_flow_logs([self.id])

    _patch(NatGateway, "delete", delete_gateway)
    _patch(VPCEndPoint, "delete", delete_endpoint)
    _patch(FlowLogs, "delete", delete_flow_log)


def _variants_without_a_model_host_inference_components() -> None:
    # SageMaker requires only VariantName of a production variant (CreateEndpointConfig's ProductionVariant):
    # a variant without ModelName hosts inference components. moto looks up every variant's ModelName and
    # fails such a configuration with KeyError 'ModelName'; it now checks the models that are named.
    from moto.sagemaker.models import SageMakerModelBackend

    original = SageMakerModelBackend.validate_production_variants

    def validate(self: Any, production_variants: list[dict[str, Any]]) -> None:
        original(self, [variant for variant in production_variants if "ModelName" in variant])

    _patch(SageMakerModelBackend, "validate_production_variants", validate)


STUDIO_DOMAIN = "AWS::SageMaker::Domain"


def _studio_domains_in_cloudformation() -> None:
    # moto's SageMaker backend creates, describes and deletes Studio domains through the API, but its
    # CloudFormation has no AWS::SageMaker::Domain: it skips the resource, so no output can read the
    # domain's id or ARN and no later module is wired to it. The type is created, updated and deleted
    # through that backend here, with ids of AWS's shape (moto names a domain d-<its name>, which may hold
    # capitals, and its file system <name>-efs-id). User profiles, spaces and apps moto has no backend
    # for stay "declared but not emulated".
    from moto.cloudformation import parsing

    original = parsing.get_model_map
    if STUDIO_DOMAIN in original():
        raise RuntimeError(
            f"emulator fix _studio_domains_in_cloudformation: moto now emulates {STUDIO_DOMAIN} itself; "
            "check that its ids have AWS's shape and drop the fix"
        )

    def model_map() -> dict[str, Any]:
        return {**original(), STUDIO_DOMAIN: _StudioDomain}

    _patch(parsing, "get_model_map", model_map)


class _StudioDomain:
    """AWS::SageMaker::Domain for moto's CloudFormation, kept in moto's SageMaker backend."""

    ATTRIBUTES: ClassVar[dict[str, str]] = {
        "DomainId": "id",
        "DomainArn": "arn",
        "HomeEfsFileSystemId": "home_efs_file_system_id",
        "SecurityGroupIdForDomainBoundary": "security_group_id_for_domain_boundary",
        "Url": "url",
        "SingleSignOnManagedApplicationInstanceId": "single_sign_on_managed_application_instance_id",
    }

    def __init__(self, domain: Any, account_id: str, region_name: str) -> None:
        self.domain, self.account_id, self.region_name = domain, account_id, region_name

    @property
    def physical_resource_id(self) -> str:
        return str(self.domain.id)  # Ref of a domain is its id

    @classmethod
    def has_cfn_attr(cls, attribute: str) -> bool:
        return attribute in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute not in self.ATTRIBUTES:
            raise UnformattedGetAttTemplateException()
        return getattr(self.domain, self.ATTRIBUTES[attribute])

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> _StudioDomain:
        import hashlib

        from moto.sagemaker.models import sagemaker_backends

        backend = sagemaker_backends[account_id][region_name]
        properties = cloudformation_json.get("Properties") or {}
        name = str(properties.get("DomainName") or resource_name)
        backend.create_domain(
            domain_name=name,
            auth_mode=properties["AuthMode"],
            default_user_settings=properties.get("DefaultUserSettings") or {},
            subnet_ids=properties.get("SubnetIds") or [],
            vpc_id=properties.get("VpcId") or "",
            domain_settings=properties.get("DomainSettings"),
            tags=properties.get("Tags"),
            app_network_access_type=properties.get("AppNetworkAccessType"),
            home_efs_file_system_kms_key_id=None,
            kms_key_id=properties.get("KmsKeyId"),
            app_security_group_management=properties.get("AppSecurityGroupManagement"),
            default_space_settings=properties.get("DefaultSpaceSettings"),
        )
        domain = backend.domains.pop(f"d-{name}")
        digest = hashlib.sha256(f"{account_id}/{region_name}/{name}".encode()).hexdigest()
        domain.id = f"d-{digest[:12]}"  # AWS: d- and 12 lower-case letters or digits
        domain.arn = f"arn:aws:sagemaker:{region_name}:{account_id}:domain/{domain.id}"
        domain.home_efs_file_system_id = f"fs-{digest[12:29]}"
        backend.domains[domain.id] = domain
        return cls(domain, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: _StudioDomain,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _StudioDomain:
        properties = cloudformation_json.get("Properties") or {}
        if properties.get("DomainName") == original_resource.domain.domain_name:
            domain = original_resource.domain
            domain.default_user_settings = properties.get("DefaultUserSettings") or {}
            domain.default_space_settings = properties.get("DefaultSpaceSettings")
            domain.domain_settings = properties.get("DomainSettings")
            return original_resource
        # DomainName, AuthMode and KmsKeyId are create-only: a new domain, then the old one goes.
        replacement = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        original_resource.delete(account_id, region_name)
        return replacement

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.sagemaker.models import sagemaker_backends

        sagemaker_backends[account_id][region_name].domains.pop(resource_name, None)

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.physical_resource_id, {}, account_id, region_name)
