"""The manifests are ones Seed-Farmer accepts, and every module they name is a Seed-Farmer module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.repository import MODULE_DIRS, ROOT, module_package, module_parameters

CDK_CLI_VERSION = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]


def test_deployment_manifest_validates_with_seedfarmer_models(deployment: Any) -> None:
    assert deployment.name == "demo"
    assert [group.name for group in deployment.groups][:1] == ["networking"]
    assert all(group.modules for group in deployment.groups)


def test_every_group_manifest_in_the_folder_is_deployed(deployment: Any) -> None:
    referenced = {group.path for group in deployment.groups}
    on_disk = {str(path.relative_to(ROOT)) for path in (ROOT / "manifests").glob("*-modules.yaml")}
    assert on_disk == referenced


def test_modules_deploy_to_the_primary_account_and_region(deployment: Any) -> None:
    for group in deployment.groups:
        for module in group.modules:
            assert module.get_target_account_id() == "123456789012"
            assert module.target_region == "us-east-1"


def test_every_module_path_holds_a_deployspec_seedfarmer_accepts(deployment: Any) -> None:
    from seedfarmer.models import DeploySpec

    for group in deployment.groups:
        for module in group.modules:
            folder = ROOT / module.path
            assert (folder / "app.py").is_file(), f"{group.name}/{module.name}: {module.path} has no app.py"
            spec = DeploySpec(**yaml.safe_load((folder / "deployspec.yaml").read_text()))
            assert spec.deploy is not None
            assert spec.destroy is not None


def test_deployspecs_install_the_pinned_cdk_cli_and_publish_metadata() -> None:
    for folder in MODULE_DIRS:
        spec = yaml.safe_load((folder / "deployspec.yaml").read_text())
        for phase in ("deploy", "destroy"):
            install = spec[phase]["phases"]["install"]["commands"]
            assert f"npm install -g aws-cdk@{CDK_CLI_VERSION}" in install, folder
            # uv: Seed-Farmer's build preamble installs it and activates its ~/.venv before these commands.
            assert "uv pip install -r requirements.txt" in install, folder
        # app.py, run through the library's wrapper: the synthesis's Node.js with the tests' V8 flags.
        app = '--app "python -m mlops_platform.run_app"'
        build = spec["deploy"]["phases"]["build"]["commands"]
        assert build == [
            f"cdk deploy --require-approval never --progress events {app} --outputs-file ./cdk-exports.json",
            "seedfarmer metadata convert -f cdk-exports.json",
        ]
        assert spec["destroy"]["phases"]["build"]["commands"] == [f"cdk destroy --force {app}"]


def test_every_module_ships_what_seedfarmer_and_its_users_need() -> None:
    for folder in MODULE_DIRS:
        for name in ("app.py", "deployspec.yaml", "requirements.txt", "README.md"):
            assert (folder / name).is_file(), f"{folder.relative_to(ROOT)} has no {name}"
        package = folder / module_package(folder)
        assert (package / "__init__.py").is_file(), f"{package.relative_to(ROOT)} is not a package"
        assert any((folder / "tests").glob("test_*.py")), f"{folder.relative_to(ROOT)} has no tests"


def test_manifest_parameters_are_ones_the_module_declares(deployment: Any) -> None:

    for group in deployment.groups:
        for module in group.modules:
            declared = module_parameters(Path(ROOT / module.path).resolve())
            for parameter in module.parameters:
                assert parameter.name in declared, f"{group.name}/{module.name}: unknown parameter {parameter.name}"


@pytest.mark.xdist_group("rehearsal")
def test_every_metadata_reference_names_an_earlier_module_and_a_key_it_publishes(
    deployment: Any, default_rehearsal: Any
) -> None:
    """What each producer publishes is read from its synthesized and created stack, not from a list."""
    order = [group.name for group in deployment.groups]
    published = {
        (module.group, module.module): set(module.metadata) for group in default_rehearsal.groups for module in group
    }
    references = 0
    for position, group in enumerate(deployment.groups):
        for module in group.modules:
            for parameter in module.parameters:
                reference = parameter.value_from.module_metadata if parameter.value_from else None
                if reference is None:
                    continue
                references += 1
                where = f"{group.name}/{module.name} parameter {parameter.name}"
                assert reference.group in order[:position], f"{where}: group {reference.group} does not deploy earlier"
                producer = (reference.group, reference.name)
                assert producer in published, f"{where}: no module {reference.name} in group {reference.group}"
                assert reference.key in published[producer], f"{where}: {reference.key} is not published"
    assert references >= 2
