"""docs/security.md's sections on service contracts, what each role may do, and the CDK's own handler.

Generated from the synthesized matrix (tests/security_doc.py calls these), so they cannot drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from tests.matrix import ACCOUNT, REGION
from tests.real_account.cfn import Template, matrix_templates, modulestack_templates
from tests.real_account.contracts import contracts
from tests.real_account.policies import as_list, documents

# The CDK-generated role whose name shows which part of a module it serves.
ROLE_NAMES = {
    "ExecutionRole": "SageMaker execution role",
    "ModelRefreshRole": "refresh function",
    "InvokeFunctionRole": "invoke function",
    "FlowLogRole": "VPC flow logs delivery",
    "ModelPackageLookup": "Seed-Farmer deployment role (modulestack.yaml, only when following a group by name)",
    "RegistryModelPackageLookup": "Seed-Farmer deployment role (modulestack.yaml, only when following a group by ARN)",
    "DeployedEndpointRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "KeptLogGroupsRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "ModelPackageRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "FixedModelPackageRead": "Seed-Farmer deployment role (modulestack.yaml, only with a fixed model-package-arn)",
    "InstanceQuotaRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "InstanceSizeRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "CustomVpcRestrictDefaultSG": "the CDK's default-security-group handler (networking)",
    "MonitoringRole": "model monitoring jobs (SageMaker)",
    "BaseliningFunctionRole": "baselining function",
    "MonitoredEndpointRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "BaselineFilesRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "DataScientistPolicy": "Studio data scientist role",
    "LeadDataScientistPolicy": "Studio lead data scientist role",
    "ExecutionPolicy": "Studio shared spaces' role",
    "StudioLifecyclePolicy": "Studio lifecycle function",
    "MlflowTrackingServerPolicy": "MLflow tracking server",
    "DeployedDomainRead": "Seed-Farmer deployment role (modulestack.yaml)",
    "SageMakerModelPackageStateChangeTarget": "model package group's event forwarding role",
    "KeptGroupRead": "Seed-Farmer deployment role (model package group's modulestack.yaml)",
    "ExistingBucketPolicyRead": "Seed-Farmer deployment role (model package group's modulestack.yaml, an existing bucket)",
    "ExistingKeyPolicyRead": "Seed-Farmer deployment role (model package group's modulestack.yaml, an existing key)",
    "ExistingRepositoryPolicyRead": "Seed-Farmer deployment role (model package group's modulestack.yaml, existing repositories)",
}


def _normal(text: str, template: Template) -> str:
    stack = template.case.split("~", 1)[0]
    text = text.replace(f"mlops-matrix-{stack}", "<stack>").replace(f"{stack}-", "<stack>-")
    text = re.sub(r"\b[a-z]+-[0-9a-f]{8}\b", lambda m: m[0].rsplit("-", 1)[0] + "-<hash>", text)
    text = re.sub(r"(key/)[a-z0-9]+-0000", r"\1<key>", text)
    text = re.sub(r"\bsg-[a-z]+\b", "<security-group>", text)
    text = re.sub(r"Vpc[0-9A-F]{8}\.DefaultSecurityGroup", "<default security group>", text)
    text = re.sub(r"<stack>-[A-Za-z]+[0-9A-F]{8}", "<generated>", text)
    text = re.sub(r"<stack>-[a-z]+[0-9a-f]{8}\b", "<generated>", text)  # a bucket's (CloudFormation lower-cases it)
    if template.account != ACCOUNT:  # a workload account's template: the matrix's account is its registry
        text = text.replace(ACCOUNT, "<registry account>")
    return text.replace(template.account, "<account>").replace(REGION, "<region>")


def contract_rows(templates: list[Template]) -> list[str]:
    rows: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for template in templates:
        for contract in contracts(template):
            outside = contract.outside
            denied = (
                ""
                if outside is None
                else _normal(
                    f"`{outside.resource}`"
                    + "".join(f" {key}=`{value}`" for key, value in sorted(outside.context.items())),
                    template,
                )
            )
            key = (contract.who, _normal(contract.what, template), contract.call.action, denied)
            rows[key].add(_normal(contract.call.resource, template))
    lines = ["| who | why | action | on | denied just outside |", "| --- | --- | --- | --- | --- |"]
    for (who, what, action, denied), resources in sorted(rows.items()):
        shown = ", ".join(f"`{resource}`" for resource in sorted(resources)[:2])
        more = f" and {len(resources) - 2} more" if len(resources) > 2 else ""
        lines.append(f"| {who} | {what} | `{action}` | {shown}{more} | {denied} |")
    return lines


def role_rows(templates: list[Template]) -> list[str]:
    rows: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for template in templates:
        for document in documents(template):
            if document.kind != "identity":
                continue
            owner = next((name for prefix, name in ROLE_NAMES.items() if document.logical.startswith(prefix)), None)
            if owner is None:
                owner = next(
                    (name for prefix, name in ROLE_NAMES.items() for role in document.roles if prefix in role), "other"
                )
            for statement in document.statements:
                actions = ", ".join(f"`{action}`" for action in as_list(statement.get("Action", [])))
                condition = " ".join(
                    f"{operator} {key}" for operator, keys in statement.get("Condition", {}).items() for key in keys
                )
                key = (
                    owner,
                    str(statement.get("Sid", "")),
                    f"{statement['Effect']} {actions}" + (f" if {condition}" if condition else ""),
                )
                for resource in as_list(statement.get("Resource", "*")):
                    rows[key].add(_normal(str(resource), template))
    lines = ["| role | statement | may | on |", "| --- | --- | --- | --- |"]
    for (owner, sid, may), resources in sorted(rows.items()):
        shown = ", ".join(f"`{resource}`" for resource in sorted(resources)[:3])
        more = f" and {len(resources) - 3} more forms" if len(resources) > 3 else ""
        lines.append(f"| {owner} | {sid} | {may} | {shown}{more} |")
    return lines


def cdk_handler_rows(templates: list[Template]) -> list[str]:
    """The CDK's own handler that closes the default security group: what it is, from the templates."""
    facts: set[str] = set()
    for template in templates:
        for logical, resource in template.raw["Resources"].items():
            if not logical.startswith("CustomVpcRestrictDefaultSGCustomResourceProvider"):
                continue
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::IAM::Role":
                for arn in props.get("ManagedPolicyArns", []):
                    facts.add(
                        f"- its role has the AWS managed policy `{_normal(str(template.resolve(arn)), template)}`"
                    )
                for inline in props.get("Policies", []):
                    for statement in inline["PolicyDocument"]["Statement"]:
                        actions = ", ".join(f"`{action}`" for action in as_list(statement["Action"]))
                        facts.add(
                            f"- its role's inline policy allows {actions} on the VPC's default security group only"
                        )
            if resource["Type"] == "AWS::Lambda::Function":
                facts.add(f"- runtime `{props.get('Runtime')}`, {props.get('Timeout')} s timeout")
                facts.add("- it runs outside any VPC" if "VpcConfig" not in props else "- it runs in the VPC")
                facts.add(
                    "- it logs to Lambda's default log group `/aws/lambda/<function>` (not created by the "
                    "stack: no retention, no customer managed key)"
                    if "LoggingConfig" not in props
                    else "- it logs to a log group of the stack"
                )
    return sorted(facts)


