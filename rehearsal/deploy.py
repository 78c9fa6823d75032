"""One module, as `seedfarmer apply` deploys it: synthesize, publish assets, create the stack, read outputs."""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_platform import fast_node
from rehearsal.emulator import Emulator, ResourceOutcome, adapt_for_emulator
from rehearsal.synth_cache import linted, synthesis_key, synthesized

STACK_WAIT_SECONDS = 120


class ModuleFailed(Exception):
    """A module could not be rehearsed; the message names the module and says why."""


@dataclass
class StackResult:
    name: str
    status: str
    template: dict[str, Any]
    outputs: dict[str, str]
    resources: list[ResourceOutcome]
    custom_resources_answered: list[str] = field(default_factory=list)
    adaptations: list[str] = field(default_factory=list)


@dataclass
class ModuleResult:
    group: str
    module: str
    path: str
    environment: dict[str, str]
    folder: str = ""  # where the module's code is on this machine (a clone, for a git:: path)
    alias: str = ""  # its targetAccount: the alias of targetAccountMappings it deploys to
    inputs: str = ""  # a digest of what Seed-Farmer compares before redeploying it (rehearsal.state)
    stacks: list[StackResult] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    lint: list[str] = field(default_factory=list)
    acknowledged: list[dict[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def rehearse_module(
    emulator: Emulator,
    result: ModuleResult,
    folder: Path,
    outdir: Path,
    account: str,
    region: str,
    progress: Callable[[str], None],
    account_problems: Callable[[dict[str, Any]], list[str]] = lambda _: [],
    cache: Path | None = None,
    account_state: str = "",
) -> None:
    """Synthesize the module and create its stacks in the emulated account, filling in `result`.

    `account_problems(template)` names what the account lacks for a stack; any stops before it is created.
    With a `cache` folder, a synthesis whose inputs (module files, environment, `account_state`) are
    unchanged, and cfn-lint of an unchanged template, are reused (see rehearsal.synth_cache).
    """
    started = time.monotonic()
    key = synthesis_key(folder, result.environment, f"{account}/{region}/{account_state}")
    assembly, reused = synthesized(
        cache, key, outdir, lambda: synthesize(result, folder, outdir, emulator, account, region)
    )
    progress("synthesized (inputs unchanged: the last synthesis reused)" if reused else "synthesized (python app.py)")
    assembly = [(name, template_file, assets) for name, template_file, assets in assembly]
    result.seconds["synth"] = round(time.monotonic() - started, 2)
    result.acknowledged = acknowledged_findings(outdir)
    for stack_name, template_file, assets_file in assembly:
        template_text = (outdir / template_file).read_text()
        template = json.loads(template_text)
        template_path = outdir / template_file
        result.lint.extend(linted(cache, template_text, region, functools.partial(lint, template_path, region)))
        problems = account_problems(template)
        if problems:
            raise ModuleFailed("the account is not ready for this manifest:\n" + "\n".join(problems))
        # One module creates its stack at a time (the modules of a group synthesize side by side): the emulator's
        # ids come from one random source, seeded per resource (rehearsal.stable_ids), which another stack's
        # calls would otherwise draw from in between, giving the same inputs other ids from run to run.
        with _CREATING:
            if assets_file:
                publish_assets(emulator, outdir, outdir / assets_file, region)
            progress(f"creating stack {stack_name}")
            started = time.monotonic()
            stack = create_stack(emulator, stack_name, template, region, result)
            result.seconds["deploy"] = round(time.monotonic() - started, 2)
        result.stacks.append(stack)
        if "metadata" in stack.outputs:
            result.metadata.update(metadata_of(stack, result))


def synthesize(
    result: ModuleResult, folder: Path, outdir: Path, emulator: Emulator, account: str, region: str
) -> list[tuple[str, str, str | None]]:
    """Run `python app.py` as Seed-Farmer's deployspec would; the stacks of the cloud assembly, in order."""
    env = {
        **Emulator.clean(dict(os.environ)),
        # V8 flags that halve the synthesis's CPU, nothing else (mlops_platform/fast_node.py).
        **fast_node.environment(),
        **result.environment,
        **emulator.environment(region),
        "CDK_DEFAULT_ACCOUNT": account,
        "CDK_DEFAULT_REGION": region,
        "CDK_OUTDIR": str(outdir),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    env.pop("CDK_VALIDATION", None)  # the rehearsal keeps CDK's own template validation on
    process = subprocess.run(
        [sys.executable, "app.py"], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    if process.returncode != 0:
        raise ModuleFailed(f"module '{result.group}/{result.module}' failed to synthesize:\n{_tail(process.stderr)}")
    manifest = json.loads((outdir / "manifest.json").read_text())
    artifacts = manifest.get("artifacts", {})
    stacks = []
    for name, artifact in artifacts.items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        assets = next(
            (
                artifacts[dependency]["properties"]["file"]
                for dependency in artifact.get("dependencies", [])
                if artifacts.get(dependency, {}).get("type") == "cdk:asset-manifest"
            ),
            None,
        )
        stacks.append((artifact.get("displayName", name), artifact["properties"]["templateFile"], assets))
    if not stacks:
        raise ModuleFailed(f"module '{result.group}/{result.module}' synthesized no stack")
    return stacks


def acknowledged_findings(outdir: Path) -> list[dict[str, str]]:
    """The rule-pack findings the module acknowledged, with their reasons (violations stop synthesis)."""
    report_file = outdir / "validation-report.json"
    if not report_file.is_file():
        return []
    report = json.loads(report_file.read_text())
    return [
        {
            "pack": plugin["pluginName"],
            "rule": finding["ruleName"],
            "resource": construct["constructPath"],
            "reason": finding.get("reason", ""),
        }
        for plugin in report.get("pluginReports", [])
        for finding in plugin.get("suppressedViolations", [])
        for construct in finding.get("violatingConstructs", [])
    ]


def lint(template: Path, region: str) -> list[str]:
    """cfn-lint's findings on a template, one line each."""
    return [
        f"{match.rule.id} {match.message} ({'/'.join(map(str, match.path))})"
        for match in cfn_lint(template.read_text(), region)
    ]


_LINTING = threading.Lock()
_CREATING = threading.Lock()


def cfn_lint(template_text: str, region: str, ignore_checks: tuple[str, ...] = ()) -> list[Any]:
    """cfn-lint's matches on a template, as `cfnlint.api.lint` gives them, from one runner per region and
    ignore list: a runner loads its few hundred rules once (about 0.6 s of the 1.5 s that `lint` takes for
    each template when it loads them anew). The modules of a group lint side by side; one runs at a time."""
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(template_text)
    if errors or template is None:
        return list(errors or [])
    with _LINTING:
        return list(_cfn_lint_runner(region, ignore_checks).validate_template(template))


@functools.cache
def _cfn_lint_runner(region: str, ignore_checks: tuple[str, ...]) -> Any:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=[region], ignore_checks=list(ignore_checks)))


def publish_assets(emulator: Emulator, outdir: Path, assets_file: Path, region: str) -> None:
    """Upload the file assets (Lambda code and the like) to the bootstrap bucket, as `cdk deploy` does."""
    manifest = json.loads(assets_file.read_text())
    s3 = emulator.client("s3", region)
    for asset in manifest.get("files", {}).values():
        source = outdir / asset["source"]["path"]
        body = _zip(source) if asset["source"].get("packaging") == "zip" or source.is_dir() else source.read_bytes()
        for destination in asset["destinations"].values():
            s3.put_object(Bucket=destination["bucketName"], Key=destination["objectKey"], Body=body)


def create_stack(
    emulator: Emulator, name: str, template: dict[str, Any], region: str, result: ModuleResult
) -> StackResult:
    """Create the stack, answer its custom resources, wait for the end, and read what it made."""
    cloudformation = emulator.client("cloudformation", region)
    emulated, adaptations = adapt_for_emulator(template)
    try:
        stack_id = cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(emulated),
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )["StackId"]
    except Exception as error:
        raise ModuleFailed(_creation_failure(emulator, name, result, error)) from None
    answered = answer_custom_resources(emulator, stack_id, template, region)
    status = _wait(cloudformation, stack_id)
    if status != "CREATE_COMPLETE":
        raise ModuleFailed(_creation_failure(emulator, name, result, RuntimeError(status), stack_id))
    described = cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
    outputs = {output["OutputKey"]: output.get("OutputValue", "") for output in described.get("Outputs", [])}
    return StackResult(name, status, template, outputs, emulator.log.of(stack_id), answered, adaptations)


def answer_custom_resources(emulator: Emulator, stack_id: str, template: dict[str, Any], region: str) -> list[str]:
    """Answer each custom resource SUCCESS: its handler (a Lambda function) cannot run in the emulator."""
    import urllib.request

    custom = [
        logical_id
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"].startswith("Custom::") or resource["Type"] == "AWS::CloudFormation::CustomResource"
    ]
    for logical_id in custom:
        body = json.dumps(
            {"Status": "SUCCESS", "StackId": stack_id, "LogicalResourceId": logical_id, "Data": {}}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
            f"{emulator.url}/cloudformation_{region}/cfnresponse?stack={stack_id}",
            data=body,
            method="PUT",
            # The emulator finds the stack in the region its User-Agent names (us-east-1 when it names none):
            # without it, a stack outside us-east-1 is not found and the answer fails with a server error. An
            # answer carries no credentials: moto finds the stack in the account the last header names.
            headers={
                "Content-Type": "application/json",
                "User-Agent": f"rehearsal region/{region}",
                "x-moto-account-id": emulator.account,
            },
        )
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            pass
    return custom


def metadata_of(stack: StackResult, result: ModuleResult) -> dict[str, Any]:
    """The `metadata` output as module metadata, as `seedfarmer metadata convert` reads it."""
    text = stack.outputs["metadata"]
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError:
        raise ModuleFailed(
            f"module '{result.group}/{result.module}': its 'metadata' output is not JSON: {text[:200]}"
        ) from None
    if not isinstance(metadata, dict):
        raise ModuleFailed(f"module '{result.group}/{result.module}': its 'metadata' output is not a JSON object")
    return metadata


def _wait(cloudformation: Any, stack_id: str) -> str:
    deadline = time.monotonic() + STACK_WAIT_SECONDS
    while True:
        status = str(cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"])
        if not status.endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def _creation_failure(
    emulator: Emulator, name: str, result: ModuleResult, error: Exception, stack_id: str | None = None
) -> str:
    failed = [
        outcome
        for stack in ([stack_id] if stack_id else list(emulator.log.outcomes))
        for outcome in emulator.log.of(stack)
        if outcome.status == "failed" and (stack_id or name in stack)
    ]
    where = f"module '{result.group}/{result.module}': stack {name} failed to create"
    if failed:
        return where + "".join(f"\n  {item.logical_id} ({item.resource_type}): {item.reason}" for item in failed)
    return f"{where}: {error}"


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.getvalue()


def _tail(text: str, lines: int = 25) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(f"  {line}" for line in kept[-lines:])
