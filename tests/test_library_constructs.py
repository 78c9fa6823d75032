"""The platform library's constructs, as a module uses them: what they synthesize and what their policies allow.

One small stack holds each construct once (a key with administrators, a kept log group, a function in a VPC
with an encrypted dead-letter queue, a notifications topic with alarms and rules); its template is read as
CloudFormation and IAM would read it (tests/real_account: intrinsics resolved, policies evaluated).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rehearsal.iam_simulator import simulate
from tests.matrix import ACCOUNT, REGION
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import Request, call_of
from tests.real_account.policies import Document, documents
from tests.real_account.sar import document_findings

ADMIN = f"arn:aws:iam::{ACCOUNT}:role/PlatformKeyAdmin"
STACK = "library-test"
LOG_GROUP = f"/seedfarmer/{STACK}/audit"
VPC = "vpc-0123456789abcdef0"


class Network:
    vpc_id = VPC
    subnet_ids = ("subnet-0123456789abcdef0",)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The stack every test here reads, synthesized once (CDK's own validation off, as unit tests run)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDK_VALIDATION", "false")
        return _synthesized(tmp_path_factory)


def _synthesized(tmp_path_factory: pytest.TempPathFactory) -> Template:
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_events as events
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_sqs as sqs

    from mlops_platform.function import LeastPrivilegeFunction
    from mlops_platform.key import ModuleKey
    from mlops_platform.log_group import EncryptedLogGroup
    from mlops_platform.queue import SendTo, allow_rules
    from mlops_platform.topic import NotificationTopic, PublishTo

    app = cdk.App(outdir=str(tmp_path_factory.mktemp("library")))
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account=ACCOUNT, region=REGION))
    key = ModuleKey(stack, "Key", description="The library's test key", alias=f"alias/{STACK}", administrators=[ADMIN])
    EncryptedLogGroup(stack, "AuditLogGroup", name=LOG_GROUP, key=key, sid="LogsUseForAuditOnly")
    dead_letters = sqs.Queue(stack, "DeadLetters", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key)
    code = tmp_path_factory.mktemp("code")
    (code / "handler.py").write_text("def handler(event, context):\n    return event\n")
    LeastPrivilegeFunction(
        stack,
        "Worker",
        code=code,
        handler="handler.handler",
        description="Does the work of the module",
        statements=[iam.PolicyStatement(sid="ReadQueue", actions=["sqs:GetQueueAttributes"], resources=["*"])],
        key=key,
        timeout=cdk.Duration.seconds(30),
        network=Network(),
        dead_letter_queue=dead_letters,
        tracing=True,
        wildcard_reasons={"ReadQueue": "Any queue's attributes, read-only (a test statement)."},
        why_no_reserved_concurrency="A test function.",
    )
    topic = NotificationTopic(stack, "Topic", key=key)
    cloudwatch.CfnAlarm(
        stack,
        "Errors",
        alarm_name="library-errors",
        metric_name="Errors",
        namespace="AWS/Lambda",
        statistic="Sum",
        period=60,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        alarm_actions=[topic.topic_arn],
    )
    topic.allow_alarms_in(stack)
    rule = events.Rule(stack, "Rule", event_pattern=events.EventPattern(source=["aws.sagemaker"]))
    rule.add_target(PublishTo(topic))
    topic.allow_rules([rule])
    queue = sqs.Queue(stack, "Deliveries", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key)
    uploads = events.Rule(stack, "Uploads", event_pattern=events.EventPattern(source=["aws.s3"]))
    uploads.add_target(SendTo(queue))
    allow_rules(queue, [uploads], key=key)
    raw: dict[str, Any] = app.synth().get_stack_by_name(STACK).template
    return Template(case=STACK, module="library", raw=raw)


def _one(template: Template, kind: str) -> tuple[str, dict[str, Any]]:
    [found] = template.of_type(kind)
    return found


def _key_policy(template: Template) -> list[Document]:
    return [document for document in documents(template) if document.kind == "key"]


def _allowed(template: Template, request: Request) -> bool:
    """Whether the IAM simulator allows `request` with the caller's identity policies in the template and
    the resource or key policy of its target."""
    [verdict] = simulate([call_of(template, request)])
    return verdict.allowed


def test_the_key_is_rotated_kept_and_denies_grants_for_anything_but_aws_resources(template: Template) -> None:
    logical, key = _one(template, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "RetainExceptOnCreate"
    [deny] = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "GrantsOnlyForAwsResources"]
    assert deny["Effect"] == "Deny"
    grant = Request(ADMIN, "kms:CreateGrant", template.arn(logical), {"kms:GrantIsForAWSResource": "false"})
    assert not _allowed(template, grant)


def test_named_key_administrators_administer_the_key_and_cannot_use_it(template: Template) -> None:
    key = template.arn(_one(template, "AWS::KMS::Key")[0])
    assert _allowed(template, Request(ADMIN, "kms:ScheduleKeyDeletion", key))
    assert _allowed(template, Request(ADMIN, "kms:PutKeyPolicy", key))
    assert not _allowed(template, Request(ADMIN, "kms:Decrypt", key))
    assert not _allowed(template, Request(f"arn:aws:iam::{ACCOUNT}:role/Other", "kms:ScheduleKeyDeletion", key))


def test_every_key_policy_statement_names_actions_and_condition_keys_kms_has(template: Template) -> None:
    assert [finding for document in _key_policy(template) for finding in document_findings(document)] == []


def test_the_log_group_is_kept_except_on_a_failed_create_and_the_kept_group_check_finds_it(template: Template) -> None:
    from mlops_platform.retained import kept_log_groups

    [group] = [
        resource
        for _, resource in template.of_type("AWS::Logs::LogGroup")
        if resource["Properties"]["LogGroupName"] == LOG_GROUP
    ]
    assert group["DeletionPolicy"] == "RetainExceptOnCreate"
    assert group["Properties"]["RetentionInDays"] == 365
    assert "KmsKeyId" in group["Properties"]
    assert LOG_GROUP in kept_log_groups(template.raw)


def test_cloudwatch_logs_may_use_the_key_for_its_own_log_group_only(template: Template) -> None:
    key = template.arn(_one(template, "AWS::KMS::Key")[0])
    logs = f"logs.{REGION}.amazonaws.com"
    own = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}"
    other = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/someone/else"
    assert _allowed(template, Request(logs, "kms:GenerateDataKey", key, {"kms:EncryptionContext:aws:logs:arn": own}))
    assert not _allowed(
        template, Request(logs, "kms:GenerateDataKey", key, {"kms:EncryptionContext:aws:logs:arn": other})
    )


def test_the_function_runs_in_the_vpc_with_an_encrypted_environment_and_waits_for_its_policy(
    template: Template,
) -> None:
    _, function = _one(template, "AWS::Lambda::Function")
    props = function["Properties"]
    assert props["VpcConfig"]["SubnetIds"] == list(Network.subnet_ids)
    assert "KmsKeyArn" in props
    assert "DeadLetterConfig" in props
    assert props["TracingConfig"] == {"Mode": "Active"}
    [policy] = [logical for logical, _ in template.of_type("AWS::IAM::ManagedPolicy")]
    assert function["DependsOn"] == [policy]


def test_the_function_role_may_do_its_statements_its_logs_and_its_dead_letters_and_nothing_else(
    template: Template,
) -> None:
    role = template.physical_name(_one(template, "AWS::IAM::Role")[0])
    queue = template.arn(
        next(logical for logical, _ in template.of_type("AWS::SQS::Queue") if "DeadLetters" in logical)
    )
    key = template.arn(_one(template, "AWS::KMS::Key")[0])
    principal = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/seedfarmer/{STACK}/Worker:log-stream:x"
    assert _allowed(template, Request(principal, "logs:PutLogEvents", stream))
    assert _allowed(template, Request(principal, "sqs:SendMessage", queue))
    assert _allowed(template, Request(principal, "kms:GenerateDataKey", key))
    assert not _allowed(template, Request(principal, "sqs:DeleteMessage", queue))
    other_stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/seedfarmer/{STACK}/Other:log-stream:x"
    assert not _allowed(template, Request(principal, "logs:PutLogEvents", other_stream))


def test_a_function_without_a_vpc_or_a_dead_letter_queue_needs_a_reason_for_each(tmp_path: Path) -> None:
    import aws_cdk as cdk

    from mlops_platform.function import LeastPrivilegeFunction
    from mlops_platform.key import ModuleKey

    stack = cdk.Stack(cdk.App(outdir=str(tmp_path)), "reasons", env=cdk.Environment(account=ACCOUNT, region=REGION))
    key = ModuleKey(stack, "Key", description="key", alias="alias/reasons")
    common: dict[str, Any] = {
        "code": tmp_path,
        "handler": "h.h",
        "description": "d",
        "statements": [],
        "key": key,
        "timeout": cdk.Duration.seconds(3),
    }
    with pytest.raises(ValueError, match="why_outside_vpc"):
        LeastPrivilegeFunction(stack, "A", **common, why_no_dead_letter_queue="synchronous")
    with pytest.raises(ValueError, match="why_no_dead_letter_queue"):
        LeastPrivilegeFunction(stack, "B", **common, why_outside_vpc="serverless")


def test_the_topic_takes_alarms_and_rules_of_this_account_by_name(template: Template) -> None:
    topic = template.arn(_one(template, "AWS::SNS::Topic")[0])
    rule = template.arn(
        next(logical for logical, _ in template.of_type("AWS::Events::Rule") if "Uploads" not in logical)
    )
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:library-errors"
    source = {"aws:SourceAccount": ACCOUNT}
    publish = "sns:Publish"
    assert _allowed(template, Request("events.amazonaws.com", publish, topic, {**source, "aws:SourceArn": rule}))
    assert not _allowed(
        template, Request("events.amazonaws.com", publish, topic, {**source, "aws:SourceArn": f"{rule}-other"})
    )
    assert _allowed(template, Request("cloudwatch.amazonaws.com", publish, topic, {**source, "aws:SourceArn": alarm}))
    assert not _allowed(
        template, Request("cloudwatch.amazonaws.com", publish, topic, {**source, "aws:SourceArn": f"{alarm}-2"})
    )


def test_the_key_serves_each_delivery_in_the_form_its_service_documents(template: Template) -> None:
    """CloudWatch's requests to KMS carry the alarm (aws:SourceArn); EventBridge's carry no source (the SNS
    Developer Guide: not supported for EventBridge-to-encrypted topics), only the encryption context SNS or
    SQS binds the data key to."""
    key = template.arn(_one(template, "AWS::KMS::Key")[0])
    topic = template.arn(_one(template, "AWS::SNS::Topic")[0])
    queue = template.arn(next(logical for logical, _ in template.of_type("AWS::SQS::Queue") if "Deliveries" in logical))
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:library-errors"
    topic_context = {"kms:EncryptionContext:aws:sns:topicArn": topic}
    cloudwatch = {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm, **topic_context}
    assert _allowed(template, Request("cloudwatch.amazonaws.com", "kms:GenerateDataKey", key, cloudwatch))
    elsewhere = {**cloudwatch, "aws:SourceArn": f"{alarm}-2"}
    assert not _allowed(template, Request("cloudwatch.amazonaws.com", "kms:GenerateDataKey", key, elsewhere))
    assert _allowed(template, Request("events.amazonaws.com", "kms:GenerateDataKey", key, topic_context))
    queue_context = {"kms:EncryptionContext:aws:sqs:arn": queue}
    assert _allowed(template, Request("events.amazonaws.com", "kms:Decrypt", key, queue_context))
    other_account = {"kms:EncryptionContext:aws:sqs:arn": queue.replace(ACCOUNT, "999999999999")}
    assert not _allowed(template, Request("events.amazonaws.com", "kms:Decrypt", key, other_account))
    assert not _allowed(template, Request("events.amazonaws.com", "kms:Encrypt", key, queue_context))


def test_the_queue_takes_the_named_rules_of_this_account_only(template: Template) -> None:
    queue = template.arn(next(logical for logical, _ in template.of_type("AWS::SQS::Queue") if "Deliveries" in logical))
    [uploads] = [template.arn(logical) for logical, _ in template.of_type("AWS::Events::Rule") if "Uploads" in logical]
    source = {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": uploads}
    assert _allowed(template, Request("events.amazonaws.com", "sqs:SendMessage", queue, source))
    other = {**source, "aws:SourceArn": f"{uploads}-other"}
    assert not _allowed(template, Request("events.amazonaws.com", "sqs:SendMessage", queue, other))
    assert not _allowed(template, Request("events.amazonaws.com", "sqs:GetQueueUrl", queue, source))


def test_an_alarm_that_notifies_the_topic_needs_a_fixed_name(tmp_path: Path) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch

    from mlops_platform.key import ModuleKey
    from mlops_platform.topic import NotificationTopic

    stack = cdk.Stack(cdk.App(outdir=str(tmp_path)), "names", env=cdk.Environment(account=ACCOUNT, region=REGION))
    topic = NotificationTopic(stack, "Topic", key=ModuleKey(stack, "Key", description="key", alias="alias/names"))
    metric = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors")
    alarm = metric.create_alarm(stack, "Unnamed", threshold=1, evaluation_periods=1)
    alarm.node.default_child.alarm_actions = [topic.topic_arn]  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="needs a fixed alarm_name"):
        topic.allow_alarms_in(stack)
