"""The Studio module's parameter sets of the matrix (tests/matrix.py), and the reference's own manifests.

The reference repository (awslabs/aiops-modules) deploys its sagemaker-studio module from four manifests;
tests/fixtures/reference-studio/ holds each one's entry as written there. Each entry's parameters, with the
metadata it reads from earlier modules standing in as placeholders of the right shape (the rehearsal's
preflight placeholders), is a valid set of the matrix: it synthesizes with CDK's validation, the rule packs,
Control Tower's controls and cfn-lint, and its policies meet the service contracts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.repository import ROOT

STUDIO = ROOT / "modules" / "sagemaker" / "sagemaker-studio"
REFERENCE_STUDIO = ROOT / "tests" / "fixtures" / "reference-studio"
KEY_ADMINISTRATOR = "arn:aws:iam::111111111111:role/KeyAdministrators"  # in the matrix's account
STUDIO_NET = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]}


def reference_parameters(path: Path, region: str = "us-east-1") -> dict[str, Any]:
    """A reference manifest entry's parameters as Seed-Farmer would hand them to the module: each value as
    written, each `valueFrom: moduleMetadata` as a placeholder of the shape its key publishes."""
    from rehearsal.preflight import placeholder

    entry = yaml.safe_load(path.read_text())
    parameters: dict[str, Any] = {}
    for parameter in entry["parameters"]:
        if "value" in parameter:
            parameters[parameter["name"]] = parameter["value"]
        else:
            parameters[parameter["name"]] = placeholder(parameter["valueFrom"]["moduleMetadata"]["key"], region)
    return parameters


def reference_cases() -> dict[str, dict[str, Any]]:
    """One matrix case per distinct parameter set of the reference's manifests (two of them are the same)."""
    cases: dict[str, dict[str, Any]] = {}
    for path in sorted(REFERENCE_STUDIO.glob("*.yaml")):
        parameters = reference_parameters(path)
        if parameters not in cases.values():
            cases[f"studio-reference-{path.stem}"] = parameters
    return cases


VALID: dict[str, tuple[Path, dict[str, Any]]] = {
    "studio-defaults": (STUDIO, STUDIO_NET),
    # Identity Center users in shared spaces, without domain resource isolation, a custom image, idle bounds,
    # a boundary and role path for every role, key administrators and logs kept three years (the governance
    # parameters every module takes), the reference's CDK synthesizer overrides.
    "studio-open-sso": (
        STUDIO,
        {
            **STUDIO_NET,
            "auth_mode": "SSO",
            "data_science_users": ["alice", "bob"],
            "lead_data_science_users": ["carol"],
            "enable_domain_resource_isolation": False,
            "enable_jupyterlab_app": True,
            "enable_jupyterlab_app_sharing": True,
            "jupyterlab_app_instance_type": "ml.m5.large",
            "studio_domain_name": "team-studio",
            "studio_bucket_name": "team-data",
            "app_image_config_name": "team-image-config",
            "image_name": "team-image",
            "idle_timeout_in_minutes": 120,
            "min_idle_timeout_in_minutes": 60,
            "max_idle_timeout_in_minutes": 480,
            "role_path": "/studio/",
            "permissions_boundary_name": "mlops-boundary",
            "key-administrator-arns": [KEY_ADMINISTRATOR],
            "log-retention-days": 1096,
            "qualifier": "hnb659fds",
            "tags": {"team": "ml"},
            "custom_tags": {"cost-center": "42"},
        },
    ),
    **{name: (STUDIO, parameters) for name, parameters in reference_cases().items()},
}

BAD: dict[str, tuple[Path, dict[str, Any], str]] = {
    "studio-missing-subnets": (STUDIO, {"vpc_id": STUDIO_NET["vpc_id"]}, "subnet_ids"),
    "studio-user-name-sagemaker-refuses": (
        STUDIO,
        {**STUDIO_NET, "data_science_users": ["alice_smith"]},
        "data_science_users",
    ),
    "studio-user-with-two-roles": (
        STUDIO,
        {**STUDIO_NET, "data_science_users": ["alice"], "lead_data_science_users": ["alice"]},
        "lead_data_science_users",
    ),
    "studio-domain-name-too-long": (STUDIO, {**STUDIO_NET, "studio_domain_name": "s" * 64}, "studio_domain_name"),
    "studio-user-too-long-for-its-space": (
        STUDIO,
        {**STUDIO_NET, "enable_jupyterlab_app": True, "lead_data_science_users": ["l" * 47]},
        "lead_data_science_users",
    ),
    "studio-idle-below-sagemakers-minimum": (
        STUDIO,
        {**STUDIO_NET, "idle_timeout_in_minutes": 15},
        "idle_timeout_in_minutes",
    ),
    "studio-mlflow-without-bucket": (
        STUDIO,
        {**STUDIO_NET, "mlflow_enabled": "True"},
        "mlflow_artifact_store_bucket_name",
    ),
    "studio-unknown-instance-type": (
        STUDIO,
        {**STUDIO_NET, "jupyterlab_app_instance_type": "ml.t3.mediun"},
        "jupyterlab_app_instance_type",
    ),
    "studio-unknown-parameter": (STUDIO, {**STUDIO_NET, "retain_efs_data": "False"}, "retain_efs"),
    "studio-key-administrator-wildcard": (
        STUDIO,
        {**STUDIO_NET, "key-administrator-arns": ["arn:aws:iam::111111111111:role/*"]},
        "key-administrator-arns",
    ),
}
