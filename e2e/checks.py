"""What `make e2e` checks after each Seed-Farmer command: metadata, wiring, builds, updates, leftovers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from e2e.account import Account, Inventory, stack_resources
from e2e.steps import CheckFailed

# Keys Seed-Farmer adds to every module's metadata in the build's post_build phase.
SEEDFARMER_KEYS = frozenset({"SeedFarmerDeployed", "ModuleDeploymentRoleName", "SeedFarmerModuleCommitHash"})


@dataclass(frozen=True)
class Module:
    """One module of the deployment manifest, as its group manifest declares it."""

    group: str
    name: str
    path: str
    parameters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bundle(self) -> str:
        """The suffix of Seed-Farmer's bundle folder for this module (`<deployment>-<group>-<module>`)."""
        return f"{self.group}-{self.name}"


def manifest_modules(manifest: Path, root: Path) -> tuple[str, list[Module]]:
    """The deployment's name and its modules in deployment order, read from the manifests' YAML."""
    deployment = yaml.safe_load(manifest.read_text())
    modules = []
    for group in deployment["groups"]:
        with (root / group["path"]).open() as handle:
            for document in yaml.safe_load_all(handle):
                if document:
                    modules.append(
                        Module(group["name"], document["name"], document["path"], document.get("parameters") or [])
                    )
    return str(deployment["name"]), modules


def json_in(text: str) -> Any:
    """The first JSON object printed in `text` (Seed-Farmer prints its logs around it)."""
    decoder = json.JSONDecoder()
    for index, character in enumerate(text):
        if character == "{":
            try:
                return decoder.raw_decode(text, index)[0]
            except json.JSONDecodeError:
                continue
    raise CheckFailed(f"no JSON object in the output: {text[-500:]}")


def readme_outputs(readme: Path) -> set[str]:
    """The metadata keys in the first table under the README's `## Outputs` heading."""
    lines = readme.read_text().split("\n## Outputs\n", 1)[-1].splitlines()
    rows = [line for line in lines[: _table_end(lines)] if line.startswith("|")]
    return {row.strip("|").split("|")[0].strip().strip("`") for row in rows[2:]}


def _table_end(lines: list[str]) -> int:
    started = False
    for index, line in enumerate(lines):
        if line.startswith("|"):
            started = True
        elif started:
            return index
    return len(lines)


def outputs_document(module_dir: Path) -> Path:
    """Where a module documents its metadata: docs/outputs.md when its README moved the table there."""
    moved = module_dir / "docs" / "outputs.md"
    return moved if moved.is_file() else module_dir / "README.md"


def published_what_readmes_promise(metadata: dict[str, dict[str, Any]], modules: list[Module], root: Path) -> None:
    """Every module's metadata holds exactly the keys its README documents (plus Seed-Farmer's own)."""
    problems = []
    for module in modules:
        promised = readme_outputs(outputs_document(root / module.path))
        published = set(metadata[module.bundle]) - SEEDFARMER_KEYS
        if published != promised:
            problems.append(
                f"{module.group}/{module.name}: missing {sorted(promised - published)}, "
                f"not documented {sorted(published - promised)}"
            )
    if problems:
        raise CheckFailed("metadata differs from the README's Outputs: " + "; ".join(problems))


def builds(scratch: Path) -> list[dict[str, Any]]:
    """Every build the stand-in ran, in order: folder, module bundle, kind, status, phases, environment."""
    found = []
    for folder in sorted((scratch / "builds").glob("*")):
        record_file = folder / "build.json"
        record = json.loads(record_file.read_text()) if record_file.is_file() else {"status": None, "commands": []}
        log = (folder / "build.log").read_text(errors="replace") if (folder / "build.log").is_file() else ""
        destroy = any(step["command"].startswith("cdk destroy") for step in record.get("commands", []))
        found.append(
            {
                "folder": folder.name,
                "bundle": folder.name.split("-", 1)[1],
                "kind": "destroy" if destroy else "deploy",
                "status": record.get("status"),
                "load": record.get("load"),
                "phases": record.get("phases", {}),
                "commands": record.get("commands", []),
                "cdk": _cdk_times(log),
                "environment": json.loads((folder / "environment.json").read_text())["env_file"],
            }
        )
    return found


def _cdk_times(log: str) -> dict[str, float]:
    """The CDK CLI's own synthesis and deployment times, from its `✨  Synthesis time: 12.3s` lines."""
    times = {}
    for line in log.splitlines():
        for label, key in (("Synthesis time:", "synth"), ("Deployment time:", "deploy"), ("Destroy time:", "destroy")):
            if label in line:
                times[key] = float(line.split(label)[1].strip().rstrip("s"))
    return times


