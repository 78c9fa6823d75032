"""Asynchronous inference: requests and results in S3, results announced on SNS, instances scaled on the backlog."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sagemaker_endpoint.parameters.values import S3Url, TopicArn


class AsyncParameters(BaseModel):
    async_output_s3_uri: S3Url | None = None
    async_failure_s3_uri: S3Url | None = None
    async_input_s3_uri: S3Url | None = None
    async_max_concurrent_invocations_per_instance: int | None = Field(None, ge=1, le=1000, examples=[4])
    async_success_topic_arn: TopicArn | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-results"])
    async_error_topic_arn: TopicArn | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-errors"])
    autoscaling_target_backlog_per_instance: int | None = Field(None, ge=1, examples=[5])

    @property
    def asynchronous(self) -> bool:
        return self.async_output_s3_uri is not None
