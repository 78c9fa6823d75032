"""The reference repository's own manifests that deploy its sagemaker-studio module deploy with ours, module
path aside: each entry's parameters (tests/fixtures/reference-studio/, metadata it reads as placeholders of
the right shape) is a valid set of the parameter matrix, which synthesizes it with CDK's validation, the rule
packs, Control Tower's controls and cfn-lint (tests/test_matrix.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.matrix import VALID
from tests.repository import module_parameters
from tests.studio_cases import REFERENCE_STUDIO, STUDIO, reference_parameters

MANIFESTS = sorted(REFERENCE_STUDIO.glob("*.yaml"))


def test_the_four_manifests_of_the_reference_that_deploy_its_studio_module_are_here() -> None:
    assert sorted(path.stem for path in MANIFESTS) == [
        "deepseek-sagemaker",
        "mlflow-tracking",
        "mlops-sagemaker",
        "mlops-sagemaker-multiacc",
    ]
    for path in MANIFESTS:
        entry = yaml.safe_load(path.read_text())
        assert entry["name"] == "studio"
        assert entry["path"].startswith(
            "git::https://github.com/awslabs/aiops-modules.git//modules/sagemaker/sagemaker-studio"
        )


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: Path(path).stem)
def test_each_reference_manifest_is_a_valid_set_of_the_matrix_unchanged(path: Path) -> None:
    parameters = reference_parameters(path)
    assert (STUDIO, parameters) in VALID.values()


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: Path(path).stem)
def test_every_parameter_the_reference_gives_is_one_the_module_takes(path: Path) -> None:
    declared = {name.replace("-", "_") for name in module_parameters(STUDIO)}
    assert set(reference_parameters(path)) <= declared
