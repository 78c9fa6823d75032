"""What `make e2e` checks after each Seed-Farmer command: metadata, wiring, builds, updates, leftovers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from e2e.account import Account
from e2e.steps import CheckFailed

# Keys Seed-Farmer adds to every module's metadata in the build's post_build phase (the last three in a CodeBuild
# build: its remote mode).
SEEDFARMER_KEYS = frozenset(
    {
        "SeedFarmerDeployed",
        "ModuleDeploymentRoleName",
        "SeedFarmerModuleCommitHash",
        "CodeBuildBuildUrl",
        "CloudWatchLogStream",
        "CloudWatchLogStreamArn",
    }
)


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


def placed(world: Any, deployment: Any, project: str) -> list[str]:
    """Each module's stack and its metadata (Seed-Farmer's SSM parameter) exist in the module's target account and
    in no other account of the deployment; the deployment's manifest is in the toolchain account alone."""
    lines = []
    manifest = f"/{project}/{deployment.name}/manifest"
    holding = [account for account in world.accounts.ids if _has_parameter(world.account(account), manifest)]
    if holding != [world.accounts.toolchain]:
        raise CheckFailed(f"parameter {manifest} is in {holding or 'no account'}, not in the toolchain account alone")
    lines.append(f"the deployment's manifest {manifest} in {world.accounts.name(world.accounts.toolchain)}")
    for group in deployment.groups:
        for module in group.modules:
            stack = f"{project}-{deployment.name}-{group.name}-{module.name}"
            metadata = f"/{project}/{deployment.name}/{group.name}/{module.name}/metadata"
            target = str(module.get_target_account_id())
            for what, found in (("stack", _has_stack), ("parameter", _has_parameter)):
                name = stack if what == "stack" else metadata
                holding = [account for account in world.accounts.ids if found(world.account(account), name)]
                if holding != [target]:
                    raise CheckFailed(f"{what} {name} is in {holding or 'no account'}, not in {target} alone")
            lines.append(f"{group.name}/{module.name}: stack {stack} and {metadata} in {world.accounts.name(target)}")
    return lines


def _has_parameter(account: Account, name: str) -> bool:
    ssm = account.client("ssm")
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        return False
    return True


def _has_stack(account: Account, stack: str) -> bool:
    stacks = account.client("cloudformation").describe_stacks()["Stacks"]
    return any(found["StackName"] == stack and found["StackStatus"] != "DELETE_COMPLETE" for found in stacks)
