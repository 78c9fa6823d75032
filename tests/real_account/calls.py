"""The AWS calls code makes, read from the code itself (ast), as IAM actions.

A function that gains a boto3 call gains a row here without anyone writing it down, so a call its role
does not allow fails a test instead of a production invocation.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import aws_lambda_powertools
import botocore.session
from botocore import xform_name

from tests.repository import ROOT

ENDPOINT = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint"
FUNCTIONS = ENDPOINT / "functions"
MONITORING = ROOT / "modules" / "sagemaker" / "sagemaker-model-monitoring"
REGISTRY = ROOT / "modules" / "sagemaker" / "sagemaker-model-package-group" / "sagemaker_model_package_group"
POWERTOOLS_DYNAMODB = (
    Path(aws_lambda_powertools.__file__).parent / "utilities" / "idempotency" / "persistence" / "dynamodb.py"
)


# API operations authorized by an action of another name (the Service Authorization Reference).
AUTHORIZED_AS = {"s3:HeadObject": "s3:GetObject", "s3:ListObjectsV2": "s3:ListBucket"}


@cache
def iam_action(service: str, method: str) -> str:
    """`("sagemaker-runtime", "invoke_endpoint")` -> `sagemaker:InvokeEndpoint` (the IAM prefix is the
    service's signing name)."""
    model = botocore.session.get_session().get_service_model(service)
    operations = {xform_name(name): name for name in model.operation_names}
    action = f"{model.signing_name}:{operations[method]}"
    return AUTHORIZED_AS.get(action, action)


def _client_names(tree: ast.AST) -> dict[str, str]:
    """Variables bound to `boto3.client("service")`, tuple assignments included."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        targets = node.targets[0]
        values: list[ast.expr] = [node.value]
        if isinstance(targets, ast.Tuple) and isinstance(node.value, ast.Tuple):
            values = list(node.value.elts)
            target_names = list(targets.elts)
        else:
            target_names = [targets]
        for target, value in zip(target_names, values, strict=False):
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == "client"
                and value.args
                and isinstance(value.args[0], ast.Constant)
            ):
                names[target.id] = str(value.args[0].value)
    return names


def _method_calls(tree: ast.AST, receiver: str) -> set[str]:
    """`receiver.method(...)` calls (and `receiver.get_paginator("method")`) in `tree`."""
    methods: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
        if name != receiver:
            continue
        if node.func.attr == "get_paginator" and node.args and isinstance(node.args[0], ast.Constant):
            methods.add(str(node.args[0].value))
        elif not node.func.attr.startswith("_") and node.func.attr not in {"exceptions", "meta"}:
            methods.add(node.func.attr)
    return methods


@cache
def function_actions(function: str, functions: Path = FUNCTIONS) -> frozenset[str]:
    """Every IAM action the function in functions/<function>/ calls through boto3 (its clients are bound
    in the handler by name and passed on under the same names)."""
    trees = [ast.parse(path.read_text()) for path in sorted((functions / function).glob("*.py"))]
    clients: dict[str, str] = {}
    for tree in trees:
        clients.update(_client_names(tree))
    return frozenset(
        iam_action(service, method)
        for tree in trees
        for variable, service in clients.items()
        for method in _method_calls(tree, variable)
    )


@cache
def idempotency_actions() -> frozenset[str]:
    """The DynamoDB calls of the Powertools idempotency persistence layer (the installed version)."""
    tree = ast.parse(POWERTOOLS_DYNAMODB.read_text())
    return frozenset(iam_action("dynamodb", method) for method in _method_calls(tree, "client"))


@cache
def lookup_actions() -> frozenset[str]:
    """The SageMaker calls of the synth-time lookup (model_source/lookup.py), made with the deployment role."""
    tree = ast.parse((ENDPOINT / "sagemaker_endpoint" / "model_source" / "lookup.py").read_text())
    return frozenset(iam_action("sagemaker", method) for method in _method_calls(tree, "sagemaker"))


@cache
def deployed_read_actions() -> frozenset[str]:
    """The calls that read the deployed endpoint before each deploy (variants/deployed.py), with the deployment role."""
    tree = ast.parse((ENDPOINT / "sagemaker_endpoint" / "variants" / "deployed.py").read_text())
    return frozenset(
        iam_action(service, method)
        for variable, service in (("sagemaker", "sagemaker"), ("autoscaling", "application-autoscaling"))
        for method in _method_calls(tree, variable)
    )


@cache
def retained_read_actions() -> frozenset[str]:
    """The calls that look for log groups an earlier deployment kept, before each deploy (the platform
    library's retained.py, in every module), with the deployment role."""
    tree = ast.parse((ENDPOINT / "mlops_platform" / "retained.py").read_text())
    return frozenset(
        iam_action(service, method)
        for variable, service in (("cloudformation", "cloudformation"), ("logs", "logs"))
        for method in _method_calls(tree, variable)
    )


def _method_references(tree: ast.AST, receiver: str) -> set[str]:
    """`receiver.method` named anywhere in `tree`, called or passed on (a bound method handed to a helper)."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
        and not node.attr.startswith("_")
        and node.attr not in {"exceptions", "meta"}
    }


@cache
def monitoring_read_actions() -> frozenset[str]:
    """The synth-time reads of the model monitoring module (the endpoint, its package's baselines, the
    baseline files), made with the deployment role."""
    package = MONITORING / "sagemaker_model_monitoring"
    actions = set()
    for file in ("endpoint.py", "baselines.py"):
        tree = ast.parse((package / file).read_text())
        actions |= {iam_action("sagemaker", method) for method in _method_references(tree, "sagemaker")}
        actions |= {iam_action("s3", method) for method in _method_references(tree, "s3")}
    return frozenset(actions)


STUDIO = ROOT / "modules" / "sagemaker" / "sagemaker-studio"


@cache
def studio_lifecycle_actions() -> frozenset[str]:
    """Every IAM action the Studio stack's lifecycle function calls (functions/studio_lifecycle)."""
    folder = STUDIO / "functions" / "studio_lifecycle"
    trees = [ast.parse(path.read_text()) for path in sorted(folder.glob("*.py"))]
    clients: dict[str, str] = {}
    for tree in trees:
        clients.update(_client_names(tree))
    return frozenset(
        iam_action(service, method)
        for tree in trees
        for variable, service in clients.items()
        for method in _method_calls(tree, variable)
    )


@cache
def studio_deployed_read_actions() -> frozenset[str]:
    """The calls that read the deployed Studio domain before each deploy (deployed.py), with the deployment role."""
    tree = ast.parse((STUDIO / "sagemaker_studio" / "deployed.py").read_text())
    return frozenset(
        iam_action(service, method)
        for variable, service in (("cloudformation", "cloudformation"), ("sagemaker", "sagemaker"))
        for method in _method_calls(tree, variable)
    )


@cache
def quota_read_actions() -> frozenset[str]:
    """The calls that read the account's instance quotas before each deploy (variants/quotas.py), with the
    deployment role."""
    tree = ast.parse((ENDPOINT / "sagemaker_endpoint" / "variants" / "quotas.py").read_text())
    return frozenset(iam_action("service-quotas", method) for method in _method_calls(tree, "servicequotas"))


@cache
def instance_size_actions() -> frozenset[str]:
    """The call that reads the size of an instance type (inference_components/instance_sizes.py), with the
    deployment role."""
    tree = ast.parse((ENDPOINT / "sagemaker_endpoint" / "inference_components" / "instance_sizes.py").read_text())
    return frozenset(iam_action("ec2", method) for method in _method_calls(tree, "ec2"))


@cache
def registry_read_actions() -> frozenset[str]:
    """The calls the model package group module makes before each deploy with the deployment role: a kept
    group and the deployed description (kept.py), the policies of existing resources (existing.py)."""
    receivers = {"sagemaker": "sagemaker", "cloudformation": "cloudformation", "s3": "s3", "kms": "kms", "ecr": "ecr"}
    trees = [ast.parse((REGISTRY / name).read_text()) for name in ("kept.py", "existing.py")]
    return frozenset(
        iam_action(service, method)
        for tree in trees
        for variable, service in receivers.items()
        for method in _method_calls(tree, variable)
    )
