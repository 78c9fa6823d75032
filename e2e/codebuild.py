"""A stand-in for AWS CodeBuild: the builds Seed-Farmer starts in each target account, run on this machine.

`seedfarmer apply` (its default, remote mode) uploads each module's bundle to the seedkit's bucket of the
module's target account and starts the seedkit's CodeBuild project there (`StartBuild`, with the buildspec,
the module's environment variables and the module's deployment role as `serviceRoleOverride`), then polls
`BatchGetBuilds` until it ends (seedfarmer 8.0.9, deployment/deploy_remote.py and services/_codebuild.py).
In the emulator, e2e/codebuild_service.py answers those two calls: it hands each build to this stand-in as a
job file, and reports the build in progress until the stand-in has written its result. This stand-in fetches
the bundle from the bucket and runs the buildspec's phases (install, pre_build, build, post_build) with bash in
one session, in the extracted bundle, as CodeBuild does: each command in turn, the first failing one aborting
the build (Seed-Farmer asks for `on-failure: ABORT`). It runs with the credentials of the service role in the
target account (`sts:AssumeRole` against the emulator), so that every call of the build lands there, as in
CodeBuild. The build sees only what the container would: `CODEBUILD_SRC_DIR`, the project's and Seed-Farmer's
variables, the role's credentials, a fresh HOME and a fresh "image" Python; never the caller's environment.

(Seed-Farmer's `--local` mode runs builds in a local CodeBuild agent instead, with the caller's own credentials
and one session for every account, `SessionManagerLocalImpl`: it deploys a manifest of several accounts into
the caller's account. `make e2e` therefore runs the remote mode, as a real deployment does.)

What differs from the image, and why:
- the container's paths /root and /var/scripts are folders of the build (nothing outside the
  repository is written); the commands are rewritten accordingly and each rewrite is recorded;
- pip, uv and npm share their download caches between builds (each build still installs everything),
  `npm install -g` lands in the build's HOME, and the machine's certificate and proxy settings are
  passed on so that PyPI and npm can be reached;
- jsii's package cache (the aws-cdk-lib, constructs and cdk-nag tarballs its Node.js runtime unpacks on
  a synthesis's first import, 250 MB; keyed by the tarball's hash) is shared too: a fresh container
  unpacks them again in every synthesis, 20 to 30 s here, for the same files;
- a finished build's HOME and image Python are moved aside and deleted by `make e2e` in the background
  (e2e/discarding.py), not while Seed-Farmer waits for the build to return;
- the CDK CLI sends no telemetry and fetches no notices: no call leaves the machine but to PyPI and npm.

Each build leaves, under `<scratch>/builds/<n>-<bundle>/`: `environment.json` (the variables Seed-Farmer gave
the build, `env_file`, and the account and role it ran as), `build.log`, and `build.json` (phases with their
seconds, exit status).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from e2e.codebuild_job import codebuild_variables, fetch
from e2e.discarding import DISCARDED
from e2e.steps import load_average

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("install", "pre_build", "build", "post_build")
# The image's Python when the buildspec's runtime-versions asks for one this machine does not have (the image of
# Seed-Farmer's default project, amazonlinux2-x86_64-standard:5.0, runs 3.12; uv may not download one here).
PYTHON_VERSION = "3.11"
# The machine's settings that let pip, uv and npm reach their registries (certificates, proxies, mirrors).
_NETWORK_SETTINGS = re.compile(
    r"^(SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|NODE_EXTRA_CA_CERTS|PIP_CERT|PIP_INDEX_URL"
    r"|PIP_EXTRA_INDEX_URL|PIP_DEFAULT_TIMEOUT|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_NATIVE_TLS"
    r"|(?i:https?_proxy|no_proxy|all_proxy))$"
)


class StandInError(Exception):
    """The stand-in was given a build it cannot run (a job file it cannot read, a bundle it cannot fetch)."""


@dataclass
class Build:
    """One build's folders: its HOME, its image Python, its container paths, and what it records."""

    folder: Path
    source: Path
    cache: Path

    @property
    def home(self) -> Path:
        return self.folder / "home"

    @property
    def image(self) -> Path:
        return self.folder / "image"

    def container_paths(self) -> dict[str, str]:
        """Where the container's paths live for this build."""
        return {"/root": str(self.home), "/var/scripts": str(self.folder / "var" / "scripts")}


