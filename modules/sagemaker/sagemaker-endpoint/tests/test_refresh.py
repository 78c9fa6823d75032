"""The model refresh: its logic against moto (S3, SQS, DynamoDB) and a fake SageMaker that plays states.

moto has no UpdateEndpoint, so SageMaker is a small fake that records calls and moves an endpoint
through Updating back to InService on a simulated clock.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

FUNCTION_DIR = Path(__file__).resolve().parents[1] / "functions" / "refresh"
sys.path.insert(0, str(FUNCTION_DIR))

from refresh import APPLIED_TAG, EndpointBusy, Target, Upload, refresh  # noqa: E402

BUCKET, KEY = "mlops-artifacts", "fraud-detector/model.tar.gz"
ENDPOINT = "fraud-endpoint"
CONFIGS = ("fraud-endpoint-config-1a2b3c4d", "fraud-endpoint-twin-1a2b3c4d")
DEBOUNCE, VISIBILITY, UPDATE_SECONDS = 60, 180, 300


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str, dict[str, Any]]] = []

    def _record(self, level: str, msg: str, extra: dict[str, Any] | None = None, **_: Any) -> None:
        self.lines.append((level, msg, extra or {}))

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._record("info", msg, **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._record("warning", msg, **kwargs)

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._record("error", msg, **kwargs)


@dataclass
class FakeSageMaker:
    """An endpoint that takes UPDATE_SECONDS to update, on the test's clock."""

    clock: list[float]
    status: str = "InService"
    config: str = CONFIGS[0]
    tags: dict[str, str] = field(default_factory=dict)
    updates: list[tuple[float, str]] = field(default_factory=list)
    ready_at: float = 0.0
    failure: str = ""

    def describe_endpoint(self, EndpointName: str) -> dict[str, Any]:
        assert EndpointName == ENDPOINT
        if self.status == "Updating" and self.clock[0] >= self.ready_at:
            self.status = "InService"
        return {
            "EndpointName": ENDPOINT,
            "EndpointArn": f"arn:aws:sagemaker:us-east-1:123456789012:endpoint/{ENDPOINT}",
            "EndpointStatus": self.status,
            "EndpointConfigName": self.config,
            **({"FailureReason": self.failure} if self.failure else {}),
        }

    def update_endpoint(
        self,
        EndpointName: str,
        EndpointConfigName: str,
        RetainDeploymentConfig: bool,
        RetainAllVariantProperties: bool,
    ) -> None:
        assert RetainDeploymentConfig is True
        assert RetainAllVariantProperties is True  # autoscaled capacity survives a refresh
        if self.describe_endpoint(EndpointName)["EndpointStatus"] != "InService":
            raise ClientError(
                {"Error": {"Code": "ValidationException", "Message": "Cannot update in-progress endpoint"}},
                "UpdateEndpoint",
            )
        self.updates.append((self.clock[0], EndpointConfigName))
        self.config, self.status, self.ready_at = EndpointConfigName, "Updating", self.clock[0] + UPDATE_SECONDS

    def list_tags(self, ResourceArn: str) -> dict[str, Any]:
        return {"Tags": [{"Key": key, "Value": value} for key, value in self.tags.items()]}

    def add_tags(self, ResourceArn: str, Tags: list[dict[str, str]]) -> None:
        self.tags.update({tag["Key"]: tag["Value"] for tag in Tags})


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        sqs = boto3.client("sqs", region_name="us-east-1")
        dead_letters = sqs.create_queue(QueueName="refresh-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        yield {"s3": s3, "sqs": sqs, "dlq": dead_letters}


def _upload(s3: Any, time: float, body: bytes | None = None) -> Upload:
    """Put a new version of the model data and return its `Object Created` event, as EventBridge sends it."""
    put = s3.put_object(Bucket=BUCKET, Key=KEY, Body=body if body is not None else f"model@{time}".encode())
    event = {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "time": "2026-11-21T10:00:00Z",
        "detail": {
            "bucket": {"name": BUCKET},
            "object": {
                "key": KEY,
                "version-id": put.get("VersionId"),
                "etag": put["ETag"].strip('"'),
                "sequencer": f"{int(time * 1000):020d}",
            },
        },
    }
    return Upload.from_eventbridge(event)


def _target(aws: dict[str, Any]) -> Target:
    return Target(endpoint_name=ENDPOINT, config_names=CONFIGS, dead_letter_queue_url=aws["dlq"])


def test_an_upload_switches_the_endpoint_to_its_twin_configuration_and_logs_the_version(aws: dict[str, Any]) -> None:
    sagemaker, log = FakeSageMaker(clock=[0.0]), Log()
    upload = _upload(aws["s3"], 0)
    outcome = refresh(upload, _target(aws), aws["s3"], sagemaker, aws["sqs"], log)
    assert (outcome.result, outcome.detail) == ("refreshed", CONFIGS[1])
    assert sagemaker.updates == [(0.0, CONFIGS[1])]
    assert sagemaker.tags[APPLIED_TAG] == upload.version_id
    [started] = [line for line in log.lines if line[1] == "refresh started"]
    assert started[2]["version_id"] == upload.version_id
    assert (started[2]["bucket"], started[2]["key"]) == (BUCKET, KEY)


def test_the_next_refresh_switches_back(aws: dict[str, Any]) -> None:
    sagemaker = FakeSageMaker(clock=[0.0], config=CONFIGS[1])
    refresh(_upload(aws["s3"], 0), _target(aws), aws["s3"], sagemaker, aws["sqs"], Log())
    assert sagemaker.updates == [(0.0, CONFIGS[0])]


def test_an_older_upload_is_superseded_by_a_newer_one(aws: dict[str, Any]) -> None:
    sagemaker = FakeSageMaker(clock=[0.0])
    old = _upload(aws["s3"], 0)
    new = _upload(aws["s3"], 1)
    outcome = refresh(old, _target(aws), aws["s3"], sagemaker, aws["sqs"], Log())
    assert outcome.result == "superseded"
    assert outcome.detail == f"newer upload {new.version_id}"
    assert sagemaker.updates == []


@pytest.mark.parametrize("status", ["Creating", "Updating", "SystemUpdating", "RollingBack"])
def test_a_busy_endpoint_sends_the_upload_back_to_the_queue(aws: dict[str, Any], status: str) -> None:
    sagemaker = FakeSageMaker(clock=[0.0], status=status, ready_at=10**9)
    with pytest.raises(EndpointBusy, match=status):
        refresh(_upload(aws["s3"], 0), _target(aws), aws["s3"], sagemaker, aws["sqs"], Log())
    assert sagemaker.updates == []


def test_an_update_already_in_progress_is_busy_too(aws: dict[str, Any]) -> None:
    class Racing(FakeSageMaker):
        def update_endpoint(
            self,
            EndpointName: str,
            EndpointConfigName: str,
            RetainDeploymentConfig: bool,
            RetainAllVariantProperties: bool,
        ) -> None:
            raise ClientError(
                {"Error": {"Code": "ValidationException", "Message": "Cannot update in-progress endpoint"}},
                "UpdateEndpoint",
            )

    with pytest.raises(EndpointBusy):
        refresh(_upload(aws["s3"], 0), _target(aws), aws["s3"], Racing(clock=[0.0]), aws["sqs"], Log())


def test_a_failed_endpoint_is_reported_to_the_dead_letter_queue_and_not_retried(aws: dict[str, Any]) -> None:
    sagemaker, log = FakeSageMaker(clock=[0.0], status="Failed", failure="image not found"), Log()
    upload = _upload(aws["s3"], 0)
    outcome = refresh(upload, _target(aws), aws["s3"], sagemaker, aws["sqs"], log)
    assert (outcome.result, outcome.detail) == ("failed", "image not found")
    assert sagemaker.updates == []
    [message] = aws["sqs"].receive_message(QueueUrl=aws["dlq"])["Messages"]
    body = json.loads(message["Body"])
    assert body["upload"]["version_id"] == upload.version_id
    assert body["reason"] == f"endpoint {ENDPOINT} is Failed: image not found"
    assert log.lines[-1][0] == "error"


def test_a_duplicate_delivery_after_the_refresh_changes_nothing(aws: dict[str, Any]) -> None:
    sagemaker = FakeSageMaker(clock=[0.0])
    upload = _upload(aws["s3"], 0)
    refresh(upload, _target(aws), aws["s3"], sagemaker, aws["sqs"], Log())
    sagemaker.clock[0] = 1000.0
    assert refresh(upload, _target(aws), aws["s3"], sagemaker, aws["sqs"], Log()).result == "applied"
    assert len(sagemaker.updates) == 1


def test_unversioned_buckets_compare_etags(aws: dict[str, Any]) -> None:
    aws["s3"].put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    sagemaker = FakeSageMaker(clock=[0.0])
    first = _upload(aws["s3"], 0, b"first")
    first = Upload(first.bucket, first.key, None, first.etag, first.sequencer, first.time)
    _upload(aws["s3"], 1, b"second")
    assert refresh(first, _target(aws), aws["s3"], sagemaker, aws["sqs"], Log()).result == "superseded"


def test_a_deleted_object_supersedes_its_uploads(aws: dict[str, Any]) -> None:
    aws["s3"].put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    upload = _upload(aws["s3"], 0)
    aws["s3"].delete_object(Bucket=BUCKET, Key=KEY)
    outcome = refresh(upload, _target(aws), aws["s3"], FakeSageMaker(clock=[0.0]), aws["sqs"], Log())
    assert (outcome.result, outcome.detail) == ("superseded", "newer upload deleted")


@dataclass
class Message:
    upload: Upload
    visible_at: float
    receives: int = 0


def test_a_burst_of_100_uploads_some_during_an_update_refreshes_exactly_twice(aws: dict[str, Any]) -> None:
    """50 uploads in 50 s, then 50 more while the endpoint is still updating from the first refresh.

    The queue is played as SQS FIFO plays it for one message group: delivery delayed by the debounce
    window, one message at a time in order, a message whose handling raises EndpointBusy delivered
    again after the visibility timeout, identical bodies within 5 minutes deduplicated.
    """
    clock = [0.0]
    sagemaker, log = FakeSageMaker(clock=clock), Log()
    schedule = [float(second) for second in range(50)] + [200.0 + second for second in range(50)]
    queue: list[Message] = []
    outcomes: list[str] = []
    sent: dict[str, float] = {}
    uploads: list[Upload] = []
    pending = list(schedule)
    duplicates = {10, 75}  # EventBridge delivers these two events twice
    while pending or queue:
        next_upload = pending[0] if pending else float("inf")
        next_delivery = queue[0].visible_at if queue else float("inf")
        if next_upload <= next_delivery:
            clock[0] = pending.pop(0)
            upload = _upload(aws["s3"], clock[0])
            uploads.append(upload)
            for _ in range(2 if len(uploads) - 1 in duplicates else 1):
                body = json.dumps(upload.__dict__, sort_keys=True)
                if clock[0] - sent.get(body, -1e9) < 300:
                    continue  # content-based deduplication
                sent[body] = clock[0]
                queue.append(Message(upload, clock[0] + DEBOUNCE))
            continue
        clock[0] = next_delivery
        head = queue[0]
        head.receives += 1
        try:
            outcomes.append(refresh(head.upload, _target(aws), aws["s3"], sagemaker, aws["sqs"], log).result)
            queue.pop(0)
        except EndpointBusy:
            head.visible_at = clock[0] + VISIBILITY

    assert len(uploads) == 100
    assert outcomes.count("refreshed") == 2
    assert outcomes.count("superseded") == 98
    assert "failed" not in outcomes
    first, second = sagemaker.updates
    assert first == (109.0, CONFIGS[1]), "one refresh, debounce seconds after the first burst's last upload"
    assert second[1] == CONFIGS[0]
    assert second[0] >= first[0] + UPDATE_SECONDS, "the second refresh waited for the endpoint to be InService"
    assert sagemaker.tags[APPLIED_TAG] == uploads[-1].version_id, "the newest upload is the one served: none lost"
    refreshed_versions = [line[2]["version_id"] for line in log.lines if line[1] == "refresh started"]
    assert refreshed_versions == [uploads[49].version_id, uploads[99].version_id]
    assert aws["sqs"].receive_message(QueueUrl=aws["dlq"]).get("Messages") is None


class Context:
    function_name = "model-refresh"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:model-refresh"
    aws_request_id = "request-1"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def _load_handler(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_handler_processes_each_delivery_once_and_returns_busy_messages(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    dynamodb.create_table(
        TableName="idempotency",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for name, value in {
        "IDEMPOTENCY_TABLE_NAME": "idempotency",
        "SAGEMAKER_ENDPOINT_NAME": ENDPOINT,
        "ENDPOINT_CONFIG_NAME": CONFIGS[0],
        "TWIN_ENDPOINT_CONFIG_NAME": CONFIGS[1],
        "DEAD_LETTER_QUEUE_URL": aws["dlq"],
        "POWERTOOLS_SERVICE_NAME": "model-refresh",
    }.items():
        monkeypatch.setenv(name, value)
    handler = _load_handler("refresh_handler_under_test", FUNCTION_DIR / "refresh_handler.py")
    sagemaker = FakeSageMaker(clock=[0.0])
    monkeypatch.setattr(handler, "sagemaker", sagemaker)
    upload = _upload(aws["s3"], 0)
    body = json.dumps(
        {
            "source": "aws.s3",
            "time": upload.time,
            "detail": {
                "bucket": {"name": BUCKET},
                "object": {
                    "key": KEY,
                    "version-id": upload.version_id,
                    "etag": upload.etag,
                    "sequencer": upload.sequencer,
                },
            },
        }
    )

    def sqs_event(message_id: str) -> dict[str, Any]:
        return {
            "Records": [
                {
                    "messageId": message_id,
                    "receiptHandle": "r",
                    "body": body,
                    "attributes": {"MessageGroupId": ENDPOINT},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:refresh.fifo",
                    "awsRegion": "us-east-1",
                }
            ]
        }

    assert handler.lambda_handler(sqs_event("m1"), Context()) == {"batchItemFailures": []}
    assert len(sagemaker.updates) == 1
    # The same event delivered again: the stored result answers, no second update starts.
    assert handler.lambda_handler(sqs_event("m2"), Context()) == {"batchItemFailures": []}
    assert len(sagemaker.updates) == 1
    # A newer upload while the endpoint is updating: handed back to SQS for a later delivery.
    newer = _upload(aws["s3"], 1)
    body = body.replace(upload.version_id or "", newer.version_id or "").replace(upload.etag, newer.etag)
    assert handler.lambda_handler(sqs_event("m3"), Context()) == {"batchItemFailures": [{"itemIdentifier": "m3"}]}


def test_a_deleted_object_answered_403_is_told_from_a_denied_one_by_listing_exactly_its_key(
    aws: dict[str, Any],
) -> None:
    """The role may not list the bucket without a prefix, so S3 answers the HEAD of a deleted object 403."""
    upload = _upload(aws["s3"], 0)
    listed: list[dict[str, Any]] = []

    class NoBareListing:
        def head_object(self, **_: Any) -> Any:
            response: Any = {"Error": {"Code": "403"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
            raise ClientError(response, "HeadObject")

        def list_objects_v2(self, **request: Any) -> Any:
            listed.append(request)
            return aws["s3"].list_objects_v2(**request)

    aws["s3"].delete_object(Bucket=BUCKET, Key=KEY)
    outcome = refresh(upload, _target(aws), NoBareListing(), FakeSageMaker(clock=[0.0]), aws["sqs"], Log())
    assert (outcome.result, outcome.detail) == ("superseded", "newer upload deleted")
    assert listed == [{"Bucket": BUCKET, "Prefix": KEY, "MaxKeys": 1}]
    _upload(aws["s3"], 1)  # the object is there, and the HEAD was denied for another reason: not "deleted"
    with pytest.raises(ClientError):
        refresh(upload, _target(aws), NoBareListing(), FakeSageMaker(clock=[0.0]), aws["sqs"], Log())
