"""One-parameter updates of each module, after its first deploy: the cases docs/updates.md is generated from.

Each case is (the case it updates, its parameters); a case updating None is a first deploy. Every case
of a module is synthesized under one Seed-Farmer module name (`neighbour`), as two deploys of the same
module would be. The endpoint's cases include tests/matrix.py NEIGHBOURS, so the lifecycle check reads
the same synthesis.
"""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import Popen
from typing import Any

from tests import studio_cases
from tests.matrix import (
    AB,
    ACCOUNT,
    AUTOSCALING,
    BUCKET,
    COMPONENT,
    DEV,
    ENDPOINT,
    GROUP,
    NEIGHBOUR_BEFORE,
    NEIGHBOURS,
    NETWORKING,
    PACKAGE,
    PROD,
    REGISTRY,
    SERVERLESS,
    SHADOW,
    TOPIC,
    synthesize_in_one_process,
)

Case = tuple[str | None, dict[str, Any]]


def _with(given: Any, **changed: Any) -> dict[str, Any]:
    """The parameters `given` with `changed` (keyword `_` for `-`; None removes a parameter)."""
    parameters: dict[str, Any] = dict(given)
    for key, value in changed.items():
        name = key.replace("_", "-")
        if value is None:
            parameters.pop(name, None)
        else:
            parameters[name] = value
    return parameters


NETWORKING_UPDATES: dict[str, Case] = {"base": (None, {})}
NETWORKING_UPDATES |= {
    "vpc-cidr": ("base", _with({}, vpc_cidr="10.1.0.0/16")),
    "max-azs": ("base", _with({}, max_azs=3)),
    "nat-gateways": ("base", _with({}, nat_gateways=2)),
    "no-nat-gateways": ("base", _with({}, nat_gateways=0)),
    "internet-accessible": ("base", _with({}, internet_accessible=False, nat_gateways=0)),
    "vpc-endpoints": ("base", _with({}, vpc_endpoints=["sts", "sqs"])),
    "flow-logs": ("base", _with({}, flow_logs=False)),
    "tags": ("base", _with({}, tags={"team": "ml"})),
}

