"""Preflight: every module of every group checked against its own parameter validation, before anything runs.

Metadata that earlier modules will publish is not known yet; each reference stands in as a placeholder
of the right shape (a `vpc-...` id for a VpcId, a list of `subnet-...` ids for SubnetIds, and so on), so
a module's validation sees values it would accept from a real producer. Every problem of the whole
manifest is reported at once, one line each, naming group, module and parameter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rehearsal.emulator import Emulator
from rehearsal.environment import Published, WiringError, module_environment
from rehearsal.git_paths import module_folder
from rehearsal.manifests import ManifestError

VALIDATOR = Path(__file__).with_name("validate_module.py")
PREFLIGHT_SECONDS = 60
# Nothing in a module's validation may reach AWS: any SDK call fails at once on this closed port.
_NOWHERE = "http://127.0.0.1:9"


def placeholder(key: str, region: str) -> Any:
    """A stand-in for metadata key `key` that has the shape a real value would have."""
    lowered = key.lower()
    shapes: list[tuple[str, Any]] = [
        ("subnetids", [f"subnet-0{index}23456789abcdef0" for index in range(2)]),
        ("securitygroupids", ["sg-0123456789abcdef0"]),
        ("availabilityzones", [f"{region}a", f"{region}b"]),
        ("vpcid", "vpc-0123456789abcdef0"),
        ("subnetid", "subnet-0123456789abcdef0"),
        ("securitygroupid", "sg-0123456789abcdef0"),
        ("cidr", "10.0.0.0/16"),
        ("kmskeyid", "0123abcd-0123-4567-89ab-0123456789ab"),
        ("topicarn", f"arn:aws:sns:{region}:123456789012:placeholder"),
        ("rolearn", "arn:aws:iam::123456789012:role/placeholder"),
        ("bucketarn", "arn:aws:s3:::placeholder-bucket"),
        ("bucketname", "placeholder-bucket"),
        ("domainid", "d-0123456789ab"),
        ("domainarn", f"arn:aws:sagemaker:{region}:123456789012:domain/d-0123456789ab"),
        ("url", "https://placeholder.example.com"),
    ]
    return next((shape for suffix, shape in shapes if lowered.endswith(suffix)), f"placeholder-{key}")


def preflight(
    deployment: Any,
    root: Path,
    secrets: Callable[[str, str], str],
    progress: Callable[[str], None] = lambda _: None,
) -> list[str]:
    """Every problem of every module of `deployment`, one line each; empty when all would be accepted."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for group in deployment.groups:
        for module in group.modules:
            for parameter in module.parameters:
                reference = parameter.value_from.module_metadata if parameter.value_from else None
                if reference is not None:
                    wanted.setdefault((reference.group, reference.name), set()).add(reference.key or "Metadata")
    problems: list[str] = []
    checks: list[tuple[str, Path, dict[str, str]]] = []
    published = Published()
    for group in deployment.groups:
        for module in group.modules:
            where = f"group '{group.name}', module '{module.name}'"
            try:
                environment = module_environment(deployment, group.name, module, root, published, secrets)
            except (ManifestError, WiringError) as error:
                problems.append(str(error))
                continue
            environment["CDK_DEFAULT_ACCOUNT"] = str(module.get_target_account_id())
            environment["CDK_DEFAULT_REGION"] = str(module.target_region)
            checks.append((where, module_folder(root, module), environment))
        # Later groups see this group's metadata as placeholders: a reference to a later group stays an error.
        for module in group.modules:
            keys = wanted.get((group.name, module.name), set())
            published.metadata[(group.name, module.name)] = {
                key: placeholder(key, str(module.target_region)) for key in keys
            }
    progress(f"preflight: checking {len(checks)} module(s) against their own parameter validation")
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(checks)))) as pool:
        for lines in pool.map(lambda check: _validate(*check), checks):
            problems.extend(lines)
    return problems


def _validate(where: str, folder: Path, environment: dict[str, str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="preflight-") as scratch:
        # A module that never reaches the CDK would write its assembly: never into its own folder.
        return _run_validation(where, folder, {**environment, "CDK_OUTDIR": scratch})


def _run_validation(where: str, folder: Path, environment: dict[str, str]) -> list[str]:
    env = {
        **Emulator.clean(dict(os.environ)),
        **environment,
        "AWS_ENDPOINT_URL": _NOWHERE,
        "AWS_ACCESS_KEY_ID": "preflight",
        "AWS_SECRET_ACCESS_KEY": "preflight",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "SEEDFARMER_VALIDATE_ONLY": "true",
    }
    try:
        process = subprocess.run(
            [sys.executable, str(VALIDATOR)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=PREFLIGHT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return [f"{where}: its parameter validation did not finish in {PREFLIGHT_SECONDS}s"]
    if process.returncode == 0:
        return []
    lines = [line.strip() for line in process.stderr.strip().splitlines() if line.strip()]
    if process.returncode == 3:
        return [f"{where}: preflight cannot check it: {lines[-1] if lines else 'validation not reached'}"]
    if any(line.startswith(("Traceback", "File ")) for line in lines):
        return [f"{where}: its validation crashed: {lines[-1] if lines else process.returncode}"]
    return [f"{where}: {_without_module_prefix(line)}" for line in lines] or [f"{where}: rejected its parameters"]


def _without_module_prefix(line: str) -> str:
    """`sagemaker-endpoint: parameter 'x': ...` -> `parameter 'x': ...` (the group and module say which)."""
    head, separator, rest = line.partition(": ")
    return rest if separator and " " not in head and rest else line
