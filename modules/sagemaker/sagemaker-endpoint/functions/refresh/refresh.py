"""Reload an endpoint's model after a new upload of its model data: the logic, free of Lambda.

An upload reaches this code through an SQS FIFO queue (one message group per endpoint, so uploads are
handled one at a time, in order) whose delivery delay is the debounce window. For each upload:

- superseded: a newer upload of the same object exists, so this one is skipped; the newer upload's
  own message comes later. A burst of uploads within the debounce window therefore refreshes once.
- busy: the endpoint is Creating, Updating, RollingBack or SystemUpdating. `EndpointBusy` is raised,
  the message goes back to the queue and is delivered again after the visibility timeout; nothing is
  dropped, nothing waits in a sleep.
- failed: the endpoint is Failed. The upload is reported (sent to the dead-letter queue, whose alarm
  fires) and not retried.
- applied: the endpoint already serves this upload (the tag it was given says so): nothing to do, so
  a duplicate delivery never starts a second update.
- refreshed: the endpoint is switched to the twin of its current configuration (same models, other
  name), so SageMaker loads the model data again, under the endpoint's own deployment guardrails.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

APPLIED_TAG = "mlops:refreshed-model-data"
BUSY = {"Creating", "Updating", "SystemUpdating", "RollingBack", "UpdateRollbackFailed"}


class EndpointBusy(Exception):
    """The endpoint cannot take an update now; the upload is delivered again later."""


class Logger(Protocol):
    def info(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...
    def warning(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...
    def error(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Upload:
    """One `Object Created` event of a watched model data object."""

    bucket: str
    key: str
    version_id: str | None
    etag: str
    sequencer: str
    time: str

    @classmethod
    def from_eventbridge(cls, event: dict[str, Any]) -> Upload:
        detail = event["detail"]
        obj = detail["object"]
        return cls(
            bucket=detail["bucket"]["name"],
            key=obj["key"],
            version_id=obj.get("version-id"),
            etag=obj.get("etag", ""),
            sequencer=obj.get("sequencer", ""),
            time=event.get("time", ""),
        )

    @property
    def token(self) -> str:
        """What identifies this upload: the S3 version, or (unversioned bucket) its ETag and sequencer."""
        return self.version_id or f"{self.etag}@{self.sequencer}"


@dataclass(frozen=True)
class Target:
    """The endpoint to refresh and its two equivalent configurations."""

    endpoint_name: str
    config_names: tuple[str, str]
    dead_letter_queue_url: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Target:
        env = os.environ if environ is None else environ
        return cls(
            endpoint_name=env["SAGEMAKER_ENDPOINT_NAME"],
            config_names=(env["ENDPOINT_CONFIG_NAME"], env["TWIN_ENDPOINT_CONFIG_NAME"]),
            dead_letter_queue_url=env["DEAD_LETTER_QUEUE_URL"],
        )

    def other_config(self, current: str) -> str:
        first, second = self.config_names
        return second if current == first else first


@dataclass(frozen=True)
class Outcome:
    result: str  # superseded | failed | applied | refreshed
    endpoint_name: str
    upload: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def refresh(upload: Upload, target: Target, s3: Any, sagemaker: Any, sqs: Any, log: Logger) -> Outcome:
    """Decide what one upload means for the endpoint, and act on it (see the module docstring)."""
    newer = superseded_by(upload, s3)
    if newer:
        log.info("upload superseded", extra={"upload": upload.token, "newer": newer})
        return Outcome("superseded", target.endpoint_name, upload.token, f"newer upload {newer}")

    endpoint = sagemaker.describe_endpoint(EndpointName=target.endpoint_name)
    status = endpoint["EndpointStatus"]
    if status == "Failed":
        reason = endpoint.get("FailureReason", "no reason given")
        report_failure(upload, target, sqs, f"endpoint {target.endpoint_name} is Failed: {reason}")
        log.error("endpoint failed; upload reported, not retried", extra={"upload": upload.token, "reason": reason})
        return Outcome("failed", target.endpoint_name, upload.token, reason)
    if status in BUSY or status != "InService":
        log.info("endpoint busy; upload will be delivered again", extra={"upload": upload.token, "status": status})
        raise EndpointBusy(f"endpoint {target.endpoint_name} is {status}")

    arn = endpoint["EndpointArn"]
    tags = {tag["Key"]: tag["Value"] for tag in sagemaker.list_tags(ResourceArn=arn).get("Tags", [])}
    if tags.get(APPLIED_TAG) == upload.token:
        return Outcome("applied", target.endpoint_name, upload.token, "the endpoint already serves this upload")

    config = target.other_config(endpoint["EndpointConfigName"])
    try:
        # RetainDeploymentConfig: the switch rolls out (and rolls back) like any other model update.
        # RetainAllVariantProperties: autoscaled instance counts (and weights) survive the switch, instead
        # of falling back to the configuration's initial values.
        sagemaker.update_endpoint(
            EndpointName=target.endpoint_name,
            EndpointConfigName=config,
            RetainDeploymentConfig=True,
            RetainAllVariantProperties=True,
        )
    except Exception as error:
        if _is_in_progress(error):
            raise EndpointBusy(str(error)) from error
        raise
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": APPLIED_TAG, "Value": upload.token[:256]}])
    log.info(
        "refresh started",
        extra={
            "endpoint": target.endpoint_name,
            "config": config,
            "bucket": upload.bucket,
            "key": upload.key,
            "version_id": upload.version_id,
            "etag": upload.etag,
        },
    )
    return Outcome("refreshed", target.endpoint_name, upload.token, config)


def superseded_by(upload: Upload, s3: Any) -> str | None:
    """The newer upload of the same object, if one exists (or the object is gone)."""
    try:
        head = s3.head_object(Bucket=upload.bucket, Key=upload.key)
    except Exception as error:
        # S3 answers a HEAD of a missing object with 403 unless the caller may list the bucket without a
        # prefix, which the role may not (it lists only the watched keys): a listing of exactly this key
        # tells a deleted object from a denied one.
        if _status(error) == 404 or (_status(error) == 403 and not _listed(s3, upload)):
            return "deleted"
        raise
    if upload.version_id:
        current = str(head.get("VersionId") or "")
        return current if current and current != upload.version_id else None
    etag = str(head.get("ETag", "")).strip('"')
    if etag != upload.etag.strip('"'):
        return etag
    modified = head.get("LastModified")
    if isinstance(modified, datetime) and upload.time:
        uploaded = datetime.fromisoformat(upload.time.replace("Z", "+00:00"))
        if modified.timestamp() > uploaded.timestamp() + 1:
            return modified.isoformat()
    return None


def _listed(s3: Any, upload: Upload) -> bool:
    """Whether the object exists, by a listing whose prefix is its key (the role's s3:prefix condition)."""
    listing = s3.list_objects_v2(Bucket=upload.bucket, Prefix=upload.key, MaxKeys=1)
    return any(item["Key"] == upload.key for item in listing.get("Contents", []))


def report_failure(upload: Upload, target: Target, sqs: Any, reason: str) -> None:
    """Put the upload on the dead-letter queue with the reason, so its alarm tells someone."""
    sqs.send_message(
        QueueUrl=target.dead_letter_queue_url,
        MessageBody=json.dumps({"upload": asdict(upload), "reason": reason}),
        MessageGroupId=target.endpoint_name,
        MessageDeduplicationId=f"failed-{upload.token}"[:128],
    )


def _status(error: Exception) -> int | None:
    response = getattr(error, "response", {}) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status else None


def _is_in_progress(error: Exception) -> bool:
    response = getattr(error, "response", {}) or {}
    message = str(response.get("Error", {}).get("Message", ""))
    return "in-progress" in message.lower() or "cannot update" in message.lower()