def received_metadata(
    modules: list[Module], metadata: dict[str, dict[str, Any]], done: list[dict[str, Any]]
) -> list[str]:
    """Each `valueFrom: moduleMetadata` parameter reached its consumer's build with the producer's value."""
    lines = []
    for module in modules:
        build = next((b for b in reversed(done) if b["bundle"].endswith(module.bundle) and b["kind"] == "deploy"), None)
        for parameter in module.parameters:
            reference = (parameter.get("valueFrom") or {}).get("moduleMetadata")
            if not reference or build is None:
                continue
            produced = metadata[f"{reference['group']}-{reference['name']}"][reference["key"]]
            variable = "SEEDFARMER_PARAMETER_" + parameter["name"].upper().replace("-", "_")
            received = build["environment"].get(variable)
            expected = produced if isinstance(produced, str) else json.dumps(produced)
            if received != expected:
                raise CheckFailed(
                    f"{module.group}/{module.name} received {variable}={received!r}, but "
                    f"{reference['group']}/{reference['name']} published {reference['key']}={expected!r}"
                )
            lines.append(f"{module.group}/{module.name} {parameter['name']} = {reference['name']}.{reference['key']}")
    if not lines:
        raise CheckFailed("no module took metadata from another: the manifests are not wired")
    return lines


def kept_by_design(account: Account, leftovers: Inventory, project: str) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what Seed-Farmer keeps by design and the rest.

    Seed-Farmer keeps its project's stacks (the seedkit `aws-codeseeder-<project>`, the bucket stack
    `seedfarmer-<project>-artifacts` and the project policy `<project>-managed-policy`) and what they hold.
    """
    stacks = {name for name in leftovers.get("CloudFormation stack", set()) if _seedfarmer_stack(name, project)}
    held = set().union(*(stack_resources(account, stack) for stack in stacks)) if stacks else set()
    kept: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        for identifier in identifiers:
            keep = identifier in stacks or any(_same(identifier, h) for h in held)
            (kept if keep else rest).setdefault(kind, set()).add(identifier)
    return kept, rest


def _same(identifier: str, physical_id: str) -> bool:
    """A listed identifier is a stack's physical id, or the name at the end of that ARN (and vice versa)."""
    return identifier == physical_id or physical_id.endswith(f"/{identifier}") or identifier.endswith(f"/{physical_id}")


# What destroy leaves for a known reason other than a DeletionPolicy: kind -> (identifiers starting with, why).
OTHER_LEFTOVERS = {
    "elastic IP": ("", "the emulator differs from AWS: moto's AWS::EC2::EIP has no delete"),
    "internet gateway": ("", "the emulator differs from AWS: moto's AWS::EC2::InternetGateway has no delete"),
    "log group": (
        "/aws/lambda/",
        "as in AWS: Lambda creates a function's log group outside its stack (AWS when the function first runs, "
        "the emulator when it creates the function), so deleting the stack leaves it",
    ),
}
KEPT_POLICIES = ("Retain", "RetainExceptOnCreate")


def retained_resources(account: Account) -> dict[str, str]:
    """Per physical id, why a stack of the account keeps that resource when it is deleted: its DeletionPolicy
    (`RetainExceptOnCreate`: kept unless the stack's first creation fails), read before `seedfarmer destroy`."""
    cloudformation = account.client("cloudformation")
    kept = {}
    for stack in cloudformation.describe_stacks()["Stacks"]:
        if stack["StackStatus"] == "DELETE_COMPLETE":
            continue
        name = stack["StackName"]
        resources = _template(cloudformation.get_template(StackName=name)["TemplateBody"], name).get("Resources", {})
        policies = {
            logical_id: resource["DeletionPolicy"]
            for logical_id, resource in resources.items()
            if resource.get("DeletionPolicy") in KEPT_POLICIES
        }
        for summary in cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]:
            policy = policies.get(summary["LogicalResourceId"])
            if policy and summary.get("PhysicalResourceId"):
                kept[summary["PhysicalResourceId"]] = f"{name} {summary['LogicalResourceId']}, DeletionPolicy {policy}"
    return kept


def _template(body: Any, stack: str) -> dict[str, Any]:
    """A stack's template as boto3 returns it: parsed JSON, or text (YAML with CloudFormation's tags)."""
    if isinstance(body, dict):
        return body
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(str(body))
    if template is None:
        raise CheckFailed(f"the template of stack {stack} cannot be read: {errors}")
    return dict(template)


def kept_by_deletion_policy(leftovers: Inventory, retained: dict[str, str]) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what a template keeps by its DeletionPolicy (as AWS keeps it) and the rest;
    each kept identifier says which stack and resource keep it."""
    kept: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        for identifier in identifiers:
            why = next((why for physical, why in retained.items() if _same(identifier, physical)), None)
            if why:
                kept.setdefault(f"{kind} (kept by its stack's DeletionPolicy, as in AWS)", set()).add(
                    f"{identifier} ({why})"
                )
            else:
                rest.setdefault(kind, set()).add(identifier)
    return kept, rest


def _seedfarmer_stack(name: str, project: str) -> bool:
    return name in (f"aws-codeseeder-{project}", f"seedfarmer-{project}-artifacts", f"{project}-managed-policy")


def explained_leftovers(leftovers: Inventory) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what OTHER_LEFTOVERS explains (by kind, with why) and the rest."""
    explained: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        prefix, why = OTHER_LEFTOVERS.get(kind, (None, ""))
        for identifier in identifiers:
            if prefix is not None and identifier.startswith(prefix):
                explained.setdefault(f"{kind} ({why})", set()).add(identifier)
            else:
                rest.setdefault(kind, set()).add(identifier)
    return explained, rest
