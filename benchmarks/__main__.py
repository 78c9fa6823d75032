"""`python -m benchmarks`: time whole processes several times and report the median and the spread.

Measured, on this machine, as a user runs them:
- each module's `python app.py`, against the floor of an empty CDK app run the same way (the same
  interpreter start, the same aws-cdk-lib import, the same three rule packs, CDK validation on);
- the endpoint module's synthesis as `variants` grows from 1 to 10 (the cost of one more variant);
- `make rehearse` of the default manifest, cold (bytecode caches and output removed) and warm, and the
  rehearsal of manifests/multi-account/ (three emulated accounts) warm: per module, against the default's;
- `make e2e` (the real Seed-Farmer against the emulator) warm, across accounts (its default) and with the
  single-account manifest;
- the whole test suite (`make test`), warm, and from a fresh clone with empty download caches (as CI runs
  it), with and without the end-to-end test;
- each module's synthesis as its deployspec runs it (`python -m mlops_platform.run_app`: the V8 flags of
  mlops_platform/fast_node.py), the endpoint's side by side with the reference aiops-modules module's with the
  same parameters (benchmarks/reference.py).
The table is printed and written to docs/benchmarks.md with the machine's description and, beside each
figure, the machine's load average (1, 5 and 15 minutes) just before its runs began: on a shared
machine a figure means little without it.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import reference
from benchmarks.report import EVERY_TEST, WITHOUT_E2E, render
from benchmarks.timing import RUNS, SLOW_RUNS, Timing, row, timed

__all__ = ["Timing", "e2e_rows", "render", "row", "timed"]  # tests/test_benchmarks.py

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
NETWORKING = ROOT / "modules" / "networking"
ENDPOINT = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint"
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
BASE_ENV = {
    # No JSII_NODE: each run chooses its Node.js as a deployment does (mlops_platform/fast_node.py).
    **{
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SEEDFARMER_", "CDK_")) and key != "JSII_NODE"
    },
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "SEEDFARMER_PROJECT_NAME": "mlops",
    "SEEDFARMER_DEPLOYMENT_NAME": "bench",
    "CDK_DEFAULT_ACCOUNT": "111111111111",
    "CDK_DEFAULT_REGION": "us-east-1",
}
ENDPOINT_PARAMETERS = {
    "SEEDFARMER_PARAMETER_VPC_ID": "vpc-0123456789abcdef0",
    "SEEDFARMER_PARAMETER_SUBNET_IDS": json.dumps(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]),
}
# `make test` from a fresh clone, as CI runs it: within 3 minutes without the end-to-end test (the real
# Seed-Farmer against the emulator, itself about two minutes), within 6 minutes with it.
EMPTY_APP = """
import os
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks
app = cdk.App(outdir=os.environ["CDK_OUTDIR"])
cdk.Stack(app, "Empty", env=cdk.Environment(account="111111111111", region="us-east-1"), analytics_reporting=False)
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app), HIPAASecurityChecks(app))
app.synth()
"""


def variants(count: int) -> dict[str, str]:
    listed = [
        {"name": f"v{index}", "model-package-arn": PACKAGE.replace("/3", f"/{index}"), "initial-variant-weight": 1}
        for index in range(1, count + 1)
    ]
    return {**ENDPOINT_PARAMETERS, "SEEDFARMER_PARAMETER_VARIANTS": json.dumps(listed)}


def profile_breakdown(module: Path, env: dict[str, str]) -> dict[str, float]:
    """Where one in-process synthesis of `module` spends its time (own time per file, by category)."""
    import importlib

    profile = cProfile.Profile()
    saved_env, saved_path, saved_cwd = dict(os.environ), list(sys.path), Path.cwd()
    with tempfile.TemporaryDirectory() as outdir:
        os.environ.update({**env, "CDK_OUTDIR": outdir})
        sys.path.insert(0, str(module))
        os.chdir(module)
        try:
            app = importlib.import_module("app")
            profile.enable()
            app.synthesize(outdir)
            profile.disable()
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            sys.path[:] = saved_path
            os.chdir(saved_cwd)
    shares: dict[str, float] = {}
    for (filename, _, function), entry in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        shares[_category(filename, function)] = shares.get(_category(filename, function), 0.0) + entry[2]
    total = sum(shares.values()) or 1.0
    return {category: seconds / total for category, seconds in sorted(shares.items(), key=lambda item: -item[1])}


def _category(filename: str, function: str) -> str:
    if str(ROOT / "modules") in filename:
        return "our module code (settings, stack, naming)"
    # jsii talks to its Node.js process over pipes: time blocked reading them is the CDK working.
    if "method 'readline' of '_io.BufferedReader'" in function or "method 'read' of '_io.BufferedReader'" in function:
        return "waiting on the CDK's JavaScript runtime (jsii)"
    if "builtins.compile" in function:
        return "compiling Python source (no bytecode cache)"
    if "aws_cdk" in filename or "cdk_nag" in filename or "constructs" in filename:
        return "importing and calling the CDK's Python bindings"
    if "jsii" in filename or "cattrs" in filename or "typeguard" in filename:
        return "jsii's Python side (marshalling, type checks)"
    return "everything else (Python start-up, pydantic, boto3, standard library)"


@contextlib.contextmanager
def emulated_registry() -> Iterator[dict[str, str]]:
    """The environment of a synthesis that reads an account, as a deployment's does: an emulated account (the
    rehearsal's emulator, on this machine) holding PACKAGE's group with ten approved versions, each with an image
    and model data. The endpoint module describes the packages it serves at synth, to grant exactly their
    artifacts; without an account to ask it stops, naming the credentials it needs."""
    from rehearsal.emulator import emulated_account

    account, region = BASE_ENV["CDK_DEFAULT_ACCOUNT"], BASE_ENV["CDK_DEFAULT_REGION"]
    with emulated_account(account, region) as emulator:
        sagemaker = emulator.client("sagemaker")
        sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
        for version in range(1, 11):
            sagemaker.create_model_package(
                ModelPackageGroupName="fraud-detector",
                ModelApprovalStatus="Approved",
                InferenceSpecification={
                    "Containers": [
                        {
                            "Image": f"{account}.dkr.ecr.{region}.amazonaws.com/fraud-detector:{version}",
                            "ModelDataUrl": f"s3://mlops-artifacts/fraud-detector/{version}/model.tar.gz",
                        }
                    ],
                    "SupportedContentTypes": ["application/json"],
                    "SupportedResponseMIMETypes": ["application/json"],
                },
            )
        yield emulator.environment(region)


def main() -> None:
    subprocess.run(["make", "-s", "install"], cwd=ROOT, check=True)
    with emulated_registry() as aws:
        measure({**BASE_ENV, **aws})


def measure(base_env: dict[str, str]) -> None:
    """Every row, each synthesis in `base_env` (an emulated account it may read)."""
    results = []
    floor = timed([PYTHON, "-c", EMPTY_APP], ROOT, base_env, RUNS)
    results.append(row("empty CDK app (3 rule packs, validation on)", floor, "the floor"))
    networking_env = {**base_env, "SEEDFARMER_MODULE_NAME": "networking-vpc"}
    networking = timed([PYTHON, "app.py"], NETWORKING, networking_env, RUNS)
    results.append(row("networking `python app.py` (defaults)", networking))
    endpoint_env = {
        **base_env,
        **ENDPOINT_PARAMETERS,
        "SEEDFARMER_MODULE_NAME": "endpoints-endpoint",
        "SEEDFARMER_PARAMETER_MODEL_PACKAGE_ARN": PACKAGE,
    }
    endpoint = timed([PYTHON, "app.py"], ENDPOINT, endpoint_env, RUNS)
    results.append(row("sagemaker-endpoint `python app.py` (package ARN)", endpoint))
    deployed, against_reference = reference.deployspec_rows(
        {str(NETWORKING.relative_to(ROOT)): networking_env, str(ENDPOINT.relative_to(ROOT)): endpoint_env}, RUNS, row
    )
    results += deployed
    by_count = {}
    for count in (1, 4, 7, 10):
        env = {**base_env, **variants(count), "SEEDFARMER_MODULE_NAME": "endpoints-endpoint"}
        by_count[count] = timed([PYTHON, "app.py"], ENDPOINT, env, max(2, RUNS - 2))
        results.append(row(f"sagemaker-endpoint with {count} variant(s)", by_count[count]))
    per_variant = (statistics.median(by_count[10].seconds) - statistics.median(by_count[1].seconds)) / 9

    def cold() -> None:
        shutil.rmtree(ROOT / ".rehearsal", ignore_errors=True)
        for cache in ROOT.glob("**/__pycache__"):
            if ".venv" not in cache.parts:
                shutil.rmtree(cache, ignore_errors=True)

    rehearse = [PYTHON, "-m", "rehearsal", "manifests/deployment.yaml"]
    rehearsal_env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    results.append(row("`make rehearse` cold", timed(rehearse, ROOT, rehearsal_env, SLOW_RUNS, cold)))
    warm = timed(rehearse, ROOT, rehearsal_env, SLOW_RUNS)
    results.append(row("`make rehearse` warm", warm))
    across = [PYTHON, "-m", "rehearsal", "manifests/multi-account/deployment.yaml"]
    timed(across, ROOT, rehearsal_env, 1)  # its first run synthesizes: the row below is warm
    across_warm = timed(across, ROOT, rehearsal_env, SLOW_RUNS)
    results.append(row("`rehearse manifests/multi-account/deployment.yaml` warm (3 accounts)", across_warm))
    per_module = (
        statistics.median(warm.seconds) / module_count("manifests/deployment.yaml"),
        statistics.median(across_warm.seconds) / module_count("manifests/multi-account/deployment.yaml"),
    )
    e2e_single = [PYTHON, "-m", "e2e", "--manifest", "manifests/deployment.yaml", "--keep-caches"]
    timed(e2e_single, ROOT, rehearsal_env, 1)  # fills the builds' download caches: the rows below are warm
    e2e_warm = timed(e2e_single, ROOT, rehearsal_env, 1)
    results.append(row("`python -m e2e --manifest manifests/deployment.yaml` warm (one account)", e2e_warm))
    results += e2e_rows(json.loads((ROOT / ".e2e" / "report.json").read_text()), "one account")
    e2e_across = timed([PYTHON, "-m", "e2e"], ROOT, rehearsal_env, 1)
    results.append(row("`make e2e` warm (three accounts: apply, re-apply, promote, destroy)", e2e_across))
    results += e2e_rows(json.loads((ROOT / ".e2e" / "report.json").read_text()), "three accounts")
    suite_env = {key: value for key, value in os.environ.items() if key != "CDK_OUTDIR"}
    suite = timed(["make", "-s", "test"], ROOT, suite_env, SLOW_RUNS)
    results.append(row("`make test` (lint, mypy, every test)", suite))
    fresh = {
        WITHOUT_E2E: fresh_clone_suite(suite_env, 'PYTEST_ARGS=-m "not e2e"'),
        EVERY_TEST: fresh_clone_suite(suite_env),
    }
    for what, timing in fresh.items():
        results.append(row(f"`make test` from a fresh clone, empty caches: {what}", timing, "install included"))

    floor_median = statistics.median(floor.seconds)
    ratios = {
        "networking": statistics.median(networking.seconds) / floor_median,
        "sagemaker-endpoint": statistics.median(endpoint.seconds) / floor_median,
    }
    report = render(
        results,
        ratios,
        per_variant,
        statistics.median(endpoint.seconds),
        statistics.median(warm.seconds),
        statistics.median(suite.seconds),
        profile_breakdown(ENDPOINT, endpoint_env),
        e2e=statistics.median(e2e_warm.seconds),
        e2e_across=statistics.median(e2e_across.seconds),
        per_module=per_module,
        against_reference=against_reference,
        fresh={what: statistics.median(timing.seconds) for what, timing in fresh.items()},
    )
    print(report)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(report)


def fresh_clone_suite(env: dict[str, str], *arguments: str) -> Timing:
    """`make test` in a fresh clone of this repository's HEAD, with empty pip, uv, npm and jsii caches."""
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        caches = {
            variable: str(Path(scratch) / "cache" / variable)
            for variable in ("PIP_CACHE_DIR", "UV_CACHE_DIR", "npm_config_cache", "JSII_RUNTIME_PACKAGE_CACHE_ROOT")
        }
        return timed(["make", "-s", "test", *arguments], clone, {**env, **caches}, 1)


