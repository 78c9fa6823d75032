"""The decisions of a Studio domain an engineer checks before applying, read from the template: where its
apps run, who signs in and as which role, when idle apps stop, what the stack deletes, what is isolated."""

from __future__ import annotations

from typing import Any

from rehearsal.templates import Template, resources, short

PERSONAS = {"DataScientistRole": "data scientist", "LeadDataScientistRole": "lead data scientist"}


def studio(template: Template) -> list[str]:
    lines = []
    for logical_id, domain in resources(template, "AWS::SageMaker::Domain"):
        network = domain.get("AppNetworkAccessType", "PublicInternetOnly")
        where = "VPC only" if network == "VpcOnly" else "INTERNET through SageMaker's VPC"
        key = "the module key" if domain.get("KmsKeyId") else "an AWS managed key"
        lines.append(
            f"Studio domain {short(domain.get('DomainName', logical_id))}: {where}, "
            f"{len(domain.get('SubnetIds', []))} subnet(s), sign-in {domain.get('AuthMode')}; "
            f"home file system and space volumes encrypted with {key}"
        )
        lines.append("  " + _idle(domain.get("DefaultUserSettings") or {}))
        lines.append("  " + _on_delete(template, template["Resources"][logical_id]))
    lines += _users(template)
    lines += _isolation(template)
    for _, server in resources(template, "AWS::SageMaker::MlflowTrackingServer"):
        lines.append(
            f"MLflow tracking server {short(server.get('TrackingServerName'))} "
            f"({server.get('TrackingServerSize') or 'Small'}), artifacts in {server.get('ArtifactStoreUri')}"
        )
    return lines


def _idle(settings: dict[str, Any]) -> str:
    lifecycle = (settings.get("JupyterLabAppSettings") or {}).get("AppLifecycleManagement") or {}
    idle = lifecycle.get("IdleSettings") or {}
    if idle.get("LifecycleManagement") != "ENABLED":
        return "idle JupyterLab apps run (and are billed) until someone stops them"
    low, high = idle.get("MinIdleTimeoutInMinutes"), idle.get("MaxIdleTimeoutInMinutes")
    choice = f" (users may choose {low or idle['IdleTimeoutInMinutes']}-{high or idle['IdleTimeoutInMinutes']})"
    return f"idle JupyterLab apps stop after {idle.get('IdleTimeoutInMinutes')} min" + (choice if low or high else "")


def _on_delete(template: Template, domain: dict[str, Any]) -> str:
    removal = any(True for _ in resources(template, "Custom::StudioDomainRemoval"))
    if removal and domain.get("DeletionPolicy") == "RetainExceptOnCreate":
        return "on stack delete: apps cleared, then the domain with its home file system and SageMaker's NFS groups"
    return (
        "on stack delete: apps cleared, the domain deleted, its home file system KEPT (retain_efs) with its mount "
        "targets and SageMaker's NFS security groups, which keep the VPC's subnets from being deleted"
    )


def _users(template: Template) -> list[str]:
    users = []
    for _, profile in resources(template, "AWS::SageMaker::UserProfile"):
        role = short((profile.get("UserSettings") or {}).get("ExecutionRole")).strip("<>")
        persona = next((name for prefix, name in PERSONAS.items() if role.startswith(prefix)), role)
        users.append(f"{short(profile.get('UserProfileName'))} ({persona})")
    spaces = [
        f"{short(space.get('SpaceName'))} ({(space.get('SpaceSharingSettings') or {}).get('SharingType')})"
        for _, space in resources(template, "AWS::SageMaker::Space")
    ]
    lines = [f"users: {', '.join(users)}"] if users else []
    return lines + ([f"JupyterLab spaces: {', '.join(spaces)}"] if spaces else [])


def _isolation(template: Template) -> list[str]:
    statements = [
        statement
        for _, policy in resources(template, "AWS::IAM::ManagedPolicy")
        for statement in (policy.get("PolicyDocument") or {}).get("Statement", [])
        if statement.get("Sid") == "UseDomainEndpoints"
    ]
    if not statements:
        return []
    isolated = all(
        "aws:ResourceTag/sagemaker:domain-arn" in str(statement.get("Condition")) for statement in statements
    )
    if isolated:
        return ["domain resource isolation: the roles reach endpoints, jobs and packages tagged with this domain only"]
    return ["domain resource isolation OFF: the roles reach every endpoint, job and package of the account"]
