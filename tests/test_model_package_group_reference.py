"""The reference module's own sample manifest for its model package group module (aiops-modules'
examples/manifests/sagemaker-model-package-group-modules.yaml), parameters unchanged: the parameter matrix
synthesizes both of its modules with exactly these values (tests/matrix.py `registry-reference-sample-*`),
rule-pack, Control Tower and cfn-lint clean (tests/test_matrix.py)."""

from __future__ import annotations

from typing import Any

import yaml

from tests.matrix import VALID
from tests.repository import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "manifests" / "reference-model-package-group-modules.yaml"
# The reference's event-bus module (group `events`, module `event-bus`) publishes its bus's ARN; the matrix
# gives the bus that module would create in the account (a custom bus of the registry's account).
EVENT_BUS_ARN = VALID["registry-reference-sample-source"][1]["target_event_bus_arn"]


def modules() -> dict[str, Any]:
    from seedfarmer.models.manifests import ModuleManifest

    return {document["name"]: ModuleManifest(**document) for document in yaml.safe_load_all(SAMPLE.read_text())}


def values(module: Any) -> dict[str, Any]:
    found = {}
    for parameter in module.parameters:
        if parameter.value_from is not None:
            assert parameter.value_from.module_metadata.key == "EventBusArn"
            found[parameter.name] = EVENT_BUS_ARN
        else:
            found[parameter.name] = parameter.value
    return found


def test_the_sample_keeps_the_references_values_as_seedfarmer_reads_them() -> None:
    source = values(modules()["source-model-package-group"])
    assert source["target_account_ids"] == '["444333222555"]'  # JSON text, as the reference writes it
    assert source["sagemaker_project_id"] == 123123  # a number
    assert EVENT_BUS_ARN.split(":")[2] == "events"
    assert EVENT_BUS_ARN.split(":")[5].startswith("event-bus/")


def test_the_matrix_synthesizes_both_modules_with_exactly_the_samples_values() -> None:
    sample = modules()
    assert VALID["registry-reference-sample-source"][1] == values(sample["source-model-package-group"])
    assert VALID["registry-reference-sample-target"][1] == values(sample["target-model-package-group"])
    assert {VALID[case][0].relative_to(ROOT).as_posix() for case in VALID if case.startswith("registry-reference")} == {
        module.path for module in sample.values()
    }