# What holds each side of a cross-account call, by the resource the call is made on.
SIDES = {
    "sagemaker": "the group's resource policy",
    "s3": "the artifacts bucket's policy",
    "kms": "the artifacts key's policy",
    "ecr": "the repository's policy (printed and checked)",
    "events": "the target account's event bus policy",
    "iam": "the forwarding role's trust policy",
}


def cross_account_rows(template: Template) -> list[str]:
    """Each call a workload account makes into the registry, the policies on both sides, its neighbours."""
    from tests.real_account.registry_contracts import cross_account

    lines = [
        "| who (account) | call | on | allowed by | denied just outside |",
        "| --- | --- | --- | --- | --- |",
    ]
    for account in ("222222222222",):
        for contract in cross_account(template, account):
            call = contract.call
            caller = "the registry" if call.caller.account in (None, template.account) else "the workload"
            service = call.target.arn.split(":")[2]
            sides = [SIDES[service]] if call.target.policy is not None else []
            sides += [f"{caller}'s identity policy"] if call.caller.identity_policies else []
            allowed_by = " and ".join(sides)
            outside = ", ".join(name for name, _ in contract.outside)
            lines.append(
                f"| {contract.who} ({caller}) | `{call.action}`: {contract.what} | "
                f"`{_normal(call.target.arn, template)}` | {allowed_by} | {outside} |"
            )
    return lines


