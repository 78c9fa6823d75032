"""docs/seedfarmer-iam.md: what Seed-Farmer's roles, the CDK's roles and the modules' roles need.

Two facts are generated, so they cannot drift from the code: the deployment role's extra permissions,
read from each module's modulestack.yaml, and the CloudFormation execution policy, the union of the
handler permissions AWS publishes (in the resource schemas cfn-lint ships) for every resource type
the parameter matrix synthesizes. `make docs` rewrites the document and the policy files.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.matrix import VALID
from tests.repository import MODULE_DIRS, ROOT, manifest_name

DOCUMENT = ROOT / "docs" / "seedfarmer-iam.md"
POLICIES = ROOT / "docs" / "cdk-execution-policy"
# The handlers CloudFormation calls while it deploys and removes a stack (list serves imports only).
HANDLERS = ("create", "read", "update", "delete")
# An IAM managed policy document may hold at most 6,144 characters, white space not counted.
POLICY_SIZE_LIMIT = 6144
# Parameters Seed-Farmer fills itself in every modulestack (not module parameters).
SEEDFARMER_PARAMETERS = {"ProjectName", "DeploymentName", "ModuleName", "RoleName"}


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (`!Sub`, `!Ref`, ...) as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def _kebab(parameter: str, folder: Path | None = None) -> str:
    """ModelPackageGroupName -> model-package-group-name, as Seed-Farmer matches them (upper snake case); with
    the module's folder, as its manifests write the parameter (the model package group's: snake_case)."""
    kebab = re.sub(r"(?<!^)(?=[A-Z])", "-", parameter).lower()
    return manifest_name(folder, kebab) if folder is not None else kebab


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {value["Ref"]} if "Ref" in value else {ref for item in value.values() for ref in _refs(item)}
    if isinstance(value, list):
        return {ref for item in value for ref in _refs(item)}
    return set()


def _arn_form(condition: Any, negated: bool = False) -> bool | None:
    """Whether a condition holds for a parameter given as an ARN (it compares the parameter's first `:`-part with
    `arn`): True, False when it holds for anything else, None when it does not ask."""
    if isinstance(condition, dict):
        for key, value in condition.items():
            if key == "Fn::Equals" and "arn" in value:
                return not negated
            found = _arn_form(value, negated != (key == "Fn::Not"))
            if found is not None:
                return found
    if isinstance(condition, list):
        for item in condition:
            found = _arn_form(item, negated)
            if found is not None:
                return found
    return None


def _text(value: Any) -> str:
    if isinstance(value, dict) and "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    if isinstance(value, dict) and "Ref" in value:
        return "${" + str(value["Ref"]) + "}"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_text(part) for part in parts)
    if isinstance(value, dict) and "Fn::Select" in value and "Fn::Split" in value["Fn::Select"][1]:
        # A part of a parameter: `${Name before ":x/"}` (index 0) or `${Name after ":x/"}` (index 1).
        index, (separator, source) = value["Fn::Select"][0], value["Fn::Select"][1]["Fn::Split"]
        where = "before" if int(index) == 0 else "after"
        return "${" + _text(source).strip("${}") + f" {where} {separator}" + "}"
    return str(value)


def modulestack_rows() -> list[str]:
    """One table row per statement of every module's modulestack.yaml; a module without one says so."""
    rows = []
    for folder in MODULE_DIRS:
        module = folder.relative_to(ROOT / "modules").as_posix()
        path = folder / "modulestack.yaml"
        if not path.exists():
            rows.append(f"| `{module}` | (no `modulestack.yaml`) | none | | |")
            continue
        template = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506 (a SafeLoader)
        conditions = template.get("Conditions", {})
        for resource in template["Resources"].values():
            if resource["Type"] not in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
                continue
            condition = resource.get("Condition")
            reads = sorted(_refs(conditions[condition]) - SEEDFARMER_PARAMETERS) if condition else []
            form = _arn_form(conditions[condition]) if condition else None
            what = {None: "is set", True: "is an ARN", False: "is set, not an ARN"}[form]
            when = ", ".join(f"`{_kebab(name, folder)}` {what}" for name in reads) or "always"
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                resources = (
                    statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                )
                rows.append(
                    f"| `{module}` | {statement.get('Sid', '')} | {when} | "
                    + "<br>".join(f"`{action}`" for action in actions)
                    + " | "
                    + "<br>".join(f"`{_text(item)}`" for item in resources)
                    + " |"
                )
    return rows


@cache
def _schema_index() -> dict[str, Path]:
    import cfnlint

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    index = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    return {name: schemas / "resources" / f"{digest}.json" for name, digest in index.items()}


