"""The plan of asynchronous inference: where results go and who hears of them, and the S3 prefixes the
execution role may read requests from and write results to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sagemaker_endpoint.locations import S3Location
from sagemaker_endpoint.parameters.declared import DeclaredParameters

MODULE_TOPIC = "module-topic"  # the module's own notification topic, named before it exists


class AsyncAsGiven(NamedTuple):
    """AsyncInferenceConfig: where results go, how many requests an instance takes, which topics hear of them."""

    output_uri: str
    failure_uri: str | None
    max_concurrent_invocations_per_instance: int | None
    success_topic: str | None  # a topic ARN, MODULE_TOPIC for the topic the module creates, or None
    error_topic: str | None


@dataclass(frozen=True)
class AsyncSpec:
    """Asynchronous inference: the configuration, and the S3 prefixes and topics the execution role may use."""

    config: AsyncAsGiven
    requests: S3Location  # async-input-s3-uri: the only place the role reads requests from
    results: tuple[S3Location, ...]  # the output and failure prefixes, where it writes

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t in (self.config.success_topic, self.config.error_topic) if t))


def async_config(settings: DeclaredParameters) -> AsyncAsGiven | None:
    """Results to S3; each topic given, else the module's notification topic (given or created), else none."""
    if settings.async_output_s3_uri is None:
        return None
    shared = settings.notification_topic_arn or (MODULE_TOPIC if settings.notifications else None)
    return AsyncAsGiven(
        output_uri=settings.async_output_s3_uri,
        failure_uri=settings.async_failure_s3_uri,
        max_concurrent_invocations_per_instance=settings.async_max_concurrent_invocations_per_instance,
        success_topic=settings.async_success_topic_arn or shared,
        error_topic=settings.async_error_topic_arn or shared,
    )


def asynchronous(settings: DeclaredParameters, config: AsyncAsGiven | None) -> AsyncSpec | None:
    """`config`: the configuration's part (`async_config`), with the prefixes the role may use."""
    if config is None:
        return None
    assert settings.async_input_s3_uri is not None
    results = tuple(S3Location.parse(uri) for uri in (config.output_uri, config.failure_uri) if uri)
    return AsyncSpec(config, S3Location.parse(settings.async_input_s3_uri), results)
