"""One group of a deployment, as `seedfarmer apply` runs it: each module's environment, the account checks
before it deploys, then its modules side by side, each in its own target account and region."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rehearsal import across_accounts, preconditions
from rehearsal.bootstrap import store_metadata
from rehearsal.deploy import ModuleFailed, ModuleResult, rehearse_module
from rehearsal.emulator import Emulator, EmulatorServer
from rehearsal.environment import Published, WiringError, module_environment
from rehearsal.git_paths import module_folder
from rehearsal.loading import Loaded, RehearsalFailed
from rehearsal.manifests import ManifestError
from rehearsal.seeding import register_packages
from rehearsal.state import module_inputs


@dataclass
class Run:
    """What every group of one rehearsal shares: the emulated accounts, the loaded manifest and seeds, where
    the output goes, the metadata published so far, and what the seed registered along the way."""

    server: EmulatorServer
    loaded: Loaded
    folder: Path
    cache: Path
    progress: Callable[[str], None]
    published: Published = field(default_factory=Published)
    seeded: list[str] = field(default_factory=list)
    across_accounts: list[str] = field(default_factory=list)  # every cross-account call checked, allowed

    def account(self, module: ModuleResult) -> Emulator:
        """The module's target account, in its region."""
        return self.server.account(module.environment["CDK_DEFAULT_ACCOUNT"], module.environment["CDK_DEFAULT_REGION"])

    def account_state(self, module: ModuleResult) -> str:
        """What the accounts hold that the module's synth-time lookups may read: its own account's seed, and the
        seed of each other account its variables name (an ARN of a registry's group, say)."""
        variables = json.dumps(module.environment)
        return json.dumps(
            {
                f"{account}/{region}": seed.model_dump(mode="json")
                for (account, region), seed in self.loaded.seeds.items()
                if account == module.environment["CDK_DEFAULT_ACCOUNT"] or f":{account}:" in variables
            }
        )


def rehearse_group(run: Run, group: Any) -> list[ModuleResult]:
    """Every module of one group, concurrently as Seed-Farmer runs them; stop after the group on failure.
    Each module's metadata is then stored where Seed-Farmer keeps it, and handed on."""
    results = [_prepared(run, group.name, module) for module in group.modules]
    problems = [problem for result in results for problem in _before_synthesis(run, result)]
    if problems:
        raise RehearsalFailed("the account is not ready for this manifest:\n" + "\n".join(problems))
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, len(results))) as pool:
        futures = [pool.submit(_run_module, run, result) for result in results]
        for future in futures:
            try:
                future.result()
            except ModuleFailed as error:
                failures.append(str(error))
    if failures:
        raise RehearsalFailed("\n".join(failures))
    for result in results:
        _publish(run, result)
    return results


def _prepared(run: Run, group: str, module: Any) -> ModuleResult:
    deployment, root = run.loaded.deployment, run.loaded.root
    account = str(module.get_target_account_id())
    region = str(module.target_region)
    try:
        secrets = _secrets(run.server.account(account, region))
        environment = module_environment(deployment, group, module, root, run.published, secrets)
    except (ManifestError, WiringError) as error:
        raise RehearsalFailed(str(error)) from None
    # The CDK CLI sets these from the deployment role's account and the target region.
    environment["CDK_DEFAULT_ACCOUNT"] = account
    environment["CDK_DEFAULT_REGION"] = region
    result = ModuleResult(group, module.name, module.path, environment)
    result.folder = str(module_folder(root, module))
    result.alias = str(module.target_account)
    entry = [parameter.model_dump(mode="json", by_alias=True) for parameter in module.parameters]
    result.inputs = module_inputs(Path(result.folder), environment, [module.path, entry])
    return result


def _before_synthesis(run: Run, result: ModuleResult) -> list[str]:
    where = f"group '{result.group}', module '{result.module}'"
    emulator = run.account(result)
    region = result.environment["CDK_DEFAULT_REGION"]
    checked = across_accounts.before_deploy(run.server, run.loaded.accounts, where, result.environment)
    run.across_accounts += checked.allowed
    return [
        *preconditions.before_synthesis(emulator, region, where, result.environment, Path(result.folder)),
        *checked.problems,
    ]


def _run_module(run: Run, result: ModuleResult) -> ModuleResult:
    module_folder = run.folder / f"{result.group}-{result.module}"
    module_folder.mkdir(parents=True, exist_ok=True)
    (module_folder / "environment.json").write_text(json.dumps(result.environment, indent=2, sort_keys=True))
    emulator = run.account(result)
    region = result.environment["CDK_DEFAULT_REGION"]
    where = f"group '{result.group}', module '{result.module}'"
    try:
        rehearse_module(
            emulator,
            result,
            Path(result.folder),
            module_folder / "cdk.out",
            emulator.account,
            region,
            lambda step: run.progress(f"[{result.group}/{result.module}] {step}"),
            lambda template: preconditions.after_synthesis(emulator, region, where, template),
            run.cache,
            run.account_state(result),
        )
    finally:
        _write_module(module_folder, result)
    run.progress(f"[{result.group}/{result.module}] done: {len(result.metadata)} metadata keys published")
    return result


def _publish(run: Run, result: ModuleResult) -> None:
    """The module's metadata stored in its account's SSM and handed on; the packages the seed registers once
    the module created their group."""
    emulator, region = run.account(result), result.environment["CDK_DEFAULT_REGION"]
    deployment = run.loaded.deployment.name
    store_metadata(emulator, region, deployment, result.group, result.module, result.metadata)
    run.published.metadata[(result.group, result.module)] = result.metadata
    seed = run.loaded.seeds.get((emulator.account, region))
    if seed is not None:
        module = f"{result.group}/{result.module}"
        lines = register_packages(emulator, region, seed, module, result.metadata)
        run.seeded += [run.loaded.accounts.prefixed(emulator.account, line) for line in lines]


def _write_module(folder: Path, result: ModuleResult) -> None:
    for stack in result.stacks:
        (folder / f"{stack.name}.template.json").write_text(json.dumps(stack.template, indent=1))
    (folder / "metadata.json").write_text(json.dumps(result.metadata, indent=2) + "\n")
    findings = {"cfn_lint": result.lint, "cdk_nag_acknowledged": result.acknowledged}
    (folder / "findings.json").write_text(json.dumps(findings, indent=2) + "\n")


def _secrets(emulator: Emulator) -> Callable[[str, str], str]:
    """Read `parameterStore` / `secretsManager` values from the module's account, as CodeBuild would."""

    def read(kind: str, name: str) -> str:
        if str(kind).endswith("PARAMETER_STORE"):
            return str(emulator.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
        secret_id, _, json_key = name.partition(":")
        value = str(emulator.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
        return str(json.loads(value)[json_key.split(":")[0]]) if json_key else value

    return read
