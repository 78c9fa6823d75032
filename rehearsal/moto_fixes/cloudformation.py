"""Fixes to moto's CloudFormation: change sets, parameters, outputs and exports, templates, deletion.

Each function is one fix: its comment names the moto behaviour it corrects and what AWS does instead;
tests/test_moto_fixes_cloudformation.py shows moto's behaviour without it.
"""

from __future__ import annotations

from typing import Any

from rehearsal.moto_fixes.patching import Patcher


def change_sets_publish_outputs_and_exports(patch: Patcher) -> None:
    # moto's ExecuteChangeSet creates or updates the resources but keeps the stack's outputs, exports,
    # parameters and description from before it: a stack created through a change set (as Seed-Farmer
    # and the CDK create every stack) has no outputs, and an update leaves the old ones.
    from moto.cloudformation.models import CloudFormationBackend

    def make(original: Any) -> Any:
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

        return execute

    patch.wrap(CloudFormationBackend, "execute_change_set", make, ("self", "change_set_name", "stack_name"))


def a_change_set_without_changes_fails_instead_of_raising(patch: Patcher) -> None:
    # AWS's CreateChangeSet accepts a change set that changes nothing and marks it FAILED ("The submitted
    # information didn't contain changes."), which Seed-Farmer and the CDK expect; moto's answers
    # ValidationError "No updates are to be performed.", as UpdateStack does, failing Seed-Farmer's
    # redeploy of an unchanged modulestack. moto's backend already marks such a change set FAILED.
    from moto.cloudformation.responses import CloudFormationResponse

    def make(original: Any) -> Any:
        def validate(self: Any, *args: Any) -> None:
            if self._get_action() != "CreateChangeSet":
                original(self, *args)

        return validate

    patch.wrap(CloudFormationResponse, "_validate_different_update", make)


def change_sets_are_named_within_their_stack(patch: Patcher) -> None:
    # CloudFormation looks a change set's name up within the given stack, and answers ChangeSetNotFound
    # when it is not there. moto looks it up across every stack and answers "Stack with id NAME does not
    # exist". The CDK names every change set cdk-deploy-change-set and, after deleting a stack's old one,
    # waits for ChangeSetNotFound: it then finds another stack's change set of that name, and waits forever.
    # The fix finds the change set within its stack, then runs moto's own action with its ARN.
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse

    class ChangeSetNotFound(CloudFormationError):
        code = "ChangeSetNotFound"

    def scoped_arn(self: Any) -> str:
        name, stack = self._get_param("ChangeSetName"), self._get_param("StackName")
        change_sets = self.cloudformation_backend.change_sets
        if name in change_sets:  # an ARN names one change set of one stack
            return str(name)
        for arn, change_set in change_sets.items():
            if change_set.change_set_name == name and stack in (None, change_set.stack_name, change_set.stack_id):
                return str(arn)
        raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")

    def make(original: Any) -> Any:
        def action(self: Any) -> Any:
            arn, read = scoped_arn(self), self._get_param
            self._get_param = lambda name, if_none=None: arn if name == "ChangeSetName" else read(name, if_none)
            try:
                return original(self)
            finally:
                del self._get_param

        return action

    for action in ("describe_change_set", "delete_change_set", "execute_change_set"):
        patch.wrap(CloudFormationResponse, action, make, ("self",))


def previous_values_are_the_values_given(patch: Patcher) -> None:
    # A change set's UsePreviousValue reuses the value the stack was given (or its Default): for an
    # AWS::SSM::Parameter::Value type, the parameter's name. moto reuses the value resolved from it (the
    # CDK's BootstrapVersion "/cdk-bootstrap/hnb659fds/version" becomes "30"), then fails to resolve that.
    from moto.cloudformation.models import Stack

    def make(original: Any) -> Any:
        def given(self: Any) -> dict[str, Any]:
            declared = self.template_dict.get("Parameters") or {}
            defaults = {name: slot["Default"] for name, slot in declared.items() if "Default" in slot}
            return {**original(self), **defaults, **self.parameters}

        return given

    patch.wrap(Stack, "stack_parameters", make)


def no_exports_of_outputs_whose_condition_is_false(patch: Patcher) -> None:
    # moto's OutputMap.exports evaluates the Export of every output, also of one whose Condition is false
    # (which CloudFormation skips), failing on its reference to a resource the condition left out.
    # Replaced outright: moto's property evaluates every export in one go, so it cannot skip one.
    from moto.cloudformation.parsing import Export, OutputMap, clean_json

    def exports(self: Any) -> list[Any]:
        found = []
        for key, declared in (self._output_json_map or {}).items():
            output = self[key] if declared.get("Export") else None  # None: condition false, or no value
            if output is not None:
                name = clean_json(declared["Export"].get("Name"), self._resource_map)
                found.append(Export(self._stack_id, name, output.value))
        return found

    patch.replace(OutputMap, "exports", property(exports))


def no_outputs_of_resources_not_emulated(patch: Patcher) -> None:
    # moto skips a resource of a type it does not emulate (AWS::CodeBuild::Project, say), then fails the
    # whole stack on an output that reads an attribute of it. The output is left out instead, as the
    # resource is: describe-stacks lists what the emulator could create.
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError

    def make(original: Any) -> Any:
        def parse_output(key: str, output: Any, resources: Any) -> Any:
            try:
                return original(key, output, resources)
            except ValidationError as error:
                declared = (resources._template.get("Resources") or {}).keys()
                if any(str(error).endswith(f"references undefined resource {name}") for name in declared):
                    return None
                raise

        return parse_output

    patch.wrap(parsing, "parse_output", make, ("output_logical_id", "output_json", "resources_map"))


def template_urls_on_the_loopback_address_are_path_style(patch: Patcher) -> None:
    # moto reads a TemplateURL path-style only when it names "localhost" or s3*.amazonaws.com; any other
    # host is taken as virtual-hosted, so the CDK's http://127.0.0.1:PORT/BUCKET/KEY looks for bucket "127".
    from urllib.parse import urlparse

    from moto.cloudformation import models, responses, utils

    def make(original: Any) -> Any:
        def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
            parts = urlparse(template_url)
            if parts.hostname == "127.0.0.1":
                template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
            return str(original(template_url, account_id, partition))

        return get_stack_from_s3_url

    # models and responses imported the function by name: each module's name is wrapped.
    for module in (utils, models, responses):
        patch.wrap(module, "get_stack_from_s3_url", make, ("template_url", "account_id", "partition"))


def resources_kept_except_on_create_are_kept_on_delete(patch: Patcher) -> None:
    # CloudFormation keeps a resource whose DeletionPolicy is RetainExceptOnCreate when its stack is deleted
    # (it deletes it only when the stack's creation fails and rolls back). moto keeps only `Retain`, so
    # deleting a stack deleted the modules' kept KMS keys and log groups, and `make e2e` found nothing left.
    from moto.cloudformation.parsing import ResourceMap

    def make(original: Any) -> Any:
        def delete(self: Any) -> None:
            declared = self._resource_json_map
            kept = [name for name, value in declared.items() if value.get("DeletionPolicy") == "RetainExceptOnCreate"]
            for name in kept:
                declared[name] = {**declared[name], "DeletionPolicy": "Retain"}
            try:
                original(self)
            finally:
                for name in kept:
                    declared[name] = {**declared[name], "DeletionPolicy": "RetainExceptOnCreate"}

        return delete

    patch.wrap(ResourceMap, "delete", make, ("self",))
