"""Which of AWS Control Tower's Guard rules (as cdklabs-cdk-validator-cfnguard bundles them) can report on a
resource of a template: each rule's specification (its header) lists the resource types it "Reports on"."""

from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath
from typing import Any

from networking import control_tower

# The "Reports on" section of a rule's header: comment lines naming types, one or several to a line.
_REPORTS_ON = re.compile(r"^#\s*Reports on:[ \t]*\r?\n((?:#[ \t]+AWS::.*\r?\n)+)", re.MULTILINE)
_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")


@functools.cache
def named_types() -> dict[tuple[str, str], frozenset[str]]:
    """(folder, rule name) -> the resource types the rule reports on."""
    rules = {}
    with control_tower.bundle() as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if member.isfile() and path.suffix == ".guard" and path.is_relative_to(control_tower.RULES):
                text = archive.extractfile(member).read().decode()  # type: ignore[union-attr]
                [listed] = _REPORTS_ON.findall(text)
                types = frozenset(_TYPE.findall(listed))
                rules[(path.relative_to(control_tower.RULES).parts[0], path.stem)] = types
    return rules


def folders_selecting(template: dict[str, Any]) -> set[str]:
    """The rule folders holding a rule that reports on a resource type `template` holds."""
    types = {resource["Type"] for resource in template.get("Resources", {}).values()}
    return {folder for (folder, _), named in named_types().items() if named & types}