# Intrinsic functions CloudFormation evaluates with the stack's role, and what each needs (the
# CloudFormation User Guide's "IAM permissions" for Fn::GetAZs).
INTRINSIC_FUNCTIONS = {
    "Fn::GetAZs": ["ec2:DescribeAccountAttributes", "ec2:DescribeAvailabilityZones", "ec2:DescribeSubnets"],
}
# What a service asks of the caller beyond the schema's handler permissions. SageMaker's API reference
# (CreateEndpointConfig, KmsKeyId): the key policy must let the role calling CreateEndpoint and
# UpdateEndpoint use the key, which SageMaker grants to the instances' volumes. SageMaker's "Deploy a Model
# Version from a Different Account": a model created from a version of another account's group reads the
# version (DescribeModelPackage, which that group's policy grants the account: the registry module's).
SERVICE_REQUIREMENTS = {
    "AWS::SageMaker::Endpoint": ["kms:CreateGrant", "kms:DescribeKey"],
    "AWS::SageMaker::Model": ["sagemaker:DescribeModelPackage"],
}


# Service names a resource schema writes in place of the service's IAM prefix: AWS::SageMaker::Domain's lists
# its file system calls as `efs:DeleteFileSystem`, and IAM authorizes them as `elasticfilesystem:`.
SCHEMA_PREFIXES = {"efs": "elasticfilesystem"}


def _iam_prefixed(action: str) -> str:
    service, _, name = action.partition(":")
    return f"{SCHEMA_PREFIXES.get(service, service)}:{name}"


def handler_actions(resource_type: str) -> list[str]:
    """The IAM actions CloudFormation's handlers for `resource_type` call, as its published schema lists them.

    A custom resource has no schema: CloudFormation invokes its provider function with the stack's role.
    An intrinsic function (`Fn::GetAZs`) needs what the CloudFormation User Guide lists for it, and a
    few services ask more of the caller than the schema says (SERVICE_REQUIREMENTS).
    """
    if resource_type in INTRINSIC_FUNCTIONS:
        return INTRINSIC_FUNCTIONS[resource_type]
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return ["lambda:InvokeFunction"]
    schema = json.loads(_schema_index()[resource_type].read_text())
    handlers = schema.get("handlers", {})
    published = {
        _iam_prefixed(action) for handler in HANDLERS for action in handlers.get(handler, {}).get("permissions", [])
    }
    return sorted(published | set(SERVICE_REQUIREMENTS.get(resource_type, [])))


@cache
def _iam_actions() -> dict[str, set[str]]:
    """Service prefix -> its actions (lower case), from the Service Authorization Reference cfn-lint ships."""
    import cfnlint

    reference = json.loads((Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "Policies.json").read_text())
    return {service: set(entry.get("Actions", {})) for service, entry in reference.items()}


def is_iam_action(action: str) -> bool:
    """False for a name a resource schema lists that IAM does not define (IAM would ignore it in a policy)."""
    service, _, name = action.lower().partition(":")
    known = _iam_actions()
    return service not in known or name in known[service]


