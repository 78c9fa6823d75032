"""docs/security.md: every rule-pack acknowledgement of the parameter matrix, and the secure defaults.

`python -m tests.security_doc` synthesizes the matrix and rewrites the file; a test compares the file
with what the matrix produces, so the document cannot drift from the code.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.matrix import ACCOUNT, DEPLOYED_IN, REGION, VALID
from tests.real_account.cfn import Template, matrix_templates
from tests.real_account.document import sections
from tests.repository import ROOT

DOCUMENT = ROOT / "docs" / "security.md"
PACKS = ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "cdk-validator-cfnguard")

DEFAULTS = """\
## What makes the modules safe by default

- **Encryption at rest with customer managed keys, rotation on.** Networking: the flow-log group's key
  may be used by CloudWatch Logs for that log group only. Endpoint: one key (with an alias) encrypts the
  instances' storage volumes, captured data, every log group (endpoint and functions), the refresh
  queues and idempotency table, and the notification topic; its key policy names the execution role
  (so a role given by ARN works too) and lets AWS services use it only for this account's resources.
  Model package group: the artifacts bucket's key, which the target accounts may use to decrypt only
  through S3 of the region.
  Studio: one key encrypts the domain's home file system and its spaces' volumes, the studio bucket, the
  lifecycle function's log group, environment and dead-letter queue.
- **Encryption in transit.** Queues and the topic refuse non-TLS requests (`aws:SecureTransport`);
  security groups allow HTTPS egress only.
- **Network isolation.** {isolation} Models run in the VPC's private subnets;
  their security group and the functions' have no ingress at all. The networking module hands out no
  public IPs, closes the default security group, admits only HTTPS from the VPC to its interface
  endpoints, and logs every flow to an encrypted log group kept `log-retention-days` (a year by default).
  A Studio domain is VPC only: its apps reach each other (TCP 8192-65535) and HTTPS, nothing else, and idle
  JupyterLab apps stop.
- **Least privilege.** No IAM statement has a wildcard action. Every role has a customer managed policy
  scoped to the resources it serves: the exact model artifact and image when known, the endpoint's own
  log group, network interfaces in its own VPC, this endpoint for the invoke and refresh functions, the
  two endpoint configurations the refresh switches between. {managed_policies}
  `permissions-boundary-name` applies a boundary to every role the modules create (the CDK's own
  included); `key-administrator-arns` names who may manage a module's keys beside the account, and
  `log-retention-days` (a year or more) how long every log group the stacks create is kept.
- **Model monitoring.** The monitoring jobs encrypt their volumes and reports with the module's key (or
  `kms-key-id`) and the traffic between their instances, run in the endpoint's subnets behind its security
  group when given, and run with network isolation, except explainability jobs (SageMaker Clarify creates a
  shadow endpoint of the served model and calls it). Their role reads the capture prefix, the baseline files,
  the ground truth and training data, writes the report prefixes, publishes to the Model Monitor namespaces
  only, and may create Clarify's `sm-clarify-*` shadow endpoint of the served model only; the baselining
  function may start only isolated, encrypted processing jobs of its own name prefix.
- **Across accounts, exactly the target accounts.** The model package group grants each account of
  `target_account_ids` once (never the registry's own) the group's versions, their artifacts under one
  prefix, their key through S3, the listed repositories' images, and its approvals on their event buses,
  through a role EventBridge may take for that rule only; see "Across accounts" below.
  `permissions-boundary-name` applies a boundary to every role the endpoint module creates. Studio's roles
  reach only their own domain's profiles, spaces and apps, open Studio for the caller's own profile only,
  and describe, stop, approve and invoke only resources tagged with their domain (domain resource
  isolation: the contracts below show an endpoint of another domain, or of none, denied).
- **Rule packs on every synthesis.** cdk-nag's AwsSolutions, NIST 800-53 rev 5 and HIPAA Security
  packs run whenever a module synthesizes (tests, the rehearsal, `seedfarmer apply`); AWS Control
  Tower's proactive controls (the cfn-guard rules that report on a resource type the stack holds, such
  as SageMaker, KMS, Lambda, SQS, IAM and VPC resources) run wherever templates are validated (`seedfarmer
  apply`, the rehearsal, the matrix; not in unit tests, where the CDK's template validation is off as
  well); an unacknowledged finding stops the deployment.
- **Checked against what AWS publishes, offline.** `make test` checks every IAM statement against the
  Service Authorization Reference, has an IAM simulator that implements AWS's evaluation logic within
  and across accounts (`@cloud-copilot/iam-simulate`) evaluate every service contract below against the
  synthesized policies, and checks CloudFormation's lifecycle rules (nothing retained by a failed create; a
  replaced resource with a custom name gets a new name) against its resource schemas.
