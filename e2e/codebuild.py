"""A stand-in for CodeBuild's local agent: `docker run ... public.ecr.aws/codebuild/local-builds:latest`.

Seed-Farmer's `--local` mode (seedfarmer/deployment/codebuild_local.py) writes the module's bundle, a
buildspec and an env file, then runs the agent's image with `SOURCE`, `BUILDSPEC`, `ENV_VAR_FILE` (in
the folder mounted at /LocalBuild/envFile/) and the caller's `AWS_*` variables. This stand-in runs the
buildspec's phases (install, pre_build, build, post_build) with bash in one session, in the source
folder, as CodeBuild does: each command in turn, the first failing one aborting the build (Seed-Farmer
asks for `on-failure: ABORT`). The build sees only what the container would: `CODEBUILD_SRC_DIR`, the
env file, the `-e` variables, a fresh HOME and a fresh "image" Python; never the caller's environment.

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
  (`discarding`), not while Seed-Farmer waits for the build to return;
- the CDK CLI sends no telemetry and fetches no notices: no call leaves the machine but to PyPI and npm.

Each build leaves, under `<scratch>/builds/<n>-<bundle>/`: `environment.json` (the env file Seed-Farmer
wrote and the `-e` variables), `build.log`, and `build.json` (phases with their seconds, exit status).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from e2e.steps import load_average

ROOT = Path(__file__).resolve().parents[1]
AGENT_IMAGE = "public.ecr.aws/codebuild/local-builds:latest"
ENV_MOUNT = "/LocalBuild/envFile/"
DISCARDED = "discarded"  # the scratch folder where finished builds' HOME and image Python wait to be deleted
PHASES = ("install", "pre_build", "build", "post_build")
PYTHON_VERSION = "3.11"  # the Python of Seed-Farmer's default image, amazonlinux2-x86_64-standard:5.0
# The machine's settings that let pip, uv and npm reach their registries (certificates, proxies, mirrors).
_NETWORK_SETTINGS = re.compile(
    r"^(SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|NODE_EXTRA_CA_CERTS|PIP_CERT|PIP_INDEX_URL"
    r"|PIP_EXTRA_INDEX_URL|PIP_DEFAULT_TIMEOUT|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_NATIVE_TLS"
    r"|(?i:https?_proxy|no_proxy|all_proxy))$"
)


class StandInError(Exception):
    """The stand-in was called in a way CodeBuild's local agent would not be."""


@dataclass
class Invocation:
    """What `docker run` was given: the `-e` variables and the `-v` mounts (host folder -> container)."""

    variables: dict[str, str] = field(default_factory=dict)
    mounts: dict[str, str] = field(default_factory=dict)
    image: str = ""


def parse_docker_run(argv: list[str]) -> Invocation:
    """The `-e`, `-v` and image of a `docker run` command line, as Seed-Farmer writes it."""
    if not argv or argv[0] != "run":
        raise StandInError(f"the CodeBuild stand-in only runs `docker run`, not `docker {' '.join(argv)}`")
    invocation = Invocation()
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument in ("-e", "--env"):
            name, _, value = next(arguments).partition("=")
            invocation.variables[name] = value
        elif argument in ("-v", "--volume"):
            host, _, container = next(arguments).partition(":")
            invocation.mounts[container] = host
        elif argument.startswith("-"):
            raise StandInError(f"the CodeBuild stand-in does not know the docker option {argument}")
        else:
            invocation.image = argument
    if invocation.image != AGENT_IMAGE:
        raise StandInError(f"the CodeBuild stand-in only runs {AGENT_IMAGE}, not {invocation.image or '(none)'}")
    return invocation


def read_env_file(path: Path) -> dict[str, str]:
    """The agent's env file: one `NAME=value` per line, the value taken verbatim."""
    variables = {}
    for line in path.read_text().splitlines():
        name, separator, value = line.partition("=")
        if separator and name:
            variables[name] = value
    return variables


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