def endpoint_cross_account_rows(template: Template) -> list[str]:
    """Each call a workload's endpoint makes into the registry, and the registry's delivery onto its bus, with
    the policies on both sides read from the endpoint's templates and the registry module's statements."""
    from tests.real_account.endpoint_across import matrix_contracts

    lines = ["| who | call | on | allowed by | denied just outside |", "| --- | --- | --- | --- | --- |"]
    for contract in matrix_contracts(template):
        call = contract.call
        service = call.target.arn.split(":")[2]
        workload = call.caller.account == template.account
        sides = [SIDES[service]] if call.target.policy is not None else []
        if service == "events":
            sides = ["the statement the endpoint adds to its default bus"]
        sides += [f"the {'endpoint' if workload else 'registry'}'s identity policy"]
        outside = ", ".join(name for name, _ in contract.outside)
        lines.append(
            f"| {contract.who} | `{call.action}`: {contract.what} | `{_normal(call.target.arn, template)}` | "
            f"{' and '.join(sides)} | {outside} |"
        )
    return lines


def sections(results: dict[str, Any]) -> str:
    templates = [*matrix_templates(results), *modulestack_templates()]
    return "\n".join(
        [
            "## Service contracts",
            "",
            "Every call AWS makes on the deployment's behalf, and every call the modules' code makes (the functions'",
            "boto3 calls and the synth-time lookup are read from the code), with the call just outside its scope.",
            "`make test` has an IAM simulator (`@cloud-copilot/iam-simulate`, rehearsal/iam_simulator.py)",
            "evaluate each against the synthesized identity, resource and key policies of every template of the",
            "matrix, with the accounts of the caller and of the resource (tests/real_account/contracts.py): the",
            "first must be allowed, the second denied; the templates the rehearsal of manifests/deployment.yaml",
            "synthesizes are checked the same way.",
            "",
            *contract_rows(templates),
            "",
            "## Across accounts",
            "",
            "A workload account (dev, prod) serves the registry's models: each call it makes into the registry account",
            "is allowed only when both sides allow it, the resource's policy in the registry (the module writes it, or",
            "checks it on an existing resource) and the caller's identity policy in the workload account (the least",
            "the endpoint module holds: tests/real_account/workload.py). `make test` evaluates each call with both",
            "sides' policies over every registry template of the matrix and of manifests/multi-account/, and each",
            "neighbour just outside it must be denied (tests/real_account/registry_contracts.py). For the matrix's",
            "`registry-dev-prod`, as dev (`222222222222`) calls:",
            "",
            *cross_account_rows(next(template for template in templates if template.case == "registry-dev-prod")),
            "",
            "The endpoint module holds the workload's side itself. For the matrix's `endpoint-registry-group` (an",
            "endpoint in dev following the group of the matrix's account by its ARN, with the artifacts' key and the",
            "registry's forwarding role), each call with the endpoint's own policies (its modulestack, the CDK",
            "execution policy, its execution role, the statement it adds to its default bus) and the registry",
            "module's statements (tests/real_account/endpoint_across.py; the endpoints of manifests/multi-account/",
            "are evaluated against the registry's template the same way):",
            "",
            *endpoint_cross_account_rows(next(t for t in templates if t.case == "endpoint-registry-group")),
            "",
            "## What each role may do",
            "",
            "Every statement of every identity policy the modules create, across the matrix (checked against the",
            "Service Authorization Reference by `make test`: actions exist, resources are of types the actions",
            "support, condition keys are ones the actions carry).",
            "",
            *role_rows(templates),
            "",
            "## The CDK's own handler that closes the default security group",
            "",
            "`restrict_default_security_group` makes the CDK add a Lambda function and role to the networking",
            "stack that cdk-nag does not inspect (they are not constructs of the module). From the templates:",
            "",
            *cdk_handler_rows(templates),
            "- Control Tower's CT.LAMBDA.PR.3 (function in a VPC) is acknowledged on it, see below.",
            "",
        ]
    )
