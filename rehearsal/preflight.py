"""Preflight: every module of every group checked against its own parameter validation, before anything runs.

Metadata that earlier modules will publish is not known yet; each reference stands in as a placeholder
of the right shape (a `vpc-...` id for a VpcId, a list of `subnet-...` ids for SubnetIds, and so on), so
a module's validation sees values it would accept from a real producer. A reference to a key the producer
does not publish (rehearsal.published_keys), or to a module that is not deployed before it, is a problem
of its own, and the module is still checked with a placeholder in its place. Every problem of the whole
manifest is reported at once, one line each, with the manifest file and line of the entry, naming group,
module and parameter; a module's notes are reported beside them, never counted as problems.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mlops_platform.contract import decode_list
from rehearsal.emulator import Emulator
from rehearsal.environment import Published, WiringError, module_environment
from rehearsal.git_paths import module_folder
from rehearsal.locations import Entry, entries
from rehearsal.manifests import ManifestError
from rehearsal.published_keys import published_keys

VALIDATOR = Path(__file__).with_name("validate_module.py")
PARAMETER = "SEEDFARMER_PARAMETER_"
PREFLIGHT_SECONDS = 60
# Nothing in a module's validation may reach AWS: any SDK call fails at once on this closed port.
_NOWHERE = "http://127.0.0.1:9"
# How a module marks a line of its stderr that is worth knowing but refuses nothing.
_NOTE = re.compile(r"^(?:[\w.-]+: )?note: ")


@dataclass(frozen=True)
class Finding:
    """One line of the preflight: a problem (the manifest is refused) or a note, where it is written."""

    group: str
    module: str
    message: str
    file: str = ""
    line: int = 0
    note: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        return f"{where}group '{self.group}', module '{self.module}': {self.message}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def placeholder(key: str, region: str, account: str = "123456789012") -> Any:
    """A stand-in for metadata key `key` of a module of `account` that has the shape a real value would have (an
    ARN names the producer's account: a consumer of another account sees an ARN of another account)."""
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
        ("kmskeyarn", f"arn:aws:kms:{region}:{account}:key/0123abcd-0123-4567-89ab-0123456789ab"),
        ("contenttypes", ["application/json"]),
        ("s3uri", "s3://placeholder-bucket/placeholder"),
        ("topicarn", f"arn:aws:sns:{region}:{account}:placeholder"),
        ("rolearn", f"arn:aws:iam::{account}:role/placeholder"),
        ("bucketarn", "arn:aws:s3:::placeholder-bucket"),
        ("bucketname", "placeholder-bucket"),
        ("domainid", "d-0123456789ab"),
        ("domainarn", f"arn:aws:sagemaker:{region}:{account}:domain/d-0123456789ab"),
        ("modelpackagegrouparn", f"arn:aws:sagemaker:{region}:{account}:model-package-group/placeholder"),
        ("modelpackagearn", f"arn:aws:sagemaker:{region}:{account}:model-package/placeholder/1"),
        ("accountid", account),
        ("url", "https://placeholder.example.com"),
    ]
    return next((shape for suffix, shape in shapes if lowered.endswith(suffix)), f"placeholder-{key}")


def echoed(key: str, parameters: dict[str, str]) -> Any | None:
    """Metadata the endpoint module publishes from its own parameters, as those parameters will give it (None
    when `key` is not such a key): a consumer's checks then see the capture the endpoint will have, not a shape.
    `parameters` are the producer's, by kebab-case name, as Seed-Farmer passes them (JSON-encoded)."""
    if key == "DataCaptureSamplingPercentage":
        given = parameters.get("data-capture-sampling-percentage", parameters.get("data-capture-samping-percentage"))
        return int(json.loads(given)) if given is not None else 0  # the endpoint's default: capture off
    if key == "DataCaptureS3Uri" and parameters.get("model-artifacts-bucket-arn"):
        bucket = parameters["model-artifacts-bucket-arn"].split(":::", 1)[1]
        return f"s3://{bucket}/{parameters.get('data-capture-prefix') or 'data-capture/placeholder'}".rstrip("/")
    kinds = {"DataCaptureCsvContentTypes": ("csv", []), "DataCaptureJsonContentTypes": ("json", ["application/json"])}
    if key in kinds:
        # What the endpoint records as text: nothing with capture off, else the types given or its defaults.
        kind, default = kinds[key]
        given = parameters.get(f"data-capture-{kind}-content-types")
        if not echoed("DataCaptureSamplingPercentage", parameters):
            return []
        return default if given is None else decode_list(given)
    return None


