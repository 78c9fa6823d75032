"""A whole deployment manifest, group by group, as `seedfarmer apply` runs it, in an emulated account."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rehearsal import preconditions
from rehearsal.deploy import ModuleFailed, ModuleResult, bootstrap, rehearse_module
from rehearsal.diagram import of_rehearsal
from rehearsal.emulator import Emulator, emulated_account
from rehearsal.environment import Published, WiringError, module_environment
from rehearsal.git_paths import module_folder
from rehearsal.loading import Loaded, RehearsalFailed, after_steps, check, load
from rehearsal.manifests import ManifestError
from rehearsal.output import failed_folder, staged
from rehearsal.result import Rehearsal, as_json
from rehearsal.seed import Seed, Seeded, seed_account
from rehearsal.stable_ids import stable_ids
from rehearsal.state import account_steps, load_state, module_inputs, plan_updates, save_state, state_of
from rehearsal.summary import region_of
from rehearsal.synth_cache import cache_folder


class _Refused(Exception):
    """The update plan holds changes AWS would refuse: the output goes to `<deployment>.failed/`."""


def rehearse(
    manifest: Path,
    seed_file: Path | None,
    output: Path,
    progress: Callable[[str], None] = lambda _: None,
    step: str | None = None,
    reset: bool = False,
) -> Rehearsal:
    """Rehearse `manifest`: preflight, then every module synthesized and created, in order, metadata handed on.

    The emulated account starts as the seed with the steps of the last complete rehearsal of the deployment
    applied (none with `reset`), then `step`. A rehearsal whose update plan holds a change AWS would refuse
    returns with `refused` set and leaves the last complete rehearsal's output as it was (see rehearsal.output).
    """
    started = time.monotonic()
    loaded = load(manifest, seed_file)
    for note in check(loaded, progress):
        progress(f"preflight note: {note}")
    final = output.resolve() / loaded.deployment.name
    previous = load_state(final)
    steps = account_steps(previous, step, reset)
    loaded = after_steps(loaded, steps)
    result = Rehearsal(
        str(manifest), loaded.deployment.name, loaded.account, loaded.regions, output=str(final), step=step, steps=steps
    )
    try:
        _rehearse_into(final, loaded, result, previous, output, progress)
    except _Refused:
        result.output = str(failed_folder(final))
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _rehearse_into(
    final: Path,
    loaded: Loaded,
    result: Rehearsal,
    previous: dict[str, Any] | None,
    output: Path,
    progress: Callable[[str], None],
) -> None:
    deployment, root, account, regions, seeds = (
        loaded.deployment,
        loaded.root,
        loaded.account,
        loaded.regions,
        loaded.seeds,
    )
    with staged(final) as folder, emulated_account(account, regions[0]) as emulator, stable_ids():
        progress(f"emulated account {account} at {emulator.url}; bootstrapping {', '.join(regions)}")
        for region in regions:
            bootstrap(emulator, account, region)
        seeded = Seeded()
        for region in regions:
            seeded.lines.extend(seed_account(emulator, seeds[region], region).lines)
        result.seeded = seeded.lines
        published = Published()
        for group in deployment.groups:
            results = _rehearse_group(
                emulator, deployment, group, root, folder, published, progress, cache_folder(output), seeds
            )
            result.groups.append(results)
            for module in results:
                published.metadata[(module.group, module.module)] = module.metadata
        result.consumers = {f"{group}/{module}": uses for (group, module), uses in published.consumers.items()}
        modules = [module for group_results in result.groups for module in group_results]
        if previous is not None:
            result.updates = plan_updates(previous, modules)
        save_state(folder, state_of(modules, _physical_ids(emulator, modules), result.steps))
        (folder / "plan.json").write_text(json.dumps(as_json(result), indent=2) + "\n")
        (folder / "diagram.mmd").write_text(of_rehearsal(deployment, result.groups))
        if result.refused:
            raise _Refused(f"the update plan has {len(result.refused)} change(s) AWS would refuse")


def _rehearse_group(
    emulator: Emulator,
    deployment: Any,
    group: Any,
    root: Path,
    folder: Path,
    published: Published,
    progress: Callable[[str], None],
    cache: Path,
    seeds: dict[str, Seed],
) -> list[ModuleResult]:
    """Every module of one group, concurrently as Seed-Farmer runs them; stop after the group on failure."""
    results = []
    for module in group.modules:
        try:
            environment = module_environment(deployment, group.name, module, root, published, _secrets(emulator))
        except (ManifestError, WiringError) as error:
            raise RehearsalFailed(str(error)) from None
        # The CDK CLI sets these from the deployment role's account and the target region.
        environment["CDK_DEFAULT_ACCOUNT"] = str(module.get_target_account_id())
        environment["CDK_DEFAULT_REGION"] = str(module.target_region)
        result = ModuleResult(group.name, module.name, module.path, environment)
        result.folder = str(module_folder(root, module))
        entry = [parameter.model_dump(mode="json", by_alias=True) for parameter in module.parameters]
        result.inputs = module_inputs(Path(result.folder), environment, [module.path, entry])
        results.append(result)
    problems = [
        problem
        for result in results
        for problem in preconditions.before_synthesis(
            emulator, region_of(result), f"group '{result.group}', module '{result.module}'", result.environment
        )
    ]
    if problems:
        raise RehearsalFailed("the account is not ready for this manifest:\n" + "\n".join(problems))

    def run(result: ModuleResult) -> ModuleResult:
        module_folder = folder / f"{result.group}-{result.module}"
        module_folder.mkdir(parents=True, exist_ok=True)
        (module_folder / "environment.json").write_text(json.dumps(result.environment, indent=2, sort_keys=True))
        region = str(deployment.get_module(result.group, result.module).target_region)
        try:
            rehearse_module(
                emulator,
                result,
                Path(result.folder),
                module_folder / "cdk.out",
                emulator.account,
                region,
                lambda step: progress(f"[{result.group}/{result.module}] {step}"),
                lambda template: preconditions.after_synthesis(
                    emulator, region, f"group '{result.group}', module '{result.module}'", template
                ),
                cache,
                seeds[region].model_dump_json(),
            )
        finally:
            _write_module(module_folder, result)
        progress(f"[{result.group}/{result.module}] done: {len(result.metadata)} metadata keys published")
        return result

    failures = []
    with ThreadPoolExecutor(max_workers=max(1, len(results))) as pool:
        futures = [pool.submit(run, result) for result in results]
        for future in futures:
            try:
                future.result()
            except ModuleFailed as error:
                failures.append(str(error))
    if failures:
        raise RehearsalFailed("\n".join(failures))
    return results


def _physical_ids(emulator: Emulator, modules: list[ModuleResult]) -> dict[str, dict[str, str]]:
    """Per stack, the physical id the emulated account gave each resource (stable, see rehearsal.stable_ids)."""
    ids = {}
    for module in modules:
        cloudformation = emulator.client("cloudformation", module.environment.get("CDK_DEFAULT_REGION"))
        for stack in module.stacks:
            described = cloudformation.describe_stack_resources(StackName=stack.name)["StackResources"]
            # moto leaves out the logical id of some kinds (custom resources): those have no id to keep.
            ids[stack.name] = {
                str(item["LogicalResourceId"]): str(item.get("PhysicalResourceId", ""))
                for item in described
                if "LogicalResourceId" in item
            }
    return ids


def _write_module(folder: Path, result: ModuleResult) -> None:
    for stack in result.stacks:
        (folder / f"{stack.name}.template.json").write_text(json.dumps(stack.template, indent=1))
    (folder / "metadata.json").write_text(json.dumps(result.metadata, indent=2) + "\n")
    findings = {"cfn_lint": result.lint, "cdk_nag_acknowledged": result.acknowledged}
    (folder / "findings.json").write_text(json.dumps(findings, indent=2) + "\n")


def _secrets(emulator: Emulator) -> Callable[[str, str], str]:
    """Read `parameterStore` / `secretsManager` values from the emulated account, as CodeBuild would."""

    def read(kind: str, name: str) -> str:
        if str(kind).endswith("PARAMETER_STORE"):
            return str(emulator.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
        secret_id, _, json_key = name.partition(":")
        value = str(emulator.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
        return str(json.loads(value)[json_key.split(":")[0]]) if json_key else value

    return read
