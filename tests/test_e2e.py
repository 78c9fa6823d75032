"""`make e2e`: the real Seed-Farmer applies, re-applies, updates and destroys our manifests in the emulator.

One run of `python -m e2e` (several minutes; skip it locally with `-m "not e2e"`) is shared by the tests
below, which read what it recorded in .e2e/report.json and in the CodeBuild stand-in's build folders.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from e2e.checks import SEEDFARMER_KEYS
from tests.repository import ROOT, module_documents
from tests.test_docs import table

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SCRATCH = ROOT / ".e2e"
NETWORKING, ENDPOINT = "networking-vpc", "sagemaker-endpoints-endpoint"
MODULE_PATHS = {NETWORKING: "modules/networking", ENDPOINT: "modules/sagemaker/sagemaker-endpoint"}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The report of one green `python -m e2e`; a red run fails here with the step, command and log tail."""
    process = subprocess.run(
        [sys.executable, "-m", "e2e", "--scratch", str(SCRATCH)], cwd=ROOT, capture_output=True, text=True
    )
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-6000:]
    result: dict[str, Any] = json.loads((SCRATCH / "report.json").read_text())
    return result


def test_builds_deploy_in_group_order_update_the_endpoint_and_destroy_in_reverse(report: dict[str, Any]) -> None:
    ran = [(build["bundle"].removeprefix("demo-"), build["kind"], build["status"]) for build in report["builds"]]
    assert ran == [
        (NETWORKING, "deploy", 0),
        (ENDPOINT, "deploy", 0),
        (ENDPOINT, "deploy", 0),  # the redeploy after the newer package was approved
        (ENDPOINT, "destroy", 0),
        (NETWORKING, "destroy", 0),
    ]


@pytest.mark.parametrize("module", [NETWORKING, ENDPOINT])
def test_seedfarmer_stored_the_metadata_the_module_readme_documents(report: dict[str, Any], module: str) -> None:
    documented = {row[0].strip("`") for row in table(module_documents(ROOT / MODULE_PATHS[module]), "## Outputs")}
    assert set(report["metadata"][module]) - SEEDFARMER_KEYS == documented


def test_endpoint_build_received_networkings_ids(report: dict[str, Any]) -> None:
    networking = report["metadata"][NETWORKING]
    endpoint = report["environments"][f"demo-{ENDPOINT}"]
    assert endpoint["SEEDFARMER_PARAMETER_VPC_ID"] == networking["VpcId"]
    assert json.loads(endpoint["SEEDFARMER_PARAMETER_SUBNET_IDS"]) == networking["PrivateSubnetIds"]


def test_the_rehearsal_builds_the_environment_seedfarmer_gave_each_build(
    report: dict[str, Any], deployment: Any
) -> None:
    """The rehearsal cannot drift from Seed-Farmer: for every module, the same variables, the same values."""
    from rehearsal.environment import Published, module_environment

    published = Published()
    for group in deployment.groups:
        for module in group.modules:
            rehearsed = module_environment(deployment, group.name, module, ROOT, published, _no_secrets)
            received = report["environments"][f"demo-{group.name}-{module.name}"]
            assert rehearsed == received, f"{group.name}/{module.name}: " + _difference(rehearsed, received)
            metadata = report["metadata"][f"{group.name}-{module.name}"]
            published.metadata[(group.name, module.name)] = {
                key: value for key, value in metadata.items() if key not in SEEDFARMER_KEYS
            }


def test_a_second_apply_redeploys_nothing(report: dict[str, Any]) -> None:
    steps = [step["name"] for step in report["steps"]]
    assert "nothing was redeployed" in steps


def test_an_approval_alone_is_not_redeployed_and_a_redeploy_serves_the_approved_package(
    report: dict[str, Any],
) -> None:
    update = report["update"]
    assert update["approved"].endswith(":model-package/demo-fraud-detector/3")
    assert update["apply_redeployed"] is False
    assert update["before"]["ModelPackageArn"].endswith(":model-package/demo-fraud-detector/2")
    assert update["after"]["ModelPackageArn"] == update["approved"]


def test_destroy_leaves_only_what_is_kept_by_design_each_with_its_reason(report: dict[str, Any]) -> None:
    assert report["leftovers"] == {}
    assert set(report["kept"]["CloudFormation stack (kept by Seed-Farmer)"]) <= {
        "aws-codeseeder-mlops",
        "seedfarmer-mlops-artifacts",
        "mlops-managed-policy",
    }
    by_policy = {kind: ids for kind, ids in report["kept"].items() if "DeletionPolicy" in kind}
    # Both modules keep their key and their log groups (RetainExceptOnCreate), as AWS keeps them.
    keys = by_policy["KMS key (enabled) (kept by its stack's DeletionPolicy, as in AWS)"]
    assert sorted(key.split(" (")[1].split(" ")[0] for key in keys) == [
        "mlops-demo-networking-vpc",
        "mlops-demo-sagemaker-endpoints-endpoint",
    ]
    groups = by_policy["log group (kept by its stack's DeletionPolicy, as in AWS)"]
    assert any(
        group.startswith("/aws/sagemaker/Endpoints/mlops-demo-sagemaker-endpoints-endpoint (") for group in groups
    )
    assert all("RetainExceptOnCreate" in item for ids in by_policy.values() for item in ids)
    assert not [kind for kind in report["kept"] if "not yet explained" in kind]


def test_a_green_run_prunes_its_scratch_folder_to_the_report_logs_and_builds(report: dict[str, Any]) -> None:
    assert sorted(path.name for path in SCRATCH.iterdir()) == ["builds", "logs", "report.json"]
    size = sum(path.stat().st_size for path in SCRATCH.rglob("*") if path.is_file())
    assert size < 20_000_000, f"{SCRATCH} holds {size / 1e6:.0f} MB after a green run"


def _no_secrets(kind: str, name: str) -> str:
    raise AssertionError(f"the default manifest reads no {kind} ({name})")


def _difference(rehearsed: dict[str, str], received: dict[str, str]) -> str:
    names = sorted(set(rehearsed) | set(received))
    return "; ".join(
        f"{name}: rehearsal {rehearsed.get(name)!r}, Seed-Farmer {received.get(name)!r}"
        for name in names
        if rehearsed.get(name) != received.get(name)
    )
