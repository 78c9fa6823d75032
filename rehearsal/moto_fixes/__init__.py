"""Fixes to moto's emulation, where it departs from what AWS does with the same template or call.

Each fix is one function (in cloudformation.py, resources.py, hosting.py, resource_types.py or sagemaker.py)
whose comment names the moto behaviour it corrects; none changes a template or works around a problem of ours, so the
templates we deploy for real are the ones the emulator creates. A fix wraps moto's own function where it can,
and refuses to apply (FixCannotApply, naming the fix) when moto no longer has what it changes (patching.py);
the tests in tests/test_moto_fixes_*.py show moto's behaviour without each fix, so a moto upgrade that fixes
one upstream fails that fix's test: drop the fix then.

`apply()` installs every fix in this process, before moto's server starts (the rehearsal's in-process
server and `python -m e2e.server` both call it); it is idempotent. `without(name)` takes one fix out for
the length of a `with` block (the tests use it).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from rehearsal.moto_fixes import cloudformation, hosting, resource_types, resources, sagemaker
from rehearsal.moto_fixes.patching import FixCannotApply, Patch, Patcher

__all__ = ["FIXES", "FixCannotApply", "apply", "notes_for", "without"]

FIXES: tuple[Callable[[Patcher], None], ...] = (
    resources.kms_keys_in_cloudformation_form,
    cloudformation.change_sets_publish_outputs_and_exports,
    cloudformation.a_change_set_without_changes_fails_instead_of_raising,
    cloudformation.change_sets_are_named_within_their_stack,
    cloudformation.previous_values_are_the_values_given,
    cloudformation.no_exports_of_outputs_whose_condition_is_false,
    cloudformation.no_outputs_of_resources_not_emulated,
    cloudformation.template_urls_on_the_loopback_address_are_path_style,
    cloudformation.resources_kept_except_on_create_are_kept_on_delete,
    resources.unnamed_fifo_queues_get_the_fifo_suffix,
    resources.functions_keep_layers_published_by_other_accounts,
    resources.deleting_a_stack_deletes_its_managed_policies,
    resources.updating_a_managed_policy_keeps_it,
    resources.deleting_a_stack_deletes_its_route_tables,
    resources.deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs,
    hosting.variants_without_a_model_host_inference_components,
    hosting.sagemaker_endpoints_keep_the_names_templates_give,
    hosting.endpoints_follow_their_replaced_configuration,
    hosting.current_instance_types_are_accepted,
    hosting.studio_domains_in_cloudformation,
    resource_types.resource_types_moto_lacks,
    resource_types.yaml_get_att_in_sequence_form,
    resource_types.bucket_policy_conditions_are_not_ignored,
    sagemaker.model_package_group_policies,
    sagemaker.model_package_groups_of_another_account_are_read_there,
)

_installed: dict[str, list[Patch]] = {}
_lock = threading.Lock()


def apply() -> None:
    """Install every fix in this process's moto (once); FixCannotApply before any is installed if one cannot."""
    with _lock:
        if _installed:
            return
        prepared = {}
        for fix in FIXES:
            patcher = Patcher(fix.__name__)
            fix(patcher)
            prepared[fix.__name__] = patcher.patches
        for patches in prepared.values():
            for patch in patches:
                patch.install()
        _installed.update(prepared)


@contextlib.contextmanager
def without(name: str) -> Iterator[None]:
    """Every fix but `name` for the length of the block: moto's own behaviour where that fix applies."""
    apply()
    patches = _installed[name]
    with _lock:
        for patch in reversed(patches):
            patch.remove()
    try:
        yield
    finally:
        with _lock:
            for patch in patches:
                patch.install()


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
        newer = sorted({str(v["InstanceType"]) for v in variants if _moto_lacks(v.get("InstanceType"))})
        if kind == "AWS::SageMaker::EndpointConfig" and newer:
            notes.append(
                f"{logical_id}: the emulator accepts {', '.join(newer)} from SageMaker's API model; its own "
                "instance type list lacks it (fix)"
            )
        if kind == hosting.STUDIO_DOMAIN:
            notes.append(
                f"{logical_id}: the emulator creates Studio domains in CloudFormation, with AWS-shaped ids (fix)"
            )
    return notes


def _moto_lacks(instance_type: Any) -> bool:
    """Whether moto's own check, without the fix, refuses this production variant instance type."""
    patches = _installed.get(hosting.current_instance_types_are_accepted.__name__)
    if not patches or not isinstance(instance_type, str):
        return False
    try:
        patches[0].before(None, instance_type)  # moto's own check reads nothing of its instance
    except Exception:
        return True
    return False