def rewrite(command: str, paths: dict[str, str]) -> str:
    """`command` with each container path (followed by / or a word boundary) replaced by the build's folder."""
    for container, host in paths.items():
        command = re.sub(rf"(?<![\w/.~-]){re.escape(container)}(?=/|\b|$)", host, command)
    return command


def script(spec: dict[str, Any], paths: dict[str, str], marker: str) -> tuple[str, list[str]]:
    """The bash script of the buildspec's phases, and the commands rewritten for this build."""
    lines = []
    rewritten = []
    for name, value in (spec.get("env") or {}).get("variables", {}).items():
        lines.append(f"export {name}={shlex.quote(str(value))}")
    lines.append('cd "$CODEBUILD_SRC_DIR"')
    for phase in PHASES:
        for command in ((spec.get("phases") or {}).get(phase) or {}).get("commands") or []:
            text = rewrite(str(command), paths)
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


def environment(build: Build, invocation: Invocation, env_file: dict[str, str]) -> dict[str, str]:
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
        **invocation.variables,
        **env_file,
    }


def prepare(build: Build) -> None:
    """The build's empty HOME and its image Python (with pip), as a fresh container has them."""
    build.home.mkdir()
    (build.folder / "var" / "scripts").mkdir(parents=True)
    # The CLI's user settings: no notices fetched from the internet (telemetry is off by variable).
    (build.home / ".cdk.json").write_text(json.dumps({"notices": False}) + "\n")
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(
        [str(uv), "venv", "--quiet", "--seed", "--python", PYTHON_VERSION, str(build.image)],
        env={**os.environ, "UV_CACHE_DIR": str(build.cache / "uv"), "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
    )


def run(argv: list[str], scratch: Path) -> int:
    """Run one build as the agent would; the exit status is the build's."""
    invocation = parse_docker_run(argv)
    source = Path(invocation.variables["SOURCE"])
    buildspec = Path(invocation.variables["BUILDSPEC"])
    env_file = read_env_file(Path(invocation.mounts[ENV_MOUNT]) / invocation.variables["ENV_VAR_FILE"])
    build = new_build(scratch, source)
    (build.folder / "environment.json").write_text(
        json.dumps({"env_file": env_file, "docker_env": invocation.variables}, indent=2, sort_keys=True) + "\n"
    )
    started = time.monotonic()
    load = load_average()
    prepare(build)
    marker = f"::stand-in-phase::{os.getpid()}::"
    text, rewritten = script(yaml.safe_load(buildspec.read_text()), build.container_paths(), marker)
    (build.folder / "buildspec.sh").write_text(text)
    prepared = round(time.monotonic() - started, 2)
    commands: list[dict[str, Any]] = []
    since = time.monotonic()
    with (build.folder / "build.log").open("w") as log:
        process = subprocess.Popen(
            ["bash", str(build.folder / "buildspec.sh")],
            cwd=source,
            env=environment(build, invocation, env_file),
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


def discard(scratch: Path) -> None:
    """Delete what finished builds left in the scratch folder's discarded/ (their HOMEs and image Pythons)."""
    shutil.rmtree(scratch / DISCARDED, ignore_errors=True)


@contextlib.contextmanager
def discarding(scratch: Path, every: float = 1.0) -> Iterator[None]:
    """For the length of a `with` block, delete what finished builds discard, in a thread, as they discard it
    (tens of thousands of small files per build); the rest is deleted when the block ends."""
    stopped = threading.Event()

    def delete() -> None:
        while not stopped.wait(every):
            folder = scratch / DISCARDED
            for discarded in sorted(folder.iterdir()) if folder.is_dir() else []:
                shutil.rmtree(discarded, ignore_errors=True)

    thread = threading.Thread(target=delete, name="discarding", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()
        discard(scratch)


def main() -> int:
    scratch = Path(os.environ.get("E2E_SCRATCH", ROOT / ".e2e"))
    try:
        return run(sys.argv[1:], scratch)
    except StandInError as error:
        print(f"docker (CodeBuild stand-in): {error}", file=sys.stderr)
        return 125


if __name__ == "__main__":
    sys.exit(main())