def resource_types(results: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """module -> resource type (or intrinsic function needing permissions) -> the matrix cases using it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, result in sorted(results.items()):
        module = VALID[name][0].relative_to(ROOT / "modules").as_posix()
        [template] = Path(result["outdir"]).glob("*.template.json")
        text = template.read_text()
        used = {r["Type"] for r in json.loads(text)["Resources"].values()}
        used |= {function for function in INTRINSIC_FUNCTIONS if f'"{function}"' in text}
        for resource_type in sorted(used):
            found[module][resource_type].append(name)
    return found


def execution_policy(types: list[str]) -> dict[str, Any]:
    """A policy for `cdk bootstrap --cloudformation-execution-policies`: one statement per service."""
    by_service: dict[str, set[str]] = defaultdict(set)
    for resource_type in types:
        for action in filter(is_iam_action, handler_actions(resource_type)):
            by_service[action.split(":")[0]].add(action)
    statements = [
        {
            "Sid": re.sub(r"[^A-Za-z0-9]", "", service.title()) + "Handlers",
            "Effect": "Allow",
            "Action": sorted(actions),
            "Resource": "*",
        }
        for service, actions in sorted(by_service.items())
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def policy_size(policy: dict[str, Any]) -> int:
    return len(re.sub(r"\s", "", json.dumps(policy)))


def roles(results: dict[str, Any]) -> dict[str, tuple[int, bool, bool]]:
    """module -> (IAM roles across the matrix, has a boundary case, every role bounded in those cases)."""
    found: dict[str, tuple[int, bool, bool]] = {}
    for module in sorted({VALID[name][0].relative_to(ROOT / "modules").as_posix() for name in results}):
        count, cases, bounded = 0, False, True
        for name, result in results.items():
            folder, parameters = VALID[name]
            if folder.relative_to(ROOT / "modules").as_posix() != module:
                continue
            [template] = Path(result["outdir"]).glob("*.template.json")
            created = [
                r for r in json.loads(template.read_text())["Resources"].values() if r["Type"] == "AWS::IAM::Role"
            ]
            count = max(count, len(created))
            if "permissions-boundary-name" in parameters:
                cases = True
                bounded = bounded and all("PermissionsBoundary" in r["Properties"] for r in created)
        found[module] = (count, cases, cases and bounded)
    return found


def split(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """`policy` as few documents as fit IAM's size limit, whole statements in each (a role takes up to 10)."""
    parts: list[list[dict[str, Any]]] = [[]]
    for statement in policy["Statement"]:
        if parts[-1] and policy_size({**policy, "Statement": [*parts[-1], statement]}) > POLICY_SIZE_LIMIT:
            parts.append([])
        parts[-1].append(statement)
    return [{**policy, "Statement": statements} for statements in parts]


def policy_files(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> execution policy, per module (`<module>.json`, or `<module>-<n>.json` when split)."""
    files = {}
    for module, found in sorted(resource_types(results).items()):
        name = module.rsplit("/", 1)[-1]
        parts = split(execution_policy(sorted(found)))
        for number, part in enumerate(parts, start=1):
            files[f"{name}.json" if len(parts) == 1 else f"{name}-{number}.json"] = part
    return files


def _bootstrap_commands(files: dict[str, dict[str, Any]]) -> str:
    names = [name.removesuffix(".json") for name in files]
    lines = [
        f"aws iam create-policy --policy-name mlops-cdk-{name} --policy-document file://docs/cdk-execution-policy/{name}.json"
        for name in names
    ]
    options = [
        f"  --cloudformation-execution-policies arn:aws:iam::$PRIMARY_ACCOUNT:policy/mlops-cdk-{n}" for n in names
    ]
    lines.append(" \\\n".join(["npx cdk bootstrap aws://$PRIMARY_ACCOUNT/$PRIMARY_REGION", *options]))
    return "```bash\n" + "\n".join(lines) + "\n```"


def render(results: dict[str, Any]) -> tuple[str, dict[str, dict[str, Any]]]:
    """The document and the execution policies it names (written to docs/cdk-execution-policy/)."""
    types = resource_types(results)
    files = policy_files(results)
    declared: dict[str, list[str]] = defaultdict(list)
    for module, found in sorted(types.items()):
        for resource_type in found:
            declared[resource_type].append(f"`{module}`")
    type_rows = ["| resource type or function | modules | actions CloudFormation calls for it |", "| --- | --- | --- |"]
    for resource_type, modules in sorted(declared.items()):
        actions = ", ".join(f"`{action}`" for action in handler_actions(resource_type))
        type_rows.append(f"| `{resource_type}` | {', '.join(modules)} | {actions} |")
    not_actions = sorted({a for r in declared for a in handler_actions(r) if not is_iam_action(a)})
    type_rows += [
        "",
        "Left out of the policies, because the Service Authorization Reference defines no such IAM action: "
        + (", ".join(f"`{action}`" for action in not_actions) or "none")
        + ".",
    ]
    policy_rows = ["| policy file | services | actions | size (of 6,144) |", "| --- | --- | ---: | ---: |"]
    for name, policy in files.items():
        services = ", ".join(f"`{s['Action'][0].split(':')[0]}`" for s in policy["Statement"])
        count = sum(len(s["Action"]) for s in policy["Statement"])
        policy_rows.append(
            f"| [`{name}`](cdk-execution-policy/{name}) | {services} | {count} | {policy_size(policy)} |"
        )
    role_rows = ["| module | IAM roles it creates (most in one matrix case) | boundary |", "| --- | ---: | --- |"]
    for module, (count, cases, bounded) in roles(results).items():
        if bounded:
            boundary = "`permissions-boundary-name` is set on every role it creates (checked on the matrix)"
        elif cases:
            boundary = "**not every role** gets `permissions-boundary-name`"
        else:
            boundary = "**none**: the module takes no `permissions-boundary-name` yet"
        role_rows.append(f"| `{module}` | {count} | {boundary} |")
    modulestacks = ["| module | statement | when | actions | resources |", "| --- | --- | --- | --- | --- |"]
    filled = {
        "<!-- modulestacks -->": "\n".join([*modulestacks, *modulestack_rows()]),
        "<!-- resource types -->": "\n".join(type_rows),
        "<!-- execution policies -->": "\n".join(policy_rows),
        "<!-- bootstrap commands -->": _bootstrap_commands(files),
        "<!-- module roles -->": "\n".join(role_rows),
    }
    text = (ROOT / "tests" / "iam_doc.md").read_text()
    for marker, content in filled.items():
        text = text.replace(marker, content)
    return text, files


def write(results: dict[str, Any]) -> None:
    document, policies = render(results)
    DOCUMENT.write_text(document)
    POLICIES.mkdir(exist_ok=True)
    for stale in POLICIES.glob("*.json"):
        stale.unlink()
    for name, policy in policies.items():
        (POLICIES / name).write_text(json.dumps(policy, indent=2) + "\n")


def stale(results: dict[str, Any]) -> list[str]:
    """The generated files that differ from what the code gives; empty when the documents are current."""
    document, policies = render(results)
    wrong = [] if DOCUMENT.exists() and DOCUMENT.read_text() == document else [str(DOCUMENT.relative_to(ROOT))]
    written = {path.name: path.read_text() for path in POLICIES.glob("*.json")}
    expected = {name: json.dumps(policy, indent=2) + "\n" for name, policy in policies.items()}
    wrong += [
        f"docs/cdk-execution-policy/{name}"
        for name in sorted(written.keys() | expected.keys())
        if written.get(name) != expected.get(name)
    ]
    return wrong