"""


def managed_policies(templates: list[Template]) -> str:
    """The sentence on AWS managed policies, from the templates: which roles have one, in which sets."""
    attached: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for template in templates:
        for logical, role in template.of_type("AWS::IAM::Role"):
            for arn in role["Properties"].get("ManagedPolicyArns", []):
                if ":iam::aws:policy/" in str(arn):
                    attached[(template.module, logical, str(arn).split(":policy/", 1)[1])].append(template.case)
    if not attached:
        return "No role of any set of the matrix has an AWS managed policy."
    every = {module: sum(1 for t in templates if t.module == module) for module in {t.module for t in templates}}
    found = "; ".join(
        f"{module} `{logical}` has `{policy}` ({'every set' if len(cases) == every[module] else ', '.join(cases)})"
        for (module, logical, policy), cases in sorted(attached.items())
    )
    return f"Only these roles have an AWS managed policy: {found}; every other role has customer managed ones only."


def isolation(templates: list[Template]) -> str:
    """The sentence on network isolation, from the templates: which sets run a model without it."""
    off: dict[str, list[str]] = {}
    for template in templates:
        for logical, resource in template.of_type("AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"):
            if resource["Properties"].get("EnableNetworkIsolation") is False:
                off.setdefault(template.case, []).append(logical)
    served = sorted({t.case for t in templates if any(True for _ in t.of_type("AWS::SageMaker::Model"))})
    if not off:
        return f"Every model of the matrix's {len(served)} endpoint sets runs with `EnableNetworkIsolation` on."
    cases = ", ".join(f"{case} ({', '.join(sorted(logicals))})" for case, logicals in sorted(off.items()))
    return (
        f"`EnableNetworkIsolation` is on for every model of the matrix's {len(served)} endpoint sets except: {cases}: "
        "`enable-network-isolation: false`, or a serverless endpoint, which SageMaker runs with none."
    )


def _normalize(text: str, stack: str, account: str = ACCOUNT) -> str:
    text = text.replace(stack, "<stack>")
    text = re.sub(r"\bmlops-matrix-endpoint-[a-z0-9-]+\b", "<stack>", text)
    return text.replace(account, "<account>").replace(REGION, "<region>")


def collect(results: dict[str, Any]) -> dict[str, dict[tuple[str, str, str, str], list[str]]]:
    """pack -> (module, finding, resource, reason) -> the matrix cases that raised it."""
    found: dict[str, dict[tuple[str, str, str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, result in sorted(results.items()):
        report = json.loads(Path(result["outdir"], "validation-report.json").read_text())
        module, account = VALID[name][0].name, DEPLOYED_IN.get(name, ACCOUNT)
        for plugin in report["pluginReports"]:
            for finding in plugin["suppressedViolations"]:
                for construct in finding["violatingConstructs"]:
                    stack, _, resource = construct["constructPath"].partition("/")
                    key = (
                        module,
                        _normalize(finding["ruleName"], stack, account),
                        resource,
                        _normalize(finding["reason"], stack, account),
                    )
                    found[plugin["pluginName"]][key].append(name)
    return found


def render(found: dict[str, dict[tuple[str, str, str, str], list[str]]], results: dict[str, Any]) -> str:
    lines = [
        "# Security review",
        "",
        "Generated by `python -m tests.security_doc` from the parameter matrix (tests/matrix.py: every",
        "model source, serverless, variants, pipelines, autoscaling, every deployment strategy, data",
        "capture, refresh, notifications, the invoke function, a given role, a permissions boundary, an",
        "isolated VPC; every model monitoring job type and baseline source); `make test` fails when this file",
        "and the code disagree.",
        "",
        DEFAULTS.format(
            isolation=isolation(matrix_templates(results)), managed_policies=managed_policies(matrix_templates(results))
        ),
        sections(results),
        "## Acknowledged rule-pack findings",
        "",
        "Every finding below (cdk-nag's three packs, and AWS Control Tower's proactive controls as the",
        "cdk-validator-cfnguard plugin runs them) is acknowledged on the one resource it concerns (never on a stack or a",
        "construct tree), with the reason a reviewer reads. Anything else fails the synthesis.",
        "",
        "| pack | acknowledgements (distinct finding, resource and reason) |",
        "| --- | --- |",
        *(f"| {pack} | {len(found.get(pack, {}))} |" for pack in PACKS),
    ]
    for pack in PACKS:
        lines += ["", f"### {pack}", ""]
        entries = found.get(pack, {})
        if not entries:
            lines.append("No acknowledgement: every finding of this pack is fixed.")
            continue
        lines += ["| module | finding | resource | reason | raised by |", "| --- | --- | --- | --- | --- |"]
        for (module, rule, resource, reason), cases in sorted(entries.items()):
            shown = ", ".join(cases[:3]) + (f" and {len(cases) - 3} more" if len(cases) > 3 else "")
            lines.append(f"| {module} | `{rule}` | `{resource}` | {reason} | {shown} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Rewrites every document generated from the matrix, this one among them, from one synthesis."""
    from tests.generate_docs import main as generate

    generate()


if __name__ == "__main__":
    main()
