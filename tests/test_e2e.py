"""`make e2e`: the real Seed-Farmer applies, re-applies, promotes and destroys manifests/multi-account/ across three
emulated accounts (a registry, dev and prod), in its remote mode, with CodeBuild stood in for.

One run of `python -m e2e` (minutes; skip it locally with `-m "not e2e"`) is shared by the tests below, which
read what it recorded in .e2e/report.json and in the CodeBuild stand-in's build folders. The single-account
manifest runs the same scenario with `python -m e2e --manifest manifests/deployment.yaml` (`make bench` times
both); the suite runs only this one, which makes every check the single-account run made (metadata against the
READMEs, the wiring, each build's environment against the rehearsal's, a re-apply redeploying nothing, an
approval served once the follower is tainted, destroy leaving only what is kept by design) on the same
deployspecs and more: README.md, "One run in `make test`, across accounts".
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
MANIFEST = ROOT / "manifests" / "multi-account" / "deployment.yaml"
REGISTRY, DEV, PROD = "111111111111", "222222222222", "333333333333"
GROUP = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package-group/fraud-detector"
VERSION = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fraud-detector"
MODULES = {
    "registry-model-registry": ("modules/sagemaker/sagemaker-model-package-group", REGISTRY),
    "networking-dev-vpc": ("modules/networking", DEV),
    "networking-prod-vpc": ("modules/networking", PROD),
    "endpoints-dev-endpoint": ("modules/sagemaker/sagemaker-endpoint", DEV),
    "endpoints-prod-endpoint": ("modules/sagemaker/sagemaker-endpoint", PROD),
}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The report of one green `python -m e2e`; a red run fails here with the step, command and log tail."""
    process = subprocess.run(
        [sys.executable, "-m", "e2e", "--scratch", str(SCRATCH)], cwd=ROOT, capture_output=True, text=True
    )
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-6000:]
    result: dict[str, Any] = json.loads((SCRATCH / "report.json").read_text())
    return result


def _builds(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(build["bundle"].removeprefix("multi-"), build["kind"], build["status"]) for build in report["builds"]]


def test_the_registry_deploys_first_then_each_group_and_destroy_runs_in_reverse(report: dict[str, Any]) -> None:
    ran = _builds(report)
    assert ran[0] == ("registry-model-registry", "deploy", 0)
    assert sorted(ran[1:3]) == [("networking-dev-vpc", "deploy", 0), ("networking-prod-vpc", "deploy", 0)]
    assert sorted(ran[3:5]) == [("endpoints-dev-endpoint", "deploy", 0), ("endpoints-prod-endpoint", "deploy", 0)]
    # The promotion: dev follows the approved version once tainted, prod's pin changed in its manifest entry.
    assert sorted(ran[5:7]) == [("endpoints-dev-endpoint", "deploy", 0), ("endpoints-prod-endpoint", "deploy", 0)]
    assert [kind for _, kind, _ in ran[7:]] == ["destroy"] * 5
    assert {bundle for bundle, _, _ in ran[7:9]} == {"endpoints-dev-endpoint", "endpoints-prod-endpoint"}
    assert ran[-1] == ("registry-model-registry", "destroy", 0)


def test_each_build_ran_in_its_modules_account_as_its_module_role() -> None:
    for folder in sorted((SCRATCH / "builds").iterdir()):
        record = json.loads((folder / "environment.json").read_text())
        bundle = folder.name.split("-", 1)[1].removeprefix("multi-")
        assert record["account"] == MODULES[bundle][1], folder.name
        assert record["role"].startswith(f"arn:aws:iam::{MODULES[bundle][1]}:role/mlops-multi-"), folder.name


def test_seedfarmer_keeps_each_modules_metadata_in_its_account_and_the_manifest_in_the_toolchain(
    report: dict[str, Any],
) -> None:
    steps = [step["name"] for step in report["steps"]]
    assert "each module's stack and metadata are in its own account, and nowhere else" in steps


@pytest.mark.parametrize("module", sorted(MODULES))
def test_seedfarmer_stored_the_metadata_the_module_readme_documents(report: dict[str, Any], module: str) -> None:
    documented = {row[0].strip("`") for row in table(module_documents(ROOT / MODULES[module][0]), "## Outputs")}
    assert set(report["metadata"][module]) - SEEDFARMER_KEYS == documented


def test_each_endpoint_received_its_accounts_vpc_and_the_registrys_group(report: dict[str, Any]) -> None:
    metadata = report["metadata"]
    for stage in ("dev", "prod"):
        endpoint = report["environments"][f"multi-endpoints-{stage}-endpoint"]
        assert endpoint["SEEDFARMER_PARAMETER_VPC_ID"] == metadata[f"networking-{stage}-vpc"]["VpcId"]
        assert (
            json.loads(endpoint["SEEDFARMER_PARAMETER_SUBNET_IDS"])
            == metadata[f"networking-{stage}-vpc"]["PrivateSubnetIds"]
        )
        registry = metadata["registry-model-registry"]
        assert endpoint["SEEDFARMER_PARAMETER_MODEL_ARTIFACTS_BUCKET_ARN"] == registry["ModelArtifactsBucketArn"]
    dev = report["environments"]["multi-endpoints-dev-endpoint"]
    assert dev["SEEDFARMER_PARAMETER_MODEL_PACKAGE_GROUP_NAME"] == GROUP
    assert metadata["registry-model-registry"]["TargetAccountIds"] == [DEV, PROD]