def new_build(scratch: Path, source: Path) -> Build:
    """A fresh, numbered folder for one build (two modules of a group build at the same time)."""
    builds = scratch / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    number = len(list(builds.iterdir())) + 1
    while True:
        folder = builds / f"{number:02d}-{source.name}"
        try:
            folder.mkdir()
            return Build(folder, source, scratch / "cache")
        except FileExistsError:
            number += 1


def rewrite(command: str, paths: dict[str, str], python: tuple[str, str] | None = None) -> str:
    """`command` with each container path (followed by / or a word boundary) replaced by the build's folder, and
    with `python` (the runtime's version, the image's) the runtime's `--python` by the image's."""
    for container, host in paths.items():
        command = re.sub(rf"(?<![\w/.~-]){re.escape(container)}(?=/|\b|$)", host, command)
    if python and python[0] != python[1]:
        command = command.replace(f"--python {python[0]}", f"--python {python[1]}")
    return command


def script(
    spec: dict[str, Any], paths: dict[str, str], marker: str, python: tuple[str, str] | None = None
) -> tuple[str, list[str]]:
    """The bash script of the buildspec's phases, and the commands rewritten for this build."""
    lines = []
    rewritten = []
    for name, value in (spec.get("env") or {}).get("variables", {}).items():
        lines.append(f"export {name}={shlex.quote(str(value))}")
    lines.append('cd "$CODEBUILD_SRC_DIR"')
    for phase in PHASES:
        for command in ((spec.get("phases") or {}).get(phase) or {}).get("commands") or []:
            text = rewrite(str(command), paths, python)
            if text != command:
                rewritten.append(f"{command} -> {text}")
            first_line = text.splitlines()[0] if text.strip() else ""
            shown = shlex.quote(f"[Container] Running command {first_line}")
            lines += [
                f"echo {shlex.quote(f'{marker}{phase}::{first_line}')}",
                f"echo {shown}",
                text,
                "status=$?",
                'if [ "$status" -ne 0 ]; then',
                f'  echo "[Container] Command did not exit successfully (exit status $status); phase {phase} failed"',
                '  exit "$status"',
                "fi",
            ]
    lines.append(f"echo {marker}done::")
    return "\n".join(lines) + "\n", rewritten


def environment(build: Build, variables: dict[str, str]) -> dict[str, str]:
    """What the build's shell sees: the container's variables, and the stand-in's own settings."""
    home = build.home
    npm_prefix = home / ".npm-global"
    system_path = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(ROOT) and not entry.startswith("/root/")
    ]
    node = shutil.which("node", path=os.pathsep.join(system_path))
    network = {name: value for name, value in os.environ.items() if _NETWORK_SETTINGS.match(name)}
    return {
        "PATH": os.pathsep.join([str(build.image / "bin"), str(npm_prefix / "bin"), *system_path]),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "CODEBUILD_SRC_DIR": str(build.source).rstrip("/"),
        "CODEBUILD_BUILD_ID": f"local:{build.folder.name}",
        **network,
        # Caches shared between builds; what they hold is installed afresh in each build.
        "PIP_CACHE_DIR": str(build.cache / "pip"),
        "PIP_FIND_LINKS": str(build.cache / "wheels"),  # filled by `make e2e` before the first apply
        # Installed from the caches filled before the first apply (e2e/fill_caches.py), without a round trip to
        # PyPI per package and build: the same versions, resolved online once there.
        "PIP_NO_INDEX": "1",
        "UV_OFFLINE": "1",
        # pip installs without compiling every file to bytecode (four fifths of its time for aws-cdk-lib);
        # Python compiles what the synthesis imports, as it imports it.
        "PIP_COMPILE": "false",
        "UV_CACHE_DIR": str(build.cache / "uv"),
        "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(build.cache / "jsii"),
        "npm_config_cache": str(build.cache / "npm"),
        "npm_config_prefer_offline": "true",
        "npm_config_prefix": str(npm_prefix),
        # The global npmrc lives under node's own prefix, not under the build's npm prefix.
        "npm_config_globalconfig": str(Path(node).resolve().parents[1] / "etc" / "npmrc") if node else "",
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        "UV_PYTHON_DOWNLOADS": "never",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        # No JSII_NODE: the deployspecs' `--app "python -m mlops_platform.run_app"` chooses the synthesis's Node.js
        # itself, as in a real CodeBuild (mlops_platform/fast_node.py).
        **variables,
    }


