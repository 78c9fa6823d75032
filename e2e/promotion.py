"""The promotion of `make e2e`: the seed's steps a pipeline and a person take between two applies (a version
approved in the registry's account, a pinned version changed in the manifest), what Seed-Farmer redeploys for
each, and what each endpoint then serves."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from e2e import records
from e2e.checks import Module
from e2e.preparation import SEEDFARMER
from e2e.steps import CheckFailed, Steps
from e2e.world import World
from rehearsal.loading import Loaded
from rehearsal.seed import ManifestEdit, Step, manifest_value

ROOT = Path(__file__).resolve().parents[1]

# The seed's steps each manifest's promotion takes (rehearsal/account.yaml).
STEPS = {
    "manifests/deployment.yaml": ("promote",),
    "manifests/multi-account/deployment.yaml": ("approve", "promote-prod"),
}


def steps_of(loaded: Loaded, manifest: Path) -> list[Step]:
    names = STEPS.get(str(manifest))
    if names is None:
        raise CheckFailed(f"make e2e knows no promotion for {manifest} (e2e/promotion.py STEPS)")
    seed = next(iter(loaded.seeds.values()))
    return [seed.step(name) for name in names]


def approve(world: World, loaded: Loaded, steps: list[Step]) -> list[str]:
    """Approve each version the steps approve, in the account each step names, as a reviewer would; their ARNs."""
    approved = []
    for step in steps:
        for (account, region), seed in loaded.seeds.items():
            if not seed.applies(step):
                continue
            sagemaker = world.account(account, region).client("sagemaker")
            for group, versions in step.approve.items():
                for version in versions:
                    arn = f"arn:aws:sagemaker:{region}:{account}:model-package/{group}/{version}"
                    sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
                    approved.append(arn)
    return approved


def followers(modules: list[Module], metadata: dict[str, dict[str, Any]], approved: list[str]) -> list[Module]:
    """The modules serving the newest approved version of a group a version was approved in (by name or ARN,
    written or taken from another module's metadata)."""
    groups = {arn.split(":model-package/")[1].rsplit("/", 1)[0] for arn in approved}
    found = []
    for module in modules:
        for parameter in module.parameters:
            if parameter["name"] != "model-package-group-name":
                continue
            reference = (parameter.get("valueFrom") or {}).get("moduleMetadata")
            value = (
                metadata[f"{reference['group']}-{reference['name']}"][reference["key"]]
                if reference
                else parameter.get("value")
            )
            if str(value).rsplit("/", 1)[-1] in groups:
                found.append(module)
    return found


def edited_manifest(loaded: Loaded, steps: list[Step], scratch: Path) -> tuple[Path | None, dict[str, str]]:
    """The deployment manifest with the steps' edits, written under the scratch folder (its group manifests too,
    the files a person would change); and, per module edited, the package it should then serve."""
    edits = [(step, edit) for step in steps for edit in step.manifest]
    if not edits:
        return None, {}
    root, folder = loaded.root, scratch / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    deployment = yaml.safe_load(loaded.manifest.read_text())
    serves = {}
    for group in deployment["groups"]:
        changes = [(step, edit) for step, edit in edits if edit.group == group["name"]]
        if not changes:
            continue
        documents = [document for document in yaml.safe_load_all((root / group["path"]).read_text()) if document]
        for step, edit in changes:
            _edit(documents, step, edit)
            if edit.parameter == "model-package-arn":
                serves[f"{group['name']}-{edit.module}"] = str(manifest_value(step, edit))
        copy = folder / Path(group["path"]).name
        copy.write_text(yaml.safe_dump_all(documents, sort_keys=False))
        group["path"] = str(copy.relative_to(root))
    edited = folder / loaded.manifest.name
    edited.write_text(yaml.safe_dump(deployment, sort_keys=False))
    return edited, serves


def _edit(documents: list[dict[str, Any]], step: Step, edit: ManifestEdit) -> None:
    module = next((document for document in documents if document.get("name") == edit.module), None)
    parameter = next((p for p in (module or {}).get("parameters") or [] if p.get("name") == edit.parameter), None)
    if parameter is None:
        raise CheckFailed(f"step '{step.name}': no parameter {edit.parameter} in module {edit.group}/{edit.module}")
    parameter.pop("valueFrom", None)
    parameter["value"] = edit.value  # written as the person writes it: ${VAR}s are Seed-Farmer's to resolve


def serving(
    world: World, module: Module, account: str, region: str, metadata: dict[str, Any], expected: str
) -> list[str]:
    """The module's metadata names `expected`, and the model it made in its own account runs that package. Where
    the emulator does not point the endpoint at its new configuration as AWS would, a line says so (no failure)."""
    if metadata.get("ModelPackageArn") != expected:
        raise CheckFailed(f"{module.group}/{module.name} serves {metadata.get('ModelPackageArn')}, not {expected}")
    sagemaker = world.account(account, region).client("sagemaker")
    model = sagemaker.describe_model(ModelName=metadata["ModelName"])
    containers = model.get("Containers") or [model.get("PrimaryContainer") or {}]
    packages = [container.get("ModelPackageName", "") for container in containers]
    if expected not in packages:
        raise CheckFailed(f"the model {metadata['ModelName']} in {account} runs {packages}, not {expected}")
    owner = expected.split(":")[4]
    across = f" of account {world.accounts.name(owner)}" if owner != account else ""
    lines = [
        f"{module.group}/{module.name} in {world.accounts.name(account)}: model {metadata['ModelName']} runs package "
        f"{expected}{across}"
    ]
    config = sagemaker.describe_endpoint(EndpointName=metadata["EndpointName"])["EndpointConfigName"]
    configs = {item["EndpointConfigName"] for item in sagemaker.list_endpoint_configs()["EndpointConfigs"]}
    served = (
        [
            variant.get("ModelName")
            for variant in sagemaker.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"]
        ]
        if config in configs
        else []
    )
    if metadata["ModelName"] not in served:
        lines.append(
            f"emulator differs from AWS: the endpoint {metadata['EndpointName']} still names configuration {config}; "
            "the emulator does not point an existing endpoint at its new configuration (AWS updates it in place)"
        )
    return lines


def promote(
    steps: Steps,
    world: World,
    loaded: Loaded,
    manifest: Path,
    scratch: Path,
    deployment: str,
    modules: list[Module],
    metadata: dict[str, dict[str, Any]],
    apply: list[str],
) -> dict[str, Any]:
    """The seed's promotion steps: approvals where they are made, then an apply (which redeploys nothing: an
    approval changes no module's files or entry), then the followers of the approved group tainted and the
    manifest as a person edited it applied; each changed module must then serve what it should."""
    taken = steps_of(loaded, manifest)
    approved = steps.check(
        f"approve in the registry ({', '.join(step.name for step in taken)})",
        lambda: approve(world, loaded, taken),
    )
    steps.note(f"approved {', '.join(approved) or 'nothing'}")
    built = len(records.builds(scratch))
    steps.command("seedfarmer apply after the approval", apply, ROOT)
    redeployed = len(records.builds(scratch)) > built
    steps.note(
        "Seed-Farmer redeployed the followers of the group"
        if redeployed
        else "Seed-Farmer redeployed nothing: no module's files, manifest entry or deployspec changed, and an "
        "approval changes none of them; a follower serves the new version once it is redeployed (in AWS, its "
        "approval rule announces the version on the module's topic, and the pipeline that hears it taints the "
        "module and applies, as the next steps do)"
    )
    following = followers(modules, metadata, approved)
    for module in following:
        selector = ["-d", deployment, "-g", module.group, "-m", module.name]
        steps.command(
            f"seedfarmer taint module ({module.group}/{module.name})", [*SEEDFARMER, "taint", "module", *selector], ROOT
        )
    edited, serves = edited_manifest(loaded, taken, scratch)
    final = [*apply[:4], str(edited.relative_to(ROOT))] if edited else apply
    built = len(records.builds(scratch))
    steps.command(
        "seedfarmer apply after the promotion" + (f" ({edited.relative_to(ROOT)})" if edited else ""), final, ROOT
    )
    steps.check("the followers and the promoted modules were redeployed", lambda: records.new_builds(scratch, built))
    changed = [*following, *(m for m in modules if m.bundle in serves and m not in following)]
    after = steps.check("seedfarmer list moduledata", lambda: records.moduledata(steps, deployment, changed))
    expected = {module.bundle: approved[-1] for module in following} | serves
    lines = []
    for module in changed:
        target = loaded.deployment.get_module(module.group, module.name)
        account, region = str(target.get_target_account_id()), str(target.target_region)
        check = functools.partial(
            serving, world, module, account, region, after[module.bundle], expected[module.bundle]
        )
        lines += steps.check(f"{module.group}/{module.name} serves {expected[module.bundle]}", check)
    for line in lines:
        steps.note(line)
    return {
        "steps": [step.name for step in taken],
        "approved": approved,
        "apply_redeployed": redeployed,
        "followers": [module.bundle for module in following],
        "promoted": serves,
        "before": {module.bundle: metadata[module.bundle] for module in changed},
        "after": after,
        "lines": lines,
    }


def pinned(world: World, loaded: Loaded, modules: list[Module], metadata: dict[str, dict[str, Any]]) -> list[str]:
    """Each module pinned to a package (model-package-arn) serves it, from its own account's model."""
    lines = []
    for module in modules:
        pinned = next((p.get("value") for p in module.parameters if p["name"] == "model-package-arn"), None)
        if pinned is None:
            continue
        target = loaded.deployment.get_module(module.group, module.name)
        expected = str(next(p.value for p in target.parameters if p.name == "model-package-arn"))
        account, region = str(target.get_target_account_id()), str(target.target_region)
        lines += serving(world, module, account, region, metadata[module.bundle], expected)
    return lines
