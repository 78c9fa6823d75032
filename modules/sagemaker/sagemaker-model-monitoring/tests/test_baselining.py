"""The baselining custom resource: one processing job per missing baseline, run once, its failure the deploy's."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

FUNCTION = Path(__file__).resolve().parents[1] / "functions" / "baselining"
BUCKET = "mlops-artifacts"
FILES = [
    f"s3://{BUCKET}/baselines/data-quality/constraints.json",
    f"s3://{BUCKET}/baselines/data-quality/statistics.json",
]


@pytest.fixture
def baselining() -> Iterator[Any]:
    sys.path.insert(0, str(FUNCTION))
    try:
        import baselining

        yield baselining
    finally:
        sys.path.remove(str(FUNCTION))


def properties() -> dict[str, str]:
    request = {
        "ProcessingInputs": [
            {
                "InputName": "baseline_dataset_input",
                "S3Input": {
                    "S3Uri": f"s3://{BUCKET}/training",
                    "LocalPath": "/opt/ml/processing/input/baseline_dataset_input",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/baselines/data-quality",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "AppSpecification": {
            "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
        },
        "RoleArn": "arn:aws:iam::123456789012:role/monitoring",
    }
    jobs = [{"Kind": "data-quality", "Files": FILES, "Request": request}]
    return {"NamePrefix": "mlops-demo-monitoring-baseline", "Jobs": json.dumps(jobs)}


def never_sleep(_: float) -> None:
    return None


def test_a_missing_baseline_is_computed_by_one_processing_job(baselining: Any, account: dict[str, Any]) -> None:
    outcome = baselining.compute(
        account["sagemaker"], account["s3"], properties(), "abcd-1234-ef", lambda: 600, never_sleep
    )
    assert outcome.status == "SUCCESS"
    [name] = outcome.jobs.values()
    assert name.startswith("mlops-demo-monitoring-baseline-data-quality-")
    assert name.endswith("-abcd1234")
    assert len(name) <= 63
    job = account["sagemaker"].describe_processing_job(ProcessingJobName=name)
    assert job["ProcessingInputs"][0]["S3Input"]["S3Uri"] == f"s3://{BUCKET}/training"


def test_baselines_that_exist_are_not_computed_again(baselining: Any, account: dict[str, Any]) -> None:
    for uri in FILES:
        account["s3"].put_object(Bucket=BUCKET, Key=uri.split(f"{BUCKET}/")[1], Body=b"{}")
    outcome = baselining.compute(account["sagemaker"], account["s3"], properties(), "r-1", lambda: 600, never_sleep)
    assert (outcome.status, outcome.jobs) == ("SUCCESS", {})
    assert account["sagemaker"].list_processing_jobs()["ProcessingJobSummaries"] == []


class Jobs:
    """A SageMaker stand-in whose processing jobs report the statuses given, one per describe."""

    def __init__(self, *statuses: str, reason: str = "") -> None:
        self.statuses, self.reason = list(statuses), reason
        self.created: list[str] = []

    def create_processing_job(self, **request: Any) -> None:
        self.created.append(request["ProcessingJobName"])

    def describe_processing_job(self, ProcessingJobName: str) -> dict[str, str]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"ProcessingJobStatus": status, "FailureReason": self.reason}


def test_a_failed_baselining_job_fails_the_deploy_with_its_reason(baselining: Any, account: dict[str, Any]) -> None:
    jobs = Jobs("InProgress", "Failed", reason="ClientError: training data has no header")
    outcome = baselining.compute(jobs, account["s3"], properties(), "r-2", lambda: 600, never_sleep)
    assert outcome.status == "FAILED"
    assert "failed: ClientError: training data has no header" in outcome.reason


def test_a_job_still_running_when_the_function_must_answer_says_what_to_do(
    baselining: Any, account: dict[str, Any]
) -> None:
    remaining: list[float] = [600, 30]
    jobs = Jobs("InProgress")
    outcome = baselining.compute(jobs, account["s3"], properties(), "r-3", lambda: remaining.pop(0), never_sleep)
    assert outcome.status == "FAILED"
    assert "still running when the function had to answer" in outcome.reason
    assert "deploy again once they complete" in outcome.reason


def test_the_function_may_start_only_its_own_jobs_with_the_modules_key(synthesize: Callable[..., Any]) -> None:
    stack = synthesize(
        data_quality_baseline_s3_uri=None,
        baseline_training_data_s3_uri=f"s3://{BUCKET}/training",
        baseline_output_data_s3_uri=f"s3://{BUCKET}/computed",
    )
    statements = stack.statements("BaseliningFunctionPolicy")
    start = statements["StartBaseliningJobs"]
    assert start["Resource"].endswith(":processing-job/mlops-test-monitoring-baseline-*")
    assert start["Condition"]["Bool"] == {
        "sagemaker:NetworkIsolation": "true",
        "sagemaker:InterContainerTrafficEncryption": "true",
    }
    assert "StringEquals" not in start["Condition"]  # the key condition's name differs between SAR copies
    assert statements["PassMonitoringRole"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }
    [resource] = stack.resources("Custom::MonitoringBaselines").values()
    [schedule] = stack.resources("AWS::SageMaker::MonitoringSchedule").values()
    assert next(iter(stack.resources("Custom::MonitoringBaselines"))) in schedule["DependsOn"]
    assert resource["Properties"]["NamePrefix"] == "mlops-test-monitoring-baseline"
