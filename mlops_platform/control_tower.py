"""AWS Control Tower's proactive controls (Guard rules) as cdklabs-cdk-validator-cfnguard runs them.

The plugin runs the cfn-guard engine over every rule it bundles (237 rules for 41 services in 0.0.62) unless
told to leave some out (`disabled_rules`), and the engine spends time on every rule it loads, whether or not
the template holds anything the rule checks: an endpoint template took 0.68 s with the 47 rules of the
services the module deploys, 0.27 s with the 19 that report on a resource type it holds. Each rule's
specification (its header) lists the resource types it reports on; the resources it merely looks up (a queue's
key, a function's subnets) are not reported on. So each synthesis runs the rules that report on a resource
type of its stack, and every rule whose header lists none, and leaves out the rest.
tests/test_real_account_guard.py runs the engine with every bundled rule over templates holding every resource
type of the parameter matrix: no rule left out applies to any of their resources.
"""

from __future__ import annotations

import functools
import os
import re
import tarfile
from collections.abc import Collection
from importlib import metadata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aws_cdk as cdk
    from constructs import IConstruct

RULES = PurePosixPath("package/rules/control-tower/cfn-guard")
# The "Reports on" section of a rule's header: comment lines naming types, one or several to a line.
_REPORTS_ON = re.compile(r"^#\s*Reports on:[ \t]*\r?\n((?:#[ \t]+AWS::.*\r?\n)+)", re.MULTILINE)
_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")


def bundle() -> tarfile.TarFile:
    """The plugin's own package (the jsii tarball pip installed with it), opened for reading."""
    [tarball] = [
        file for file in metadata.files("cdklabs-cdk-validator-cfnguard") or () if file.name.endswith(".jsii.tgz")
    ]
    return tarfile.open(tarball.locate(), mode="r|gz")


@functools.cache
def reported_types() -> dict[str, frozenset[str]]:
    """Each bundled rule's name (its file's) and the resource types its header reports on, case-folded (one
    header writes AWS::AutoScaling::AutoscalingGroup); empty when the header lists none."""
    rules: dict[str, frozenset[str]] = {}
    with bundle() as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if member.isfile() and path.suffix == ".guard" and path.is_relative_to(RULES):
                if path.stem in rules:  # the plugin leaves rules out by name: a name must be one rule
                    raise ValueError(f"two Control Tower rules named {path.stem} in cdklabs-cdk-validator-cfnguard")
                text = archive.extractfile(member).read().decode()  # type: ignore[union-attr]
                listed = _REPORTS_ON.search(text)
                named = _TYPE.findall(listed.group(1)) if listed else []
                rules[path.stem] = frozenset(kind.casefold() for kind in named)
    return dict(sorted(rules.items()))


def resource_types(scope: IConstruct) -> set[str]:
    """The CloudFormation types of the resources declared under `scope` (a stack or an app)."""
    import aws_cdk as cdk

    found = scope.node.find_all()
    return {construct.cfn_resource_type for construct in found if isinstance(construct, cdk.CfnResource)}


def rules_outside(types: Collection[str]) -> list[str]:
    """The bundled rules that report on resource types, none of them among `types`: the plugin's
    `disabled_rules` for a stack of those types."""
    present = {kind.casefold() for kind in types}
    return [name for name, reported in reported_types().items() if reported and not reported & present]


def add_validator(app: cdk.App, stack: cdk.Stack) -> None:
    """Run the Control Tower rules that report on a resource type of `stack` on every synthesis of `app`, wherever
    templates are validated (a real deploy, the rehearsal, the matrix). Unit tests, which set CDK_VALIDATION=false
    for speed, skip them, as the CDK skips its own template validation."""
    if os.environ.get("CDK_VALIDATION") == "false":
        return
    import aws_cdk as cdk
    from cdklabs.cdk_validator_cfnguard import CfnGuardValidator

    validator = CfnGuardValidator(disabled_rules=rules_outside(resource_types(stack)))
    # The plugin's bindings are typed against the Beta1 plugin interface the CDK still accepts.
    cdk.Validations.of(app).add_plugins(validator)  # type: ignore[arg-type]
