"""Compute monitoring baselines once: one processing job per baseline whose files do not exist yet.

Plain functions that take their clients (the handler builds them), so tests run them against an emulator.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

DONE = {"Completed"}
FAILED = {"Failed", "Stopped"}
POLL_SECONDS = 20


@dataclass(frozen=True)
class Outcome:
    """What the custom resource answers: SUCCESS or FAILED, why, and the jobs it ran."""

    status: str
    reason: str
    jobs: dict[str, str]


def inputs_digest(jobs: list[dict[str, Any]]) -> str:
    """A short hash of everything that defines the baselines (the custom resource's physical id)."""
    return hashlib.sha256(json.dumps(jobs, sort_keys=True).encode()).hexdigest()[:8]


def job_name(prefix: str, kind: str, job: dict[str, Any], request_id: str) -> str:
    """Unique per deployment request: processing job names can never be used twice in an account."""
    return f"{prefix}-{kind}-{inputs_digest([job])}-{request_id.replace('-', '')[:8]}"


def exists(s3: Any, uri: str) -> bool:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return False
        raise
    return True


def compute(
    sagemaker: Any,
    s3: Any,
    properties: dict[str, Any],
    request_id: str,
    time_left: Callable[[], float],
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Start the baselining jobs whose files are missing and wait for them while `time_left()` allows."""
    jobs: list[dict[str, Any]] = json.loads(properties["Jobs"])
    started: dict[str, str] = {}
    for job in jobs:
        if all(exists(s3, uri) for uri in job["Files"]):
            continue
        name = job_name(properties["NamePrefix"], job["Kind"], job, request_id)
        sagemaker.create_processing_job(ProcessingJobName=name, **job["Request"])
        started[job["Kind"]] = name
    if not started:
        return Outcome("SUCCESS", "every baseline already exists", {})
    return wait(sagemaker, started, time_left, sleep)


def wait(
    sagemaker: Any, started: dict[str, str], time_left: Callable[[], float], sleep: Callable[[float], None]
) -> Outcome:
    pending = dict(started)
    while pending:
        for kind, name in list(pending.items()):
            job = sagemaker.describe_processing_job(ProcessingJobName=name)
            status = job["ProcessingJobStatus"]
            if status in FAILED:
                reason = job.get("FailureReason") or job.get("ExitMessage") or status
                return Outcome("FAILED", f"baselining job {name} ({kind}) {status.lower()}: {reason}", started)
            if status in DONE:
                del pending[kind]
        if pending and time_left() < POLL_SECONDS * 2:
            names = ", ".join(pending.values())
            return Outcome(
                "FAILED",
                f"baselining job(s) {names} still running when the function had to answer; they keep running: "
                "deploy again once they complete (their baselines are then found and not computed again)",
                started,
            )
        if pending:
            sleep(POLL_SECONDS)
    return Outcome("SUCCESS", f"computed {len(started)} baseline(s)", started)