SETS: dict[str, dict[str, Any]] = dict(NEIGHBOURS)
AUTOSCALED = {**NEIGHBOURS["base"], **AUTOSCALING}
CANARY = {**NEIGHBOURS["base"], "deployment-strategy": "CANARY", "canary-size-percent": 25}
SETS |= {
    "autoscaling": AUTOSCALED,
    "canary": CANARY,
    "variants": _with(NEIGHBOURS["base"], model_image_uri=None, model_data_url=None, variants=AB),
    "serverless-base": {"model-package-arn": PACKAGE, **SERVERLESS},
    "components": {
        **NEIGHBOURS["package"],
        **COMPONENT,
        "inference-component-cpus": 1,
        "instance-type": "ml.m5.xlarge",
    },
}
ENDPOINT_UPDATES: dict[str, Case] = {
    name: (None if name == "base" else NEIGHBOUR_BEFORE.get(name, "base"), parameters)
    for name, parameters in NEIGHBOURS.items()
}
ENDPOINT_UPDATES |= {
    "initial-variant-weight": ("base", _with(SETS["base"], initial_variant_weight=2)),
    "new-package-version": ("package", _with(SETS["package"], model_package_arn=PACKAGE.replace("/3", "/4"))),
    "package-group": ("package", _with(SETS["package"], model_package_arn=None, model_package_group_name=GROUP)),
    "capture-percentage": ("data-capture", _with(SETS["data-capture"], data_capture_sampling_percentage=50)),
    "capture-prefix": ("data-capture", _with(SETS["data-capture"], data_capture_prefix="capture/v2")),
    "capture-content-types": ("data-capture", _with(SETS["data-capture"], data_capture_csv_content_types=["text/csv"])),
    "capture-off": ("data-capture", NEIGHBOURS["base"]),
    "canary": ("base", CANARY),
    "canary-size": ("canary", _with(SETS["canary"], canary_size_percent=10)),
    "wait-interval": ("canary", _with(SETS["canary"], wait_interval_seconds=900)),
    "termination-wait": ("canary", _with(SETS["canary"], termination_wait_seconds=1200)),
    "linear": ("base", _with(SETS["base"], deployment_strategy="LINEAR", linear_step_percent=50)),
    "rolling": (
        "base",
        _with(SETS["base"], deployment_strategy="ROLLING", rolling_batch_percent=50, initial_instance_count=2),
    ),
    "autoscaling": ("base", AUTOSCALED),
    "autoscaling-max": ("autoscaling", _with(SETS["autoscaling"], autoscaling_max_capacity=8)),
    "autoscaling-min": (
        "autoscaling",
        _with(SETS["autoscaling"], autoscaling_min_capacity=1, initial_instance_count=2),
    ),
    "autoscaling-target": ("autoscaling", _with(SETS["autoscaling"], autoscaling_target_invocations_per_instance=400)),
    "autoscaled-instance-type": ("autoscaling", _with(SETS["autoscaling"], instance_type="ml.m5.xlarge")),
    "autoscaling-off": ("autoscaling", NEIGHBOURS["base"]),
    "alarm-latency": ("base", _with(SETS["base"], alarm_model_latency_p99_ms=500)),
    "alarm-5xx": ("base", _with(SETS["base"], alarm_5xx_errors_threshold=5)),
    "alarm-topic": ("base", _with(SETS["base"], alarm_topic_arn=TOPIC)),
    "rollback-alarms": ("base", _with(SETS["base"], rollback_alarm_names=["checkout-errors"])),
    "notifications-off": ("base", _with(SETS["base"], notifications=False)),
    "notification-topic": ("base", _with(SETS["base"], notifications=None, notification_topic_arn=TOPIC)),
    "invoke-function-off": ("base", _with(SETS["base"], invoke_function=False)),
    "refresh-off": ("base", _with(SETS["base"], refresh_on_model_data_change=False)),
    "refresh-debounce": ("base", _with(SETS["base"], refresh_debounce_seconds=120)),
    "tags": ("base", _with(SETS["base"], tags={"team": "ml"})),
    "permissions-boundary": ("base", _with(SETS["base"], permissions_boundary_name="mlops-boundary")),
    "execution-role": ("base", _with(SETS["base"], model_execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/FraudModel")),
    "artifacts-bucket": ("base", _with(SETS["base"], model_artifacts_bucket_arn=BUCKET + "-2")),
    "vpc": ("base", _with(SETS["base"], vpc_id="vpc-0fedcba9876543210", subnet_ids=["subnet-0fedcba9876543210"])),
    "variants": ("base", SETS["variants"]),
    "variant-weights": ("variants", _with(SETS["variants"], variants=[_with(AB[0], initial_variant_weight=1), AB[1]])),
    "variant-removed": ("variants", _with(SETS["variants"], variants=AB[1:])),
    "serverless-base": (None, SETS["serverless-base"]),
    "serverless-memory": ("serverless-base", _with(SETS["serverless-base"], serverless_memory_size_mb=4096)),
    "serverless-concurrency": ("serverless-base", _with(SETS["serverless-base"], serverless_max_concurrency=40)),
    "serverless-provisioned": ("serverless-base", _with(SETS["serverless-base"], serverless_provisioned_concurrency=2)),
    "to-serverless": ("package", SETS["serverless-base"]),
    "shadow-variant": ("package", _with(SETS["package"], shadow_variants=[SHADOW])),
    "project-tags": (
        "base",
        _with(SETS["base"], sagemaker_project_id="p-abcdefghijkl", sagemaker_project_name="fraud"),
    ),
    "components": ("package", SETS["components"]),
    "component-memory": ("components", _with(SETS["components"], inference_component_memory_mb=4096)),
    "component-copies": ("components", _with(SETS["components"], inference_component_copy_count=2)),
}
# The registry's parameters are written as its manifests write them (snake_case); a new description is left
# out: the module refuses it before deploy, reading the deployed group (kept.py), which a first synthesis
# here has not deployed.
REGISTRY_BASE = {"model_package_group_name": "neighbour-registry", "target_account_ids": [DEV]}
REGISTRY_UPDATES: dict[str, Case] = {
    "base": (None, REGISTRY_BASE),
    "target-added": ("base", {**REGISTRY_BASE, "target_account_ids": [DEV, PROD]}),
    "targets-removed": ("base", {"model_package_group_name": "neighbour-registry"}),
    "event-bus": (
        "base",
        {**REGISTRY_BASE, "target_event_bus_arn": f"arn:aws:events:us-east-1:{PROD}:event-bus/ml-central"},
    ),
    "forwarding-off": ("base", {**REGISTRY_BASE, "forward_events_to_target_accounts": False}),
    "artifacts-prefix": ("base", {**REGISTRY_BASE, "model_artifacts_prefix": "models/"}),
    "retain-off": ("base", {**REGISTRY_BASE, "retain_on_delete": False}),
    "tags": ("base", {**REGISTRY_BASE, "tags": {"team": "ml"}}),
}
# The Studio module's parameters are snake_case, as the reference writes them.
STUDIO_BASE = {
    **studio_cases.STUDIO_NET,
    "data_science_users": ["alice", "bob"],
    "lead_data_science_users": ["carol"],
    "enable_jupyterlab_app": True,
}
STUDIO_UPDATES: dict[str, Case] = {
    "base": (None, STUDIO_BASE),
    "user-added": ("base", {**STUDIO_BASE, "data_science_users": ["alice", "bob", "dave"]}),
    "user-removed": ("base", {**STUDIO_BASE, "data_science_users": ["bob"]}),
    "user-made-lead": (
        "base",
        {**STUDIO_BASE, "data_science_users": ["bob"], "lead_data_science_users": ["carol", "alice"]},
    ),
    "spaces-shared": ("base", {**STUDIO_BASE, "enable_jupyterlab_app_sharing": True}),
    "space-instance-type": ("base", {**STUDIO_BASE, "jupyterlab_app_instance_type": "ml.m5.large"}),
    "idle-timeout": ("base", {**STUDIO_BASE, "idle_timeout_in_minutes": 120}),
    "retain-efs-off": ("base", {**STUDIO_BASE, "retain_efs": False}),
    "isolation-off": ("base", {**STUDIO_BASE, "enable_domain_resource_isolation": False}),
    "mlflow": ("base", {**STUDIO_BASE, "mlflow_enabled": True, "mlflow_artifact_store_bucket_name": "mlops-artifacts"}),
}
UPDATES = {
    NETWORKING: NETWORKING_UPDATES,
    ENDPOINT: ENDPOINT_UPDATES,
    REGISTRY: REGISTRY_UPDATES,
    studio_cases.STUDIO: STUDIO_UPDATES,
}


def start(folder: Path) -> list[tuple[Path, Popen[str]]]:
    """Start synthesizing every case, one process per module, side by side (templates only: no validation)."""
    runs = []
    for module, updates in UPDATES.items():
        outroot = folder / f"updates-{module.name}"
        outroot.mkdir()
        cases = {f"neighbour~{name}": parameters for name, (_, parameters) in updates.items()}
        runs.append((outroot, synthesize_in_one_process(module, cases, outroot, validate=False)))
    return runs


def finish(runs: list[tuple[Path, Popen[str]]]) -> dict[Path, dict[str, Any]]:
    """Per module folder, case name -> its template, or the module's refusal as {"error": message}."""
    synthesized: dict[Path, dict[str, Any]] = {}
    for (outroot, process), module in zip(runs, UPDATES, strict=True):
        output, _ = process.communicate(timeout=900)
        if process.returncode != 0:
            raise RuntimeError(output[-3000:])
        results = json.loads((outroot / "results.json").read_text())
        templates: dict[str, Any] = {}
        for case, result in results.items():
            name = case.split("~", 1)[1]
            if not result["ok"]:
                templates[name] = {"error": result["error"]}
                continue
            [path] = Path(result["outdir"]).glob("*.template.json")
            templates[name] = json.loads(path.read_text())
        synthesized[module] = templates
    return synthesized