def preflight(
    deployment: Any,
    root: Path,
    secrets: Callable[[str, str], str],
    progress: Callable[[str], None] = lambda _: None,
    manifest: Path | None = None,
) -> list[Finding]:
    """Every problem and note of every module of `deployment`, in manifest order; no problem: all accepted."""
    written = entries(manifest, root) if manifest else {}
    findings: dict[tuple[str, str], list[Finding]] = {}
    checks: list[tuple[tuple[str, str], Path, dict[str, str]]] = []
    published = Published()
    given: dict[tuple[str, str], dict[str, str]] = {}
    for group in deployment.groups:
        for module in group.modules:
            key = (group.name, module.name)
            entry = written.get(key, Entry("", 0))
            found = findings.setdefault(key, [])
            found += _metadata_keys(deployment, group.name, module, root, entry)
            found += _across_accounts(deployment, group.name, module, entry)
            environment = _environment(deployment, group.name, module, root, published, secrets, entry, found)
            if environment is not None:
                checks.append((key, module_folder(root, module), environment))
                given[key] = {
                    variable.removeprefix(PARAMETER).lower().replace("_", "-"): value
                    for variable, value in environment.items()
                    if variable.startswith(PARAMETER)
                }
        # Later groups see this group's metadata as placeholders: a reference to a later group stays a problem.
        for module in group.modules:
            folder = module_folder(root, module)
            keys = (published_keys(folder) or set()) | _wanted(deployment, group.name, module.name)
            region, account = str(module.target_region), str(module.get_target_account_id())
            parameters = given.get((group.name, module.name), {})
            published.metadata[(group.name, module.name)] = {
                key: _first(echoed(key, parameters), placeholder(key, region, account)) for key in keys
            }
    progress(f"preflight: checking {len(checks)} module(s) against their own parameter validation")
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(checks)))) as pool:
        results = pool.map(lambda check: _validate(check[0], check[1], check[2], written), checks)
        for (key, _, _), lines in zip(checks, results, strict=True):
            findings[key] += lines
    return [finding for found in findings.values() for finding in sorted(found, key=lambda finding: finding.line)]


def _first(value: Any, otherwise: Any) -> Any:
    return otherwise if value is None else value


def _environment(
    deployment: Any,
    group: str,
    module: Any,
    root: Path,
    published: Published,
    secrets: Callable[[str, str], str],
    entry: Entry,
    found: list[Finding],
) -> dict[str, str] | None:
    """The module's environment, with a placeholder for each reference that cannot be resolved (a problem)."""

    def unresolved(parameter: str, reference: Any, message: str) -> Any:
        text = message.split(f"module '{module.name}', ", 1)[-1]
        found.append(Finding(group, module.name, text, entry.file, entry.line_of(text)))
        return placeholder(reference.key or "Metadata", str(module.target_region))

    try:
        environment = module_environment(deployment, group, module, root, published, secrets, unresolved)
    except (ManifestError, WiringError) as error:
        text = str(error).split(f"module '{module.name}': ", 1)[-1]
        found.append(Finding(group, module.name, text, entry.file, entry.line))
        return None
    environment["CDK_DEFAULT_ACCOUNT"] = str(module.get_target_account_id())
    environment["CDK_DEFAULT_REGION"] = str(module.target_region)
    return environment


def _metadata_keys(deployment: Any, group: str, module: Any, root: Path, entry: Entry) -> list[Finding]:
    """A `moduleMetadata` key the producer's README does not list among its outputs."""
    found = []
    for parameter in module.parameters:
        reference = parameter.value_from.module_metadata if parameter.value_from else None
        producer = _module(deployment, reference.group, reference.name) if reference and reference.key else None
        keys = published_keys(module_folder(root, producer)) if producer is not None else None
        if reference is None or keys is None or reference.key in keys:
            continue
        nearest = difflib.get_close_matches(str(reference.key), sorted(keys), n=1)
        hint = f"did you mean '{nearest[0]}'? " if nearest else ""
        text = (
            f"parameter '{parameter.name}': module '{reference.name}' of group '{reference.group}' publishes no "
            f"metadata key '{reference.key}'; {hint}its README's Outputs list: {', '.join(sorted(keys))}"
        )
        found.append(Finding(group, module.name, text, entry.file, entry.line_of(text)))
    return found


