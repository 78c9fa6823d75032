"""The parameter matrix and the bad-input matrix: the data, and how each is run.

Valid sets are synthesized in one process per module (the CDK's start-up is paid once), with CDK's
template validation on and all three rule packs; the bad inputs are each run as Seed-Farmer runs a
module, `python app.py` with the environment variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests import studio_cases
from tests.repository import ROOT

NETWORKING = ROOT / "modules" / "networking"
ENDPOINT = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint"
MONITORING = ROOT / "modules" / "sagemaker" / "sagemaker-model-monitoring"
STUDIO = studio_cases.STUDIO
REGISTRY = ROOT / "modules" / "sagemaker" / "sagemaker-model-package-group"
MODULES = (NETWORKING, ENDPOINT, MONITORING, REGISTRY, STUDIO)
ACCOUNT, REGION = "111111111111", "us-east-1"
# The workload accounts a registry (sagemaker-model-package-group) shares its group with.
DEV, PROD = "222222222222", "333333333333"

NET = {"vpc-id": "vpc-0123456789abcdef0", "subnet-ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]}
PACKAGE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/3"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fraud-detector:1.4"
PRE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/preprocess:2"
DATA = "s3://mlops-artifacts/fraud-detector/1.4/model.tar.gz"
BUCKET = "arn:aws:s3:::mlops-artifacts"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ml-events"
GROUP = "matrix-fraud-detector"  # created in the emulated account of the matrix run
# The matrix's account is also a model registry: the workload cases below deploy to DEV and serve its group and
# packages across accounts, with its artifacts' key and its event forwarding role (the registry module's names).
REGISTRY_GROUP = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{GROUP}"
REGISTRY_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
REGISTRY_FORWARDER = f"arn:aws:iam::{ACCOUNT}:role/service-role/mlops-matrix-registry-forwarding"
SERVERLESS = {"serverless-memory-size-mb": 2048, "serverless-max-concurrency": 20}
AB = [
    {"name": "current", "model-package-arn": PACKAGE, "initial-variant-weight": 9},
    {"name": "challenger", "model-image-uri": IMAGE, "model-data-url": DATA, "instance-type": "ml.c5.xlarge"},
]
AUTOSCALING = {"autoscaling-max-capacity": 6, "autoscaling-target-invocations-per-instance": 200}
COMPONENT = {"managed-instance-scaling": True, "inference-component-memory-mb": 2048}
ASYNC = {
    "async-output-s3-uri": "s3://mlops-artifacts/async/results",
    "async-input-s3-uri": "s3://mlops-artifacts/async/requests",
}
SHADOW = {"name": "challenger", "model-image-uri": IMAGE, "model-data-url": DATA, "instance-type": "ml.c5.xlarge"}
COPY_SCALING = {"autoscaling-max-capacity": 8, "autoscaling-target-invocations-per-copy": 4}
# Model monitoring: the endpoint, its package and the baseline files exist in the matrix run's emulated account
# (tests/synthesize_cases.py); the endpoint serves version 1 of GROUP, version 2 carries drift-check baselines.
MONITORED = "matrix-monitored-endpoint"
ARTIFACTS = "s3://mlops-artifacts"
MONITORING_FILES = [
    "baselines/data-quality/constraints.json",
    "baselines/data-quality/statistics.json",
    "baselines/model-quality/constraints.json",
    "baselines/model-bias/analysis.json",
    "baselines/model-bias/analysis_config.json",
    "baselines/model-explainability/analysis.json",
    "baselines/model-explainability/analysis_config.json",
    "pipelines/checks/data-quality/constraints.json",
    "pipelines/checks/data-quality/statistics.json",
]
# The matrix run's packages live in the matrix's account (MOTO_ACCOUNT_ID in tests/synthesize_cases.py).
BASELINED_PACKAGE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/2"
MON = {"endpoint-name": MONITORED, "model-bucket-arn": BUCKET}
DQ = {"enable-data-quality-monitor": True, "data-quality-baseline-s3-uri": f"{ARTIFACTS}/baselines/data-quality"}
MQ = {
    "enable-model-quality-monitor": True,
    "model-quality-baseline-s3-uri": f"{ARTIFACTS}/baselines/model-quality",
    "model-quality-ground-truth-s3-uri": f"{ARTIFACTS}/ground-truth",
    "model-quality-problem-type": "BinaryClassification",
    "model-quality-inference-attribute": "0",
}

VALID: dict[str, tuple[Path, dict[str, Any]]] = {
    # networking
    "networking-defaults": (NETWORKING, {}),
    "networking-three-zones-two-nats": (NETWORKING, {"max-azs": 3, "nat-gateways": 2}),
    "networking-no-nat": (NETWORKING, {"nat-gateways": 0}),
    "networking-isolated-vpc": (NETWORKING, {"internet-accessible": False, "nat-gateways": 0}),
    "networking-no-flow-logs": (NETWORKING, {"flow-logs": False}),
    "networking-governed": (
        NETWORKING,
        {
            "permissions-boundary-name": "mlops-boundary",
            "key-administrator-arns": [f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"],
            "log-retention-days": 731,
        },
    ),
    "networking-custom": (
        NETWORKING,
        {"vpc-cidr": "10.20.0.0/20", "max-azs": 1, "vpc-endpoints": ["sts", "sqs"], "tags": {"team": "ml"}},
    ),
    # endpoint: every model source
    "endpoint-package-arn": (ENDPOINT, {**NET, "model-package-arn": PACKAGE}),
    "endpoint-package-group": (ENDPOINT, {**NET, "model-package-group-name": GROUP}),
    "endpoint-image": (
        ENDPOINT,
        {**NET, "model-image-uri": IMAGE, "model-data-url": DATA, "model-environment": {"MODE": "fast"}},
    ),
    "endpoint-pipeline": (
        ENDPOINT,
        {**NET, "containers": [{"image-uri": PRE}, {"image-uri": IMAGE, "model-data-url": DATA}]},
    ),
    "endpoint-ab-variants": (ENDPOINT, {**NET, "variants": AB, "instance-type": "ml.m5.large"}),
    "endpoint-three-variants": (
        ENDPOINT,
        {**NET, "variants": [*AB, {"name": "shadow", "model-package-arn": PACKAGE, "instance-type": "ml.m5.xlarge"}]},
    ),
    # serverless
    "endpoint-serverless": (ENDPOINT, {"model-package-arn": PACKAGE, **SERVERLESS}),
    "endpoint-serverless-autoscaling": (
        ENDPOINT,
        {
            "model-package-arn": PACKAGE,
            **SERVERLESS,
            "serverless-provisioned-concurrency": 2,
            "autoscaling-max-capacity": 10,
        },
    ),
    # autoscaling, alarms, every deployment strategy
    "endpoint-autoscaling": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "initial-instance-count": 2, **AUTOSCALING},
    ),
    "endpoint-autoscaling-variants": (ENDPOINT, {**NET, "variants": AB, **AUTOSCALING}),
    "endpoint-all-at-once-alarms": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "alarm-model-latency-p99-ms": 300,
            "alarm-5xx-errors-threshold": 5,
            "alarm-topic-arn": TOPIC,
            "rollback-alarm-names": ["checkout-errors"],
        },
    ),
    "endpoint-canary": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "deployment-strategy": "CANARY", "canary-size-percent": 25},
    ),
    "endpoint-linear": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "deployment-strategy": "LINEAR", "linear-step-percent": 50},
    ),
    "endpoint-rolling": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "deployment-strategy": "ROLLING",
            "rolling-batch-percent": 50,
            "initial-instance-count": 4,
        },
    ),
    # data capture, refresh, notifications, invoke function
    "endpoint-data-capture": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-samping-percentage": 30,
            "data-capture-prefix": "capture/fraud",
        },
    ),
    "endpoint-capture-content-types": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-sampling-percentage": 30,
            "data-capture-csv-content-types": ["text/csv"],
            "data-capture-json-content-types": [],
        },
    ),
    "endpoint-refresh-image": (
        ENDPOINT,
        {
            **NET,
            "model-image-uri": IMAGE,
            "model-data-url": DATA,
            "refresh-on-model-data-change": True,
            "refresh-debounce-seconds": 120,
        },
    ),
    "endpoint-refresh-group-notifications": (
        ENDPOINT,
        {**NET, "model-package-group-name": GROUP, "refresh-on-model-data-change": True, "notifications": True},
    ),
    "endpoint-notification-topic": (ENDPOINT, {**NET, "model-package-arn": PACKAGE, "notification-topic-arn": TOPIC}),
    "endpoint-invoke-function": (ENDPOINT, {**NET, "model-package-arn": PACKAGE, "invoke-function": True}),
    "endpoint-serverless-invoke-function": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, "invoke-function": True, "notifications": True},
    ),
    # identity, isolation, instance storage, tags
    "endpoint-given-role-and-boundary": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-execution-role-arn": f"arn:aws:iam::{ACCOUNT}:role/FraudModel",
            "permissions-boundary-name": "mlops-boundary",
            "invoke-function": True,
        },
    ),
    "endpoint-governed": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "invoke-function": True,
            "key-administrator-arns": [f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"],
            "log-retention-days": 1096,
        },
    ),
    "endpoint-boundary-created-roles": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "permissions-boundary-name": "mlops-boundary"},
    ),
    "endpoint-no-network-isolation": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "enable-network-isolation": False},
    ),
    "endpoint-nvme-instances": (ENDPOINT, {**NET, "model-package-arn": PACKAGE, "instance-type": "ml.g5.xlarge"}),
    "endpoint-studio-domain-tags": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "sagemaker-domain-id": "d-abcdefghijkl",
            "sagemaker-domain-arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/d-abcdefghijkl",
            "sagemaker-project-id": "p-abcdefghijkl",
            "sagemaker-project-name": "fraud",
            "tags": {"team": "ml"},
        },
    ),
    # inference components on instances SageMaker manages
    "endpoint-inference-component": (
        ENDPOINT,
        {
            **NET,
            "model-image-uri": IMAGE,
            "model-data-url": DATA,
            **COMPONENT,
            "inference-component-cpus": 1,
            "instance-type": "ml.m5.xlarge",
            "invoke-function": True,
        },
    ),
    "endpoint-inference-component-to-zero": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            **COMPONENT,
            "scaling-min-instance-count": 0,
            "scaling-max-instance-count": 4,
            **COPY_SCALING,
            "deployment-strategy": "ROLLING",
            "alarm-model-latency-p99-ms": 500,
            "notifications": True,
        },
    ),
    "endpoint-inference-component-gpu": (
        ENDPOINT,
        {
            **NET,
            "model-package-group-name": GROUP,
            **COMPONENT,
            "instance-type": "ml.g5.2xlarge",
            "inference-component-accelerators": 1,
            "inference-component-copy-count": 2,
            "initial-instance-count": 2,
            "scaling-max-instance-count": 3,
            **COPY_SCALING,
            "autoscaling-min-capacity": 2,
        },
    ),
    # the reference's managed-instance-scaling with only its min and max counts: each copy's compute is
    # defaulted from the size of the instance type (EC2 DescribeInstanceTypes, in the emulated account)
    "endpoint-managed-scaling-min-max-only": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "instance-type": "ml.g5.xlarge",
            "managed-instance-scaling": True,
            "scaling-min-instance-count": 1,
            "scaling-max-instance-count": 2,
        },
    ),
    # asynchronous inference
    "endpoint-async-to-zero": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            **ASYNC,
            "async-failure-s3-uri": "s3://mlops-artifacts/async/failures",
            "async-max-concurrent-invocations-per-instance": 4,
            "notifications": True,
            "autoscaling-max-capacity": 4,
            "autoscaling-target-backlog-per-instance": 5,
        },
    ),
    "endpoint-async-given-topics-refresh": (
        ENDPOINT,
        {
            **NET,
            "model-image-uri": IMAGE,
            "model-data-url": DATA,
            **ASYNC,
            "async-success-topic-arn": TOPIC,
            "async-error-topic-arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:ml-errors",
            "refresh-on-model-data-change": True,
            "autoscaling-max-capacity": 2,
            "autoscaling-min-capacity": 1,
            "autoscaling-target-backlog-per-instance": 10,
        },
    ),
    # a role given by ARN cannot be granted the module's topic: the topic's policy lets it publish
    "endpoint-async-given-role-module-topic": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            **ASYNC,
            "model-execution-role-arn": f"arn:aws:iam::{ACCOUNT}:role/FraudModel",
            "notifications": True,
        },
    ),
    # shadow tests
    "endpoint-shadow": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "shadow-variants": [SHADOW], "alarm-model-latency-p99-ms": 500},
    ),
    "endpoint-shadow-rolls-back-capture-refresh": (
        ENDPOINT,
        {
            **NET,
            "variants": [{"name": "current", "model-image-uri": IMAGE, "model-data-url": DATA}],
            "shadow-variants": [{**SHADOW, "initial-variant-weight": 0.5}],
            "shadow-alarms-roll-back": True,
            "deployment-strategy": "CANARY",
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-sampling-percentage": 20,
            "refresh-on-model-data-change": True,
            "notifications": True,
        },
    ),
    # a workload account serving the registry's group (the newest approved version) and a promoted version
    "endpoint-registry-group": (
        ENDPOINT,
        {
            **NET,
            "model-package-group-name": REGISTRY_GROUP,
            "model-artifacts-kms-key-arn": REGISTRY_KEY,
            "registry-event-forwarding-role-arn": REGISTRY_FORWARDER,
            "notifications": True,
            "sagemaker-domain-id": "d-abcdefghijkl",
        },
    ),
    "endpoint-registry-package": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-artifacts-kms-key-arn": REGISTRY_KEY,
            "initial-instance-count": 2,
            "deployment-strategy": "CANARY",
        },
    ),
    # aiops-modules' sample manifest for its endpoint module, as written there (snake_case names, dummy project).
    "endpoint-reference-sample": (
        ENDPOINT,
        {
            "sagemaker_project_id": "dummy123",
            "sagemaker_project_name": "dummy123",
            "model_package_arn": PACKAGE,
            "instance_type": "ml.m5.large",
            "vpc_id": NET["vpc-id"],
            "subnet_ids": NET["subnet-ids"],
        },
    ),
    "endpoint-everything": (
        ENDPOINT,
        {
            **NET,
            "variants": AB,
            "initial-instance-count": 2,
            "instance-type": "ml.m5.large",
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-sampling-percentage": 10,
            **AUTOSCALING,
            "alarm-model-latency-p99-ms": 500,
            "deployment-strategy": "LINEAR",
            "linear-step-percent": 50,
            "rollback-alarm-names": ["checkout-errors"],
            "refresh-on-model-data-change": True,
            "notifications": True,
            "invoke-function": True,
            "permissions-boundary-name": "mlops-boundary",
        },
    ),
    # model monitoring: every baseline source, every job type, in the VPC, the key and topic given, one-time run
    "monitoring-data-quality": (MONITORING, {**MON, **DQ}),
    "monitoring-four-monitors-in-vpc": (
        MONITORING,
        {
            **MON,
            **DQ,
            **MQ,
            "enable-model-bias-monitor": True,
            "model-bias-baseline-s3-uri": f"{ARTIFACTS}/baselines/model-bias",
            "model-bias-ground-truth-s3-uri": f"{ARTIFACTS}/ground-truth",
            "enable-model-explainability-monitor": True,
            "model-explainability-baseline-s3-uri": f"{ARTIFACTS}/baselines/model-explainability",
            "security-group-id": "sg-0123456789abcdef0",
            "subnet-ids": NET["subnet-ids"],
            "data-quality-alarm-thresholds": {"feature_baseline_drift_amount": 0.1},
            "model-quality-alarm-thresholds": {"f1": 0.7, "false_positive_rate": 0.2},
        },
    ),
    "monitoring-package-baselines": (
        MONITORING,
        {**MON, "model-package-arn": BASELINED_PACKAGE, "enable-data-quality-monitor": True},
    ),
    "monitoring-computed-baselines-in-vpc": (
        MONITORING,
        {
            **MON,
            "enable-data-quality-monitor": True,
            **{key: value for key, value in MQ.items() if key != "model-quality-baseline-s3-uri"},
            "model-quality-ground-truth-attribute": "label",
            "baseline-training-data-s3-uri": f"{ARTIFACTS}/training/train.csv",
            "baseline-output-data-s3-uri": f"{ARTIFACTS}/baselines/computed",
            "security-group-id": "sg-0123456789abcdef0",
            "subnet-ids": NET["subnet-ids"],
            "key-administrator-arns": [f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"],
            "log-retention-days": 545,
        },
    ),
    "monitoring-given-key-topic-boundary": (
        MONITORING,
        {
            **MON,
            **DQ,
            "kms-key-id": "0123abcd-0123-4567-89ab-0123456789ab",
            "alarm-topic-arn": TOPIC,
            "permissions-boundary-name": "mlops-boundary",
            "sagemaker-project-id": "p-abcdefghijkl",
            "tags": {"team": "ml"},
        },
    ),
    "monitoring-one-time-run": (
        MONITORING,
        {
            **MON,
            **DQ,
            "data-quality-schedule-expression": "NOW",
            "data-quality-data-analysis-start-time": "-PT24H",
            "data-quality-data-analysis-end-time": "-PT0H",
        },
    ),
    # registry: aiops-modules' examples/manifests/sagemaker-model-package-group-modules.yaml as written there
    # (its event bus from the reference's event-bus module of the same account), both of its modules
    "registry-reference-sample-source": (
        REGISTRY,
        {
            "model_package_group_name": "mlops-test-model-group-source",
            "target_event_bus_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/aiops-events-event-bus",
            "target_account_ids": '["444333222555"]',
            "sagemaker_project_id": 123123,
            "sagemaker_project_name": "test",
        },
    ),
    "registry-reference-sample-target": (
        REGISTRY,
        {
            "model_package_group_name": "mlops-test-model-group-tooling",
            "model_package_group_description": "Test model package group module - Target",
            "target_account_ids": '["111222333444"]',
            "sagemaker_project_id": 123123,
            "sagemaker_project_name": "test",
        },
    ),
    "registry-alone": (REGISTRY, {"model_package_group_name": "registry-alone"}),
    "registry-dev-prod": (
        REGISTRY,
        {
            "model_package_group_name": "fraud-detector-registry",
            "model_package_group_description": "Fraud detection models",
            "target_account_ids": [DEV, PROD],
            "model_artifacts_prefix": "models/fraud-detector",
            "permissions-boundary-name": "mlops-boundary",
            "key-administrator-arns": [f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"],
            "log-retention-days": 731,
            "tags": {"team": "ml"},
        },
    ),
    # aiops-modules #397/#402: dev and prod mapped to one account, and the registry's own account among them
    "registry-one-account-twice": (
        REGISTRY,
        {"model_package_group_name": "registry-one-account", "target_account_ids": [DEV, DEV, ACCOUNT]},
    ),
    "registry-forward-to-one-bus-only": (
        REGISTRY,
        {
            "model_package_group_name": "registry-one-bus",
            "target_account_ids": [DEV],
            "target_event_bus_arn": f"arn:aws:events:eu-west-1:{PROD}:event-bus/ml-central",
            "forward_events_to_target_accounts": False,
            "retain_on_delete": False,
        },
    ),
    **studio_cases.VALID,
}

# The account each case deploys to, when not the matrix's own (CDK_DEFAULT_ACCOUNT; the emulated account too).
DEPLOYED_IN = {"endpoint-registry-group": DEV, "endpoint-registry-package": DEV}

# What pydantic and the JSON decoder say on their own: no error line may contain any of it.
RAW_LIBRARY_PHRASES = (
    "should match pattern",
    "Input should",
    "Field required",
    "valid integer",
    "valid number",
    "valid boolean",
    "greater than or equal",
    "less than or equal",
    "Tuple should",
    "List should",
    "Extra inputs",
    "Value error,",
    "Expecting value",
    "Invalid JSON",
)

# (module, parameters, the kebab-case parameter the one error line must name)
BAD: dict[str, tuple[Path, dict[str, Any], str]] = {
    # Each of these was answered with pydantic's own words before; each now reads in ours with an example.
    "networking-max-azs-not-a-number": (NETWORKING, {"max-azs": "two"}, "max-azs"),
    "networking-internet-not-bool": (NETWORKING, {"internet-accessible": "maybe"}, "internet-accessible"),
    "networking-tags-not-strings": (NETWORKING, {"tags": {"team": 1}}, "tags.team"),
    "endpoint-count-not-a-number": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "initial-instance-count": "two"},
        "initial-instance-count",
    ),
    "endpoint-weight-not-a-number": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "initial-variant-weight": "heavy"},
        "initial-variant-weight",
    ),
    "endpoint-isolation-not-bool": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "enable-network-isolation": "maybe"},
        "enable-network-isolation",
    ),
    "endpoint-variant-name-pattern": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "variant-name": "all traffic"},
        "variant-name",
    ),
    "endpoint-group-name-pattern": (
        ENDPOINT,
        {**NET, "model-package-group-name": "fraud_detector"},
        "model-package-group-name",
    ),
    "endpoint-vpc-id-pattern": (ENDPOINT, {**NET, "vpc-id": "vpc-123", "model-package-arn": PACKAGE}, "vpc-id"),
    "endpoint-no-subnets": (ENDPOINT, {**NET, "subnet-ids": [], "model-package-arn": PACKAGE}, "subnet-ids"),
    "endpoint-variants-not-json": (ENDPOINT, {**NET, "variants": "[{name: current}]"}, "variants"),
    "endpoint-variant-unknown-key": (
        ENDPOINT,
        {**NET, "variants": [{"name": "current", "model-package-arn": PACKAGE, "weight": 2}]},
        "variants[0].weight",
    ),
    "endpoint-variant-without-name": (
        ENDPOINT,
        {**NET, "variants": [{"model-package-arn": PACKAGE}]},
        "variants[0].name",
    ),
    "endpoint-environment-not-strings": (
        ENDPOINT,
        {**NET, "model-image-uri": IMAGE, "model-environment": {"WORKERS": 2}},
        "model-environment.WORKERS",
    ),
    "endpoint-strategy-lowercase": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "deployment-strategy": "canary"},
        "deployment-strategy",
    ),
    "endpoint-capture-prefix-pattern": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "data-capture-prefix": "capture here"},
        "data-capture-prefix",
    ),
    "endpoint-capture-content-type-with-charset": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-sampling-percentage": 30,
            "data-capture-csv-content-types": ["text/csv; charset=utf-8"],
        },
        "data-capture-csv-content-types",
    ),
    "endpoint-boundary-is-an-arn": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "permissions-boundary-name": f"arn:aws:iam::{ACCOUNT}:policy/b"},
        "permissions-boundary-name",
    ),
    "endpoint-cpus-too-few": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **COMPONENT, "inference-component-cpus": 0.1},
        "inference-component-cpus",
    ),
    "endpoint-project-id-not-a-tag-value": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "sagemaker-project-id": "p-<abcdefghijk>"},
        "sagemaker-project-id",
    ),
    "networking-cidr-malformed": (NETWORKING, {"vpc-cidr": "10.0.0/16"}, "vpc-cidr"),
    "networking-cidr-too-small": (NETWORKING, {"vpc-cidr": "10.0.0.0/26"}, "vpc-cidr"),
    "networking-cidr-public": (NETWORKING, {"vpc-cidr": "52.0.0.0/16"}, "vpc-cidr"),
    "networking-max-azs-zero": (NETWORKING, {"max-azs": 0}, "max-azs"),
    "networking-max-azs-seven": (NETWORKING, {"max-azs": 7}, "max-azs"),
    "networking-nat-above-azs": (NETWORKING, {"max-azs": 2, "nat-gateways": 3}, "nat-gateways"),
    "networking-nat-without-internet": (NETWORKING, {"internet-accessible": False}, "nat-gateways"),
    "networking-unknown-endpoint": (NETWORKING, {"vpc-endpoints": ["sagemakr.api"]}, "vpc-endpoints"),
    "networking-s3-interface": (NETWORKING, {"vpc-endpoints": ["s3"]}, "vpc-endpoints"),
    "networking-flow-logs-not-bool": (NETWORKING, {"flow-logs": "sometimes"}, "flow-logs"),
    "networking-tags-not-map": (NETWORKING, {"tags": "team=ml"}, "tags"),
    "networking-unknown-parameter": (NETWORKING, {"nat-gateway": 1}, "nat-gateways"),
    "networking-retention-under-a-year": (NETWORKING, {"log-retention-days": 30}, "log-retention-days"),
    "networking-boundary-is-an-arn": (
        NETWORKING,
        {"permissions-boundary-name": f"arn:aws:iam::{ACCOUNT}:policy/b"},
        "permissions-boundary-name",
    ),
    "endpoint-key-administrator-wildcard": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "key-administrator-arns": [f"arn:aws:iam::{ACCOUNT}:role/*"]},
        "key-administrator-arns",
    ),
    "endpoint-no-source": (ENDPOINT, {**NET}, "model-package-arn"),
    "endpoint-two-sources": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "model-image-uri": IMAGE},
        "model-image-uri",
    ),
    "endpoint-missing-vpc": (ENDPOINT, {"model-package-arn": PACKAGE}, "vpc-id"),
    "endpoint-bad-subnet": (ENDPOINT, {**NET, "subnet-ids": ["sub-1"], "model-package-arn": PACKAGE}, "subnet-ids"),
    "endpoint-bad-vpc": (ENDPOINT, {**NET, "vpc-id": "vpc-12", "model-package-arn": PACKAGE}, "vpc-id"),
    "endpoint-package-arn-wrong-type": (
        ENDPOINT,
        {**NET, "model-package-arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/x"},
        "model-package-arn",
    ),
    "endpoint-role-is-a-user": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "model-execution-role-arn": f"arn:aws:iam::{ACCOUNT}:user/alice"},
        "model-execution-role-arn",
    ),
    "endpoint-bucket-is-an-object": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "model-artifacts-bucket-arn": f"{BUCKET}/x"},
        "model-artifacts-bucket-arn",
    ),
    "endpoint-ecr-wrong-service": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "ecr-repo-arn": BUCKET},
        "ecr-repo-arn",
    ),
    # Domain resource isolation grants by this value: it must name a SageMaker domain of this account and region.
    "endpoint-domain-arn-not-a-domain": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "sagemaker-domain-arn": "arn:aws:sagemaker:::domain/d-#1"},
        "sagemaker-domain-arn",
    ),
    "endpoint-domain-arn-is-a-role": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "sagemaker-domain-arn": f"arn:aws:iam::{ACCOUNT}:role/DataScientist"},
        "sagemaker-domain-arn",
    ),
    "endpoint-domain-of-another-account": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "sagemaker-domain-arn": f"arn:aws:sagemaker:{REGION}:{DEV}:domain/d-abcdefghijkl",
        },
        "sagemaker-domain-arn",
    ),
    "endpoint-domain-id-placeholder": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "sagemaker-domain-id": "dummy123"},
        "sagemaker-domain-id",
    ),
    # A registry's group or package of another region: SageMaker serves a package in its own region only.
    "endpoint-registry-group-other-region": (
        ENDPOINT,
        {**NET, "model-package-group-name": REGISTRY_GROUP.replace(REGION, "eu-west-1")},
        "model-package-group-name",
    ),
    "endpoint-registry-package-other-region": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE.replace(ACCOUNT, DEV).replace(REGION, "us-west-2")},
        "model-package-arn",
    ),
    "endpoint-registry-group-arn-capitals": (
        ENDPOINT,
        {**NET, "model-package-group-name": REGISTRY_GROUP.replace(GROUP, "Fraud-Detector")},
        "model-package-group-name",
    ),
    # S3 reports uploads to the bucket owner's bus: a registry's model data cannot be watched from here.
    "endpoint-registry-refresh": (
        ENDPOINT,
        {
            **NET,
            "model-package-group-name": REGISTRY_GROUP.replace(ACCOUNT, DEV),
            "refresh-on-model-data-change": True,
        },
        "refresh-on-model-data-change",
    ),
    "endpoint-forwarding-role-without-registry": (
        ENDPOINT,
        {**NET, "model-package-group-name": GROUP, "registry-event-forwarding-role-arn": REGISTRY_FORWARDER},
        "registry-event-forwarding-role-arn",
    ),
    "endpoint-artifacts-key-is-an-alias": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "model-artifacts-kms-key-arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/m"},
        "model-artifacts-kms-key-arn",
    ),
    "endpoint-instance-type": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "instance-type": "m5.large"},
        "instance-type",
    ),
    # SageMaker checks the type against its API model's enum: a typo is refused before synthesis, nearest named.
    "endpoint-instance-type-unknown-to-sagemaker": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "instance-type": "ml.m5.larg"},
        "instance-type",
    ),
    "endpoint-zero-instances": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "initial-instance-count": 0},
        "initial-instance-count",
    ),
    "endpoint-zero-weight": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "initial-variant-weight": 0},
        "initial-variant-weight",
    ),
    # EC2 knows no such type, so the size of a copy cannot be defaulted from it (the pattern alone passes).
    "endpoint-managed-scaling-unknown-instance-type": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "managed-instance-scaling": True, "instance-type": "ml.m5.larg"},
        "instance-type",
    ),
    "endpoint-component-memory-too-small": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **COMPONENT, "inference-component-memory-mb": 64},
        "inference-component-memory-mb",
    ),
    "endpoint-component-without-managed-scaling": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "inference-component-cpus": 2},
        "inference-component-cpus",
    ),
    "endpoint-component-serverless": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, **COMPONENT},
        "serverless-memory-size-mb",
    ),
    "endpoint-component-ab-variants": (ENDPOINT, {**NET, "variants": AB, **COMPONENT}, "variants"),
    "endpoint-component-pipeline": (
        ENDPOINT,
        {**NET, "containers": [{"image-uri": PRE}, {"image-uri": IMAGE}], **COMPONENT},
        "containers",
    ),
    "endpoint-component-canary": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **COMPONENT, "deployment-strategy": "CANARY"},
        "deployment-strategy",
    ),
    "endpoint-component-refresh": (
        ENDPOINT,
        {**NET, "model-image-uri": IMAGE, "model-data-url": DATA, **COMPONENT, "refresh-on-model-data-change": True},
        "refresh-on-model-data-change",
    ),
    "endpoint-component-zero-without-copy-scaling": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **COMPONENT, "scaling-min-instance-count": 0},
        "scaling-min-instance-count",
    ),
    "endpoint-async-without-input": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "async-output-s3-uri": "s3://mlops-artifacts/async/results"},
        "async-input-s3-uri",
    ),
    "endpoint-async-failure-alone": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "async-failure-s3-uri": "s3://mlops-artifacts/async/failures"},
        "async-failure-s3-uri",
    ),
    "endpoint-async-output-not-s3": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "async-output-s3-uri": "mlops-artifacts/async"},
        "async-output-s3-uri",
    ),
    "endpoint-async-topic-is-a-queue": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "async-success-topic-arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"},
        "async-success-topic-arn",
    ),
    "endpoint-async-invoke-function": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "invoke-function": True},
        "invoke-function",
    ),
    "endpoint-async-serverless": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, **ASYNC},
        "serverless-memory-size-mb",
    ),
    "endpoint-async-inf1": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "instance-type": "ml.inf1.xlarge"},
        "instance-type",
    ),
    "endpoint-async-invocation-target": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, **AUTOSCALING},
        "autoscaling-target-invocations-per-instance",
    ),
    "endpoint-async-without-backlog-target": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "autoscaling-max-capacity": 3},
        "autoscaling-target-backlog-per-instance",
    ),
    "endpoint-two-shadows": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "shadow-variants": [SHADOW, {**SHADOW, "name": "second"}]},
        "shadow-variants",
    ),
    "endpoint-shadow-with-ab": (ENDPOINT, {**NET, "variants": AB, "shadow-variants": [SHADOW]}, "shadow-variants"),
    "endpoint-shadow-async": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **ASYNC, "shadow-variants": [SHADOW]},
        "async-output-s3-uri",
    ),
    "endpoint-shadow-serverless": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, "shadow-variants": [SHADOW]},
        "serverless-memory-size-mb",
    ),
    "endpoint-shadow-inf1": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "shadow-variants": [{**SHADOW, "instance-type": "ml.inf1.xlarge"}]},
        "instance-type",
    ),
    "endpoint-shadow-named-like-production": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "shadow-variants": [{**SHADOW, "name": "AllTraffic"}]},
        "shadow-variants",
    ),
    "endpoint-shadow-roll-back-alone": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "shadow-alarms-roll-back": True},
        "shadow-alarms-roll-back",
    ),
    "endpoint-component-instance-target": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **COMPONENT, **AUTOSCALING},
        "autoscaling-target-invocations-per-instance",
    ),
    "endpoint-capture-without-bucket": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "data-capture-sampling-percentage": 10},
        "data-capture-sampling-percentage",
    ),
    "endpoint-capture-over-100": (
        ENDPOINT,
        {
            **NET,
            "model-package-arn": PACKAGE,
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-samping-percentage": 150,
        },
        "data-capture-sampling-percentage",
    ),
    "endpoint-image-not-ecr": (ENDPOINT, {**NET, "model-image-uri": "python:3.12"}, "model-image-uri"),
    "endpoint-data-url-not-s3": (
        ENDPOINT,
        {**NET, "model-image-uri": IMAGE, "model-data-url": "/tmp/m.tar.gz"},
        "model-data-url",
    ),
    "endpoint-one-container": (ENDPOINT, {**NET, "containers": [{"image-uri": IMAGE}]}, "containers"),
    "endpoint-duplicate-variants": (ENDPOINT, {**NET, "variants": [AB[0], AB[0]]}, "variants"),
    "endpoint-serverless-memory": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, "serverless-memory-size-mb": 3000},
        "serverless-memory-size-mb",
    ),
    "endpoint-serverless-in-vpc": (ENDPOINT, {**NET, "model-package-arn": PACKAGE, **SERVERLESS}, "vpc-id"),
    "endpoint-serverless-capture": (
        ENDPOINT,
        {
            "model-package-arn": PACKAGE,
            **SERVERLESS,
            "model-artifacts-bucket-arn": BUCKET,
            "data-capture-sampling-percentage": 5,
        },
        "data-capture-sampling-percentage",
    ),
    "endpoint-autoscaling-burstable": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "instance-type": "ml.t2.medium", **AUTOSCALING},
        "instance-type",
    ),
    "endpoint-autoscaling-without-target": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "autoscaling-max-capacity": 3},
        "autoscaling-target-invocations-per-instance",
    ),
    "endpoint-autoscaling-min-above-initial": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, **AUTOSCALING, "autoscaling-min-capacity": 3},
        "autoscaling-min-capacity",
    ),
    "endpoint-unknown-strategy": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "deployment-strategy": "BLUE"},
        "deployment-strategy",
    ),
    "endpoint-canary-too-big": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "deployment-strategy": "CANARY", "canary-size-percent": 80},
        "canary-size-percent",
    ),
    "endpoint-rolling-serverless": (
        ENDPOINT,
        {"model-package-arn": PACKAGE, **SERVERLESS, "deployment-strategy": "ROLLING"},
        "deployment-strategy",
    ),
    "endpoint-too-many-rollback-alarms": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "rollback-alarm-names": [f"a{i}" for i in range(10)]},
        "rollback-alarm-names",
    ),
    "endpoint-refresh-without-data": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "refresh-on-model-data-change": True},
        "refresh-on-model-data-change",
    ),
    "endpoint-two-topics": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "notifications": True, "notification-topic-arn": TOPIC},
        "notification-topic-arn",
    ),
    "endpoint-unknown-parameter": (
        ENDPOINT,
        {**NET, "model-package-arn": PACKAGE, "instance-typ": "ml.m5.large"},
        "instance-type",
    ),
    "endpoint-group-missing": (
        ENDPOINT,
        {**NET, "model-package-group-name": "no-such-group"},
        "model-package-group-name",
    ),
    "monitoring-no-monitor": (MONITORING, MON, "enable-data-quality-monitor"),
    "monitoring-every-half-hour": (
        MONITORING,
        {**MON, **DQ, "data-quality-schedule-expression": "cron(0/30 * ? * * *)"},
        "data-quality-schedule-expression",
    ),
    "monitoring-run-longer-than-its-interval": (
        MONITORING,
        {**MON, **DQ, "data-quality-max-runtime-in-seconds": 7200},
        "data-quality-max-runtime-in-seconds",
    ),
    "monitoring-no-ground-truth": (
        MONITORING,
        {**MON, **{key: value for key, value in MQ.items() if "ground-truth" not in key}},
        "model-quality-ground-truth-s3-uri",
    ),
    "monitoring-output-outside-the-bucket": (
        MONITORING,
        {**MON, **DQ, "data-quality-output-s3-uri": "s3://other-bucket/reports"},
        "data-quality-output-s3-uri",
    ),
    "monitoring-capture-at-zero": (
        MONITORING,
        {**MON, **DQ, "data-capture-sampling-percentage": 0},
        "data-capture-sampling-percentage",
    ),
    "monitoring-retention-under-a-year": (MONITORING, {**MON, **DQ, "log-retention-days": 90}, "log-retention-days"),
    "monitoring-endpoint-missing": (MONITORING, {**MON, **DQ, "endpoint-name": "no-such-endpoint"}, "endpoint-name"),
    "monitoring-unknown-parameter": (
        MONITORING,
        {**MON, **DQ, "data_quality_schedule": "cron(0 * ? * * *)"},
        "data-quality-schedule-expression",
    ),
    # The registry names parameters as the reference module's README does: snake_case.
    "registry-group-name-pattern": (
        REGISTRY,
        {"model_package_group_name": "fraud_detector"},
        "model_package_group_name",
    ),
    "registry-reference-test-account": (
        REGISTRY,
        {"model_package_group_name": "fraud", "target_account_ids": '["dummy123"]'},
        "target_account_ids[0]",
    ),
    "registry-readme-placeholder-bus": (
        REGISTRY,
        {
            "model_package_group_name": "fraud",
            "target_event_bus_arn": "arn:aws:events:xx-xxxxx-xx:xxxxxxxxxxxx:event-bus/default",
        },
        "target_event_bus_arn",
    ),
    "registry-own-default-bus": (
        REGISTRY,
        {
            "model_package_group_name": "fraud",
            "target_event_bus_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
        },
        "target_event_bus_arn",
    ),
    "registry-six-buses": (
        REGISTRY,
        {"model_package_group_name": "fraud", "target_account_ids": [f"22222222222{digit}" for digit in range(6)]},
        "target_account_ids",
    ),
    "registry-key-without-bucket": (
        REGISTRY,
        {"model_package_group_name": "fraud", "model_artifacts_kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k"},
        "model_artifacts_kms_key_arn",
    ),
    "registry-boundary-is-an-arn": (
        REGISTRY,
        {"model_package_group_name": "fraud", "permissions-boundary-name": f"arn:aws:iam::{ACCOUNT}:policy/b"},
        "permissions-boundary-name",
    ),
    "registry-retention-under-a-year": (
        REGISTRY,
        {"model_package_group_name": "fraud", "log-retention-days": 180},
        "log-retention-days",
    ),
    "registry-unknown-parameter": (
        REGISTRY,
        {"model_package_group_name": "fraud", "target_accounts": [DEV]},
        "target_account_ids",
    ),
    # A group kept by an earlier deployment (tests/run_bad_cases.py seeds it in the emulated account).
    "registry-kept-group": (REGISTRY, {"model_package_group_name": "kept-fraud-detector"}, "model_package_group_name"),
    # An existing bucket whose policy lets no target account in.
    "registry-existing-bucket-closed": (
        REGISTRY,
        {
            "model_package_group_name": "fraud",
            "target_account_ids": [DEV],
            "model_artifacts_bucket_arn": "arn:aws:s3:::closed-model-artifacts",
        },
        "model_artifacts_bucket_arn",
    ),
    **studio_cases.BAD,
}


def monitored_endpoint(sagemaker: Any, s3: Any) -> None:
    """What the model monitoring cases read at synth time: an endpoint capturing CSV and JSON as text, serving
    version 1 of GROUP; version 2 (not approved) with drift-check baselines; the baseline files."""
    s3.create_bucket(Bucket="mlops-artifacts")
    for key in MONITORING_FILES:
        s3.put_object(Bucket="mlops-artifacts", Key=key, Body=b"{}")
    check = f"{ARTIFACTS}/pipelines/checks/data-quality"
    sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": DATA}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        DriftCheckBaselines={
            "ModelDataQuality": {
                "Constraints": {"ContentType": "application/json", "S3Uri": f"{check}/constraints.json"},
                "Statistics": {"ContentType": "application/json", "S3Uri": f"{check}/statistics.json"},
            }
        },
    )
    sagemaker.create_model(
        ModelName="matrix-monitored-model",
        ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/execution",
        PrimaryContainer={"ModelPackageName": BASELINED_PACKAGE.removesuffix("/2") + "/1"},
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{MONITORED}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "matrix-monitored-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": f"{ARTIFACTS}/data-capture/{MONITORED}",
            "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0123abcd-0123-4567-89ab-0123456789ab",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]},
        },
    )
    sagemaker.create_endpoint(EndpointName=MONITORED, EndpointConfigName=f"{MONITORED}-config")


def module_environment(parameters: dict[str, Any], module: str) -> dict[str, str]:
    """The variables Seed-Farmer gives a module: names, account (DEPLOYED_IN's, else the matrix's), region and
    JSON-encoded parameters."""
    env = {
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "matrix",
        "SEEDFARMER_MODULE_NAME": module,
        "CDK_DEFAULT_ACCOUNT": DEPLOYED_IN.get(module, ACCOUNT),
        "CDK_DEFAULT_REGION": REGION,
    }
    for name, value in parameters.items():
        env["SEEDFARMER_PARAMETER_" + name.upper().replace("-", "_")] = (
            value if isinstance(value, str) else json.dumps(value)
        )
    return env


def synthesize_in_one_process(
    module_dir: Path,
    cases: dict[str, dict[str, Any]],
    outroot: Path,
    *,
    validate: bool = True,
    environments: dict[str, dict[str, str]] | None = None,
    seed: list[dict[str, Any]] | None = None,
) -> subprocess.Popen[str]:
    """Start one process that synthesizes every case of a module (see synthesize_cases.py).

    `validate=False` skips CDK's template validation and the Control Tower rules (as unit tests do),
    for runs that only read the templates; `environments` (case -> Seed-Farmer's variables) and `seed` (the
    model package groups of each account) as synthesize_cases.py describes them."""
    (outroot / "cases.json").write_text(json.dumps(cases))
    if environments:
        (outroot / "environments.json").write_text(json.dumps(environments))
    if seed:
        (outroot / "seed.json").write_text(json.dumps(seed))
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_")}
    env.pop("CDK_VALIDATION", None)  # CDK's own template validation stays on for the matrix
    if not validate:
        env["CDK_VALIDATION"] = "false"
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "synthesize_cases.py"), str(outroot)],
        cwd=module_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


# Updates of one deployed module (module name `neighbour`): a base and one-parameter changes of it,
# for the lifecycle check (tests/real_account/lifecycle.py) that every replacement gets a new name.
NEIGHBOUR_BASE = {
    **NET,
    "model-image-uri": IMAGE,
    "model-data-url": DATA,
    "refresh-on-model-data-change": True,
    "notifications": True,
    "invoke-function": True,
    "alarm-model-latency-p99-ms": 300,
    "model-artifacts-bucket-arn": BUCKET,
}
NEIGHBOURS: dict[str, dict[str, Any]] = {
    "base": NEIGHBOUR_BASE,
    "instance-type": {**NEIGHBOUR_BASE, "instance-type": "ml.m5.xlarge"},
    "instance-count": {**NEIGHBOUR_BASE, "initial-instance-count": 2},
    "network-isolation": {**NEIGHBOUR_BASE, "enable-network-isolation": False},
    "model-data": {**NEIGHBOUR_BASE, "model-data-url": "s3://mlops-artifacts/fraud-detector/1.5/model.tar.gz"},
    "image": {**NEIGHBOUR_BASE, "model-image-uri": IMAGE.replace(":1.4", ":1.5")},
    "environment": {**NEIGHBOUR_BASE, "model-environment": {"MODE": "safe"}},
    "subnets": {**NEIGHBOUR_BASE, "subnet-ids": NET["subnet-ids"][:1]},
    "data-capture": {**NEIGHBOUR_BASE, "data-capture-sampling-percentage": 20},
    # Data capture on, into another bucket: DataCaptureConfig is create-only (compared with data-capture).
    "capture-bucket": {
        **NEIGHBOUR_BASE,
        "data-capture-sampling-percentage": 20,
        "model-artifacts-bucket-arn": "arn:aws:s3:::mlops-artifacts-2",
    },
    "variant-name": {**NEIGHBOUR_BASE, "variant-name": "blue"},
    "package": {
        **{
            k: v
            for k, v in NEIGHBOUR_BASE.items()
            if k not in {"model-image-uri", "model-data-url", "refresh-on-model-data-change"}
        },
        "model-package-arn": PACKAGE,
    },
}
# The update each neighbour is checked from: `base`, unless it needs a neighbour's own setting first.
NEIGHBOUR_BEFORE = {"capture-bucket": "data-capture"}
