"""manifests/multi-account/: a registry account and two workload accounts, as Seed-Farmer loads it; the model
package group synthesizes with the parameters the manifest gives it, and every cross-account contract holds
over its template for both workload accounts.

The endpoint entries take a group and a version of another account, which the endpoint module accepts once it
serves cross-account sources (issue 22, item 2); until then only their wiring is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.matrix import ACCOUNT, DEV, PROD, REGION
from tests.real_account.across import failures
from tests.real_account.cfn import Template
from tests.real_account.policies import documents
from tests.real_account.registry_contracts import cross_account
from tests.real_account.sar import document_findings
from tests.real_account.workload import Registry
from tests.repository import ROOT

# The registry is synthesized once (about 10 s, validation on), on one worker for all of these tests.
pytestmark = pytest.mark.xdist_group("multi-account")

MANIFEST = ROOT / "manifests" / "multi-account" / "deployment.yaml"


@pytest.fixture(scope="module")
def multi_account() -> Any:
    """The manifest as Seed-Farmer loads it, with the accounts .env defaults to."""
    from rehearsal.manifests import load_deployment

    for variable in ("REGISTRY_ACCOUNT", "DEV_ACCOUNT", "PROD_ACCOUNT"):
        os.environ.pop(variable, None)
    return load_deployment(MANIFEST)


def modules(deployment: Any) -> dict[str, Any]:
    return {module.name: module for group in deployment.groups for module in group.modules}


def test_each_module_deploys_to_its_account_of_the_mapping(multi_account: Any) -> None:
    assert [group.name for group in multi_account.groups] == ["registry", "networking", "endpoints"]
    accounts = {name: str(module.get_target_account_id()) for name, module in modules(multi_account).items()}
    assert accounts == {
        "model-registry": ACCOUNT,
        "dev-vpc": DEV,
        "prod-vpc": PROD,
        "dev-endpoint": DEV,
        "prod-endpoint": PROD,
    }
    assert {str(module.target_region) for module in modules(multi_account).values()} == {REGION}


@pytest.fixture(scope="module")
def registry_template(multi_account: Any, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The registry module synthesized as Seed-Farmer runs it: `python app.py` in its folder, with the
    environment Seed-Farmer builds from the manifest (no AWS credentials: the account reads are skipped)."""
    from rehearsal.environment import Published, module_environment

    [group] = [group for group in multi_account.groups if group.name == "registry"]
    [module] = group.modules
    environment = module_environment(multi_account, group.name, module, ROOT, Published(), lambda *_: "")
    # What the CDK CLI sets from the deployment role's credentials in the module's account.
    environment |= {"CDK_DEFAULT_ACCOUNT": str(module.get_target_account_id()), "CDK_DEFAULT_REGION": REGION}
    outdir = tmp_path_factory.mktemp("multi-account-registry")
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SEEDFARMER_", "AWS_", "CDK_"))}
    base |= {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}
    base |= {"AWS_EC2_METADATA_DISABLED": "true", "CDK_OUTDIR": str(outdir)}
    process = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT / module.path,
        env={**base, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    [path] = Path(outdir).glob("*.template.json")
    return Template(
        case="multi-account-registry", module="sagemaker-model-package-group", raw=json.loads(path.read_text())
    )


def test_the_registry_grants_dev_and_prod_exactly(registry_template: Template) -> None:
    metadata = Registry.of(registry_template).metadata
    assert metadata["TargetAccountIds"] == [DEV, PROD]
    assert metadata["SagemakerModelPackageGroupName"] == "fraud-detector"
    [rule] = [resource for _, resource in registry_template.of_type("AWS::Events::Rule")]
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [
        f"arn:aws:events:{REGION}:{DEV}:event-bus/default",
        f"arn:aws:events:{REGION}:{PROD}:event-bus/default",
    ]


@pytest.mark.parametrize("account", [DEV, PROD])
def test_every_cross_account_contract_holds_over_the_manifests_registry(
    registry_template: Template, account: str
) -> None:
    contracts = cross_account(registry_template, account)
    assert len(contracts) >= 10
    assert failures(contracts) == []


def test_the_registrys_statements_follow_the_service_authorization_reference(registry_template: Template) -> None:
    assert [finding for document in documents(registry_template) for finding in document_findings(document)] == []


def test_the_endpoints_read_keys_the_registry_publishes_and_are_among_its_targets(
    multi_account: Any, registry_template: Template
) -> None:
    published = set(Registry.of(registry_template).metadata)
    granted = Registry.of(registry_template).metadata["TargetAccountIds"]
    for name in ("dev-endpoint", "prod-endpoint"):
        module = modules(multi_account)[name]
        read = {
            parameter.value_from.module_metadata.key
            for parameter in module.parameters
            if parameter.value_from and parameter.value_from.module_metadata.group == "registry"
        }
        assert read <= published, name
        assert str(module.get_target_account_id()) in granted


def test_prod_is_pinned_to_a_version_of_the_registrys_group(multi_account: Any) -> None:
    values = {parameter.name: parameter.value for parameter in modules(multi_account)["prod-endpoint"].parameters}
    assert values["model-package-arn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/1"
    dev = {parameter.name: parameter for parameter in modules(multi_account)["dev-endpoint"].parameters}
    assert dev["model-package-group-name"].value_from.module_metadata.key == "SagemakerModelPackageGroupArn"
