"""Lambda entry point of the model refresh: thin, with Powertools for logging, batching and idempotency."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from refresh import Target, Upload, refresh

logger = Logger(service="model-refresh")
processor = SqsFifoPartialProcessor()
# A busy endpoint is not a failure of the function: its message simply goes back to the queue.
processor.raise_on_entire_batch_failure = False
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
# A delivered upload is done once; its result is remembered long enough to absorb late duplicates.
idempotency = IdempotencyConfig(expires_after_seconds=24 * 3600)
target = Target.from_env()
s3, sagemaker, sqs = boto3.client("s3"), boto3.client("sagemaker"), boto3.client("sqs")


@idempotent_function(  # type: ignore[untyped-decorator]
    data_keyword_argument="upload", persistence_store=persistence, config=idempotency
)
def handle_upload(upload: dict[str, Any]) -> dict[str, str]:
    return refresh(Upload(**upload), target, s3, sagemaker, sqs, logger).as_dict()


def record_handler(record: SQSRecord) -> dict[str, str]:
    upload = Upload.from_eventbridge(json.loads(record.body))
    outcome: dict[str, str] = handle_upload(upload=upload.__dict__)
    logger.info("upload handled", extra=outcome)
    return outcome


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