def image_python(spec: dict[str, Any]) -> tuple[str, str]:
    """(the Python version the buildspec's runtime-versions asks for, the one the image gets): the same when this
    machine has it (uv finds it), else the stand-in's own."""
    install = ((spec.get("phases") or {}).get("install") or {}).get("runtime-versions") or {}
    wanted = str(install.get("python") or PYTHON_VERSION)
    uv = Path(sys.executable).with_name("uv")
    found = subprocess.run(
        [str(uv), "python", "find", wanted],
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        check=False,
    )
    return wanted, wanted if found.returncode == 0 else PYTHON_VERSION


def prepare(build: Build, python: str = PYTHON_VERSION) -> None:
    """The build's empty HOME and its image Python (with pip), as a fresh container has them."""
    build.home.mkdir()
    (build.folder / "var" / "scripts").mkdir(parents=True)
    # The CLI's user settings: no notices fetched from the internet (telemetry is off by variable).
    (build.home / ".cdk.json").write_text(json.dumps({"notices": False}) + "\n")
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(
        [str(uv), "venv", "--quiet", "--seed", "--python", python, str(build.image)],
        env={**os.environ, "UV_CACHE_DIR": str(build.cache / "uv"), "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
    )


def run(job_file: Path, scratch: Path) -> int:
    """Run the build of a job file (e2e/codebuild_service.py writes it) as CodeBuild would; its exit status."""
    job = json.loads(job_file.read_text())
    source, credentials = fetch(job, scratch)
    env_file = dict(job["variables"])  # what Seed-Farmer gave the build (StartBuild's environmentVariablesOverride)
    variables = {
        **job["project_variables"],  # the seedkit project's own (its template's)
        **env_file,
        **credentials,
        "AWS_ENDPOINT_URL": job["url"],
        "AWS_REGION": job["region"],
        "AWS_DEFAULT_REGION": job["region"],
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **codebuild_variables(job),
    }
    build = new_build(scratch, source)
    record = {"env_file": env_file, "project": job["project_variables"], "account": job["account"], "role": job["role"]}
    (build.folder / "environment.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    started = time.monotonic()
    load = load_average()
    spec = yaml.safe_load(job["buildspec"])
    python = image_python(spec)
    prepare(build, python[1])
    marker = f"::stand-in-phase::{os.getpid()}::"
    text, rewritten = script(spec, build.container_paths(), marker, python)
    (build.folder / "buildspec.sh").write_text(text)
    prepared = round(time.monotonic() - started, 2)
    commands: list[dict[str, Any]] = []
    since = time.monotonic()
    with (build.folder / "build.log").open("w") as log:
        process = subprocess.Popen(
            ["bash", str(build.folder / "buildspec.sh")],
            cwd=source,
            env=environment(build, variables),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(marker):
                now = time.monotonic()
                if commands:
                    commands[-1]["seconds"] = round(now - since, 2)
                phase, _, command = line[len(marker) :].rstrip("\n").partition("::")
                commands.append({"phase": phase, "command": command, "seconds": 0.0})
                since = now
                continue
            log.write(line)
            log.flush()
            sys.stdout.write(line)
            sys.stdout.flush()
        status = process.wait()
    if commands and commands[-1]["phase"] != "done":
        commands[-1]["seconds"] = round(time.monotonic() - since, 2)
    commands = [command for command in commands if command["phase"] != "done"]
    phases: dict[str, float] = {"prepare": prepared}
    for step in commands:
        phases[step["phase"]] = round(phases.get(step["phase"], 0.0) + step["seconds"], 2)
    # A container is thrown away after its build: so are the build's HOME and image Python (a gigabyte of
    # small files, seconds to delete). They are moved aside at once and deleted when the run ends.
    discarded = scratch / DISCARDED
    discarded.mkdir(exist_ok=True)
    for folder in (build.home, build.image):
        folder.rename(discarded / f"{build.folder.name}-{folder.name}")
    record = {
        "source": str(source),
        "status": status,
        "load": load,
        "phases": phases,
        "commands": commands,
        "rewritten": rewritten,
    }
    (build.folder / "build.json").write_text(json.dumps(record, indent=2) + "\n")
    return status


def main() -> int:
    """`python -m e2e.codebuild JOB_FILE`: run one build, write its exit status beside the job file."""
    scratch = Path(os.environ.get("E2E_SCRATCH", ROOT / ".e2e"))
    job_file = Path(sys.argv[1])
    try:
        status = run(job_file, scratch)
    except Exception as error:  # any failure is the build's: Seed-Farmer reads it as FAILED
        print(f"CodeBuild stand-in: {type(error).__name__}: {error}", file=sys.stderr)
        status = 125
    job_file.with_suffix(".result").write_text(str(status))
    return status


if __name__ == "__main__":
    sys.exit(main())
