"""The README's outputs table lists exactly the metadata keys the module publishes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"


def outputs_table() -> list[str]:
    section = README.read_text().split("\n## Outputs\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [row.split("`")[1] for row in rows]


def test_the_outputs_table_lists_every_metadata_key_in_order(synthesize: Callable[..., Any]) -> None:
    everything = synthesize(
        target_account_ids=("222222222222",),
        ecr_repository_arns=("arn:aws:ecr:us-east-1:111111111111:repository/fraud",),
    )
    assert outputs_table() == list(everything.metadata)


def test_the_keys_the_reference_marks_optional_are_left_out_when_nothing_is_forwarded(
    synthesize: Callable[..., Any],
) -> None:
    metadata = synthesize(model_artifacts_bucket_arn="arn:aws:s3:::ml-models").metadata
    assert set(outputs_table()) - set(metadata) == {
        "SagemakerModelPackageGroupEventRuleArn",
        "EventForwardingRoleArn",
        "ModelArtifactsKmsKeyArn",
    }