def module_count(manifest: str) -> int:
    """How many modules a deployment manifest of this repository deploys: the documents of its groups' files
    (read as YAML: Seed-Farmer's loader would need the accounts the manifest reads from the environment)."""
    import yaml

    groups = yaml.safe_load((ROOT / manifest).read_text())["groups"]
    return sum(
        sum(1 for module in yaml.safe_load_all((ROOT / group["path"]).read_text()) if module) for group in groups
    )


def e2e_rows(report: dict[str, Any], run: str = "") -> list[dict[str, object]]:
    """One row per step of a `make e2e` run that took time, then each build's install, synthesis and
    deployment, each with the load average `make e2e` recorded when it began (.e2e/report.json)."""
    rows = []
    label = f"`make e2e` ({run})" if run else "`make e2e`"
    for step in report["steps"]:
        if step["seconds"] >= 0.5:
            rows.append(_e2e_row(f"{label} step: {step['name']}", step["seconds"], step.get("load")))
    for build in report["builds"]:
        phases, cdk = build["phases"], build["cdk"]
        name = f"{label} build {build['folder']} ({build['kind']})"
        rows.append(_e2e_row(f"{name}: install", phases.get("install", 0.0), build.get("load")))
        if build["kind"] == "deploy":
            rows.append(_e2e_row(f"{name}: synth", cdk.get("synth", 0.0), build.get("load")))
            rows.append(_e2e_row(f"{name}: deploy", cdk.get("deploy", 0.0), build.get("load")))
        else:  # `cdk destroy` prints neither its synthesis's time nor its own: the whole command's
            seconds = sum(c["seconds"] for c in build.get("commands", []) if c["command"].startswith("cdk destroy"))
            rows.append(_e2e_row(f"{name}: cdk destroy (synth and delete)", seconds, build.get("load")))
    return rows


def _e2e_row(name: str, seconds: float, load: list[float] | None) -> dict[str, object]:
    recorded = " / ".join(f"{value:.2f}" for value in load) if load else "(not recorded)"
    return {"name": name, "median": seconds, "spread": 0.0, "runs": 1, "load": recorded, "note": "one run"}


if __name__ == "__main__":
    main()