def _across_accounts(deployment: Any, group: str, module: Any, entry: Entry) -> list[Finding]:
    """A note for each `moduleMetadata` read from a module of another account. Seed-Farmer allows it: each
    module's metadata is kept in its own account and read through that account's deployment role (see
    rehearsal.accounts). What the value names lives in the producer's account, whose policies must grant this
    one: the rehearsal checks the group, bucket and key policies before the module deploys."""
    found = []
    account = str(module.get_target_account_id())
    for parameter in module.parameters:
        reference = parameter.value_from.module_metadata if parameter.value_from else None
        if reference is None:
            continue
        producer = _module(deployment, reference.group, reference.name)
        if producer is None or str(producer.get_target_account_id()) == account:
            continue
        text = (
            f"parameter '{parameter.name}' takes {reference.key or 'the metadata'} of module '{reference.name}' of "
            f"group '{reference.group}', which deploys to account {producer.target_account} "
            f"({producer.get_target_account_id()}), while this module deploys to {module.target_account} ({account}): "
            f"Seed-Farmer hands it over; a resource it names is {producer.target_account}'s, whose policies must "
            f"grant {account}"
        )
        found.append(Finding(group, module.name, text, entry.file, entry.line_of(text), note=True))
    return found


def _module(deployment: Any, group: str, name: str) -> Any:
    for candidate in deployment.groups:
        if candidate.name == group:
            return next((module for module in candidate.modules if module.name == name), None)
    return None


def _wanted(deployment: Any, group: str, name: str) -> set[str]:
    """The keys of module `group/name` that other modules reference (placeholders even where no README lists them)."""
    return {
        parameter.value_from.module_metadata.key or "Metadata"
        for candidate in deployment.groups
        for module in candidate.modules
        for parameter in module.parameters
        if parameter.value_from
        and parameter.value_from.module_metadata
        and (parameter.value_from.module_metadata.group, parameter.value_from.module_metadata.name) == (group, name)
    }


def _validate(
    key: tuple[str, str], folder: Path, environment: dict[str, str], written: dict[tuple[str, str], Entry]
) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="preflight-") as scratch:
        # A module that never reaches the CDK would write its assembly: never into its own folder.
        lines, notes = _run_validation(folder, {**environment, "CDK_OUTDIR": scratch})
    entry = written.get(key, Entry("", 0))
    return [
        *(Finding(*key, line, entry.file, entry.line_of(line)) for line in lines),
        *(Finding(*key, line, entry.file, entry.line_of(line), note=True) for line in notes),
    ]


def _run_validation(folder: Path, environment: dict[str, str]) -> tuple[list[str], list[str]]:
    """The module's problems and notes, each a line without the module's own name in front."""
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
        return [f"its parameter validation did not finish in {PREFLIGHT_SECONDS}s"], []
    lines = [line.strip() for line in process.stderr.strip().splitlines() if line.strip()]
    notes = [_NOTE.sub("", line) for line in lines if _NOTE.match(line)]
    lines = [line for line in lines if not _NOTE.match(line)]
    if process.returncode == 0:
        return [], notes
    if process.returncode == 3:
        return [f"preflight cannot check it: {lines[-1] if lines else 'validation not reached'}"], notes
    if any(line.startswith(("Traceback", "File ")) for line in lines):
        return [f"its validation crashed: {lines[-1] if lines else process.returncode}"], notes
    return [_without_module_prefix(line) for line in lines] or ["rejected its parameters"], notes


def _without_module_prefix(line: str) -> str:
    """`sagemaker-endpoint: parameter 'x': ...` -> `parameter 'x': ...` (the group and module say which)."""
    head, separator, rest = line.partition(": ")
    return rest if separator and " " not in head and rest else line