def test_the_prod_endpoint_serves_the_registrys_version_it_pins_from_its_own_account(report: dict[str, Any]) -> None:
    assert report["serving"][-1].startswith(f"endpoints/prod-endpoint in prod ({PROD}): model ")
    assert report["serving"][-1].endswith(f"runs package {VERSION}/1 of account registry ({REGISTRY})")
    assert report["metadata"]["endpoints-prod-endpoint"]["ModelPackageArn"] == f"{VERSION}/1"


def test_the_rehearsal_builds_the_environment_seedfarmer_gave_each_build(report: dict[str, Any]) -> None:
    """The rehearsal cannot drift from Seed-Farmer: for every module, the same variables, the same values (but
    the bundle's digest, which Seed-Farmer's remote mode adds for the build and the rehearsal does not compute)."""
    from rehearsal.environment import Published, module_environment
    from rehearsal.manifests import load_deployment

    deployment = load_deployment(MANIFEST)
    published = Published()
    for group in deployment.groups:
        for module in group.modules:
            rehearsed = module_environment(deployment, group.name, module, ROOT, published, _no_secrets)
            received = dict(report["environments"][f"multi-{group.name}-{module.name}"])
            received.pop("SEEDFARMER_MODULE_MD5")
            assert rehearsed == received, f"{group.name}/{module.name}: " + _difference(rehearsed, received)
            metadata = report["metadata"][f"{group.name}-{module.name}"]
            published.metadata[(group.name, module.name)] = {
                key: value for key, value in metadata.items() if key not in SEEDFARMER_KEYS
            }


def test_a_second_apply_redeploys_nothing(report: dict[str, Any]) -> None:
    steps = [step["name"] for step in report["steps"]]
    assert "nothing was redeployed" in steps


def test_an_approval_in_the_registry_redeploys_nothing_until_dev_is_tainted_and_prods_pin_changes(
    report: dict[str, Any],
) -> None:
    update = report["update"]
    assert update["steps"] == ["approve", "promote-prod"]
    assert update["approved"] == [f"{VERSION}/2"]
    assert update["apply_redeployed"] is False
    assert update["followers"] == ["endpoints-dev-endpoint"]
    assert update["promoted"] == {"endpoints-prod-endpoint": f"{VERSION}/2"}
    for module in ("endpoints-dev-endpoint", "endpoints-prod-endpoint"):
        assert update["before"][module]["ModelPackageArn"] == f"{VERSION}/1"
        assert update["after"][module]["ModelPackageArn"] == f"{VERSION}/2"


def test_destroy_leaves_in_each_account_only_what_is_kept_by_design(report: dict[str, Any]) -> None:
    assert report["leftovers"] == {}
    for alias, account in (("registry", REGISTRY), ("dev", DEV), ("prod", PROD)):
        stacks = report["kept"][f"{alias} ({account}): CloudFormation stack (kept by Seed-Farmer)"]
        assert set(stacks) <= {"aws-codeseeder-mlops", "seedfarmer-mlops-artifacts", "mlops-managed-policy"}
    kept = {kind: ids for kind, ids in report["kept"].items() if "DeletionPolicy" in kind}
    keys = kept[f"dev ({DEV}): KMS key (enabled) (kept by its stack's DeletionPolicy, as in AWS)"]
    assert sorted(key.split(" (")[1].split(" ")[0] for key in keys) == [
        "mlops-multi-endpoints-dev-endpoint",
        "mlops-multi-networking-dev-vpc",
    ]
    # The registry keeps its group (with the versions the pipeline registered), its buckets and its key
    # (retain_on_delete, its default); every statement the endpoints added to their bus policies is gone.
    [group] = kept[
        f"registry ({REGISTRY}): SageMaker model package group (kept by its stack's DeletionPolicy, as in AWS)"
    ]
    assert group.startswith("fraud-detector (mlops-multi-registry-model-registry ModelPackageGroup, ")
    assert all("RetainExceptOnCreate" in item for ids in kept.values() for item in ids)
    assert not [kind for kind in report["kept"] if "bus policy statement" in kind]


def test_a_green_run_prunes_its_scratch_folder_to_the_report_logs_and_builds(report: dict[str, Any]) -> None:
    assert sorted(path.name for path in SCRATCH.iterdir()) == ["builds", "logs", "report.json"]
    size = sum(path.stat().st_size for path in SCRATCH.rglob("*") if path.is_file())
    assert size < 20_000_000, f"{SCRATCH} holds {size / 1e6:.0f} MB after a green run"


def _no_secrets(kind: str, name: str) -> str:
    raise AssertionError(f"the multi-account manifest reads no {kind} ({name})")


def _difference(rehearsed: dict[str, str], received: dict[str, str]) -> str:
    names = sorted(set(rehearsed) | set(received))
    return "; ".join(
        f"{name}: rehearsal {rehearsed.get(name)!r}, Seed-Farmer {received.get(name)!r}"
        for name in names
        if rehearsed.get(name) != received.get(name)
    )
