"""Notices and alarms: failed runs, runs that found violations, and metrics past their thresholds, to a topic.

Each monitoring run is a SageMaker processing job; EventBridge receives its "SageMaker Processing Job State
Change" events, whose detail is the job as DescribeProcessingJob describes it: `ProcessingJobStatus`,
`ExitMessage` ("CompletedWithViolations: ..." when the run found violations, which is how Model Monitor
derives the execution status of that name) and `MonitoringScheduleArn`, which names the schedule that
started the run. One rule forwards this module's failed or stopped runs, another its runs with violations.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_sns as sns
from constructs import Construct

from mlops_platform import topic as topics
from mlops_platform.key import ModuleKey
from sagemaker_model_monitoring.specs import JobSpec

STATE_CHANGE = "SageMaker Processing Job State Change"


def topic(scope: Construct, topic_arn: str | None, key: ModuleKey) -> sns.ITopic:
    """The topic notices go to: the one given (its own policy decides who publishes to it), or the module's
    own, encrypted with the module key."""
    if topic_arn:
        return sns.Topic.from_topic_arn(scope, "NotificationTopic", topic_arn)
    return topics.NotificationTopic(scope, "NotificationTopic", key=key)


def execution_rules(scope: Construct, jobs: tuple[JobSpec, ...], topic: sns.ITopic) -> list[events.Rule]:
    stack = cdk.Stack.of(scope)
    schedules = [
        stack.format_arn(service="sagemaker", resource="monitoring-schedule", resource_name=job.schedule_name)
        for job in jobs
    ]
    failed = events.Rule(
        scope,
        "MonitoringRunFailedRule",
        description="A monitoring run of this module's schedules failed or was stopped",
        event_pattern=events.EventPattern(
            source=["aws.sagemaker"],
            detail_type=[STATE_CHANGE],
            detail={"MonitoringScheduleArn": schedules, "ProcessingJobStatus": ["Failed", "Stopped"]},
        ),
        targets=[topics.PublishTo(topic)],
    )
    violations = events.Rule(
        scope,
        "MonitoringViolationsRule",
        description="A monitoring run of this module's schedules found violations of its baseline",
        event_pattern=events.EventPattern(
            source=["aws.sagemaker"],
            detail_type=[STATE_CHANGE],
            detail={
                "MonitoringScheduleArn": schedules,
                "ProcessingJobStatus": ["Completed"],
                "ExitMessage": [{"prefix": "CompletedWithViolations"}],
            },
        ),
        targets=[topics.PublishTo(topic)],
    )
    return [failed, violations]


def metric_alarms(scope: Construct, jobs: tuple[JobSpec, ...], topic: sns.ITopic) -> list[cloudwatch.CfnAlarm]:
    """One alarm per threshold given: the metric of that job's schedule, over its interval."""
    alarms = []
    for job in jobs:
        period = min(job.schedule.interval_hours or 24, 24) * 3600
        for spec in job.alarms:
            alarms.append(
                cloudwatch.CfnAlarm(
                    scope,
                    f"{job.construct_id}{_camel(spec.metric)}Alarm",
                    alarm_name=spec.name,
                    alarm_description=f"{spec.metric} of {job.schedule_name} past {spec.threshold}",
                    namespace=spec.namespace,
                    metric_name=spec.metric,
                    dimensions=[
                        cloudwatch.CfnAlarm.DimensionProperty(name="Endpoint", value=job.endpoint_name),
                        cloudwatch.CfnAlarm.DimensionProperty(name="MonitoringSchedule", value=job.schedule_name),
                    ],
                    # The worst value of the period: one bad run is enough.
                    statistic="Maximum" if spec.comparison == "GreaterThanThreshold" else "Minimum",
                    period=period,
                    evaluation_periods=1,
                    threshold=spec.threshold,
                    comparison_operator=spec.comparison,
                    treat_missing_data="missing",
                    alarm_actions=[topic.topic_arn],
                    ok_actions=[topic.topic_arn],
                )
            )
    return alarms


def allow_publishers(topic: sns.ITopic, rules: list[events.Rule], scope: Construct) -> None:
    """On the module's own topic, exactly these rules and the alarms under `scope` publish, each service with
    the key statement it needs (a topic given keeps its own policy: nothing is added to it)."""
    if isinstance(topic, topics.NotificationTopic):
        topic.allow_rules(rules)
        topic.allow_alarms_in(scope)


def _camel(metric: str) -> str:
    return "".join(part.capitalize() for part in metric.replace("-", "_").split("_"))
