"""The account's SageMaker quota for each instance type the endpoint runs on, checked before deploying.

SageMaker limits the instances of each type that endpoints of an account may run in a region: the
Service Quotas quota "<instance type> for endpoint usage" (SageMaker names it so in ResourceLimitExceeded:
"The account-level service limit 'ml.g4dn.xlarge for endpoint usage' is 0 Instances"). For most
accelerated types it starts at 0, and a deploy would fail late, after the rest of the stack was built.
Quota codes differ per instance type, so the quota is found by name among SageMaker's quotas
(ListAWSDefaultServiceQuotas), and its applied value read by code (GetServiceQuota; a quota never
changed has only its default). The check compares the most instances this endpoint may run at once with
that value; other endpoints of the account share the quota, which the check cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.aws_reads import read_error
from mlops_platform.contract import ParameterError
from sagemaker_endpoint.plan import EndpointPlan

PURPOSE = "before each deploy, to refuse an endpoint its instance quota cannot hold"


@dataclass(frozen=True)
class Quota:
    name: str
    code: str
    value: float


@dataclass(frozen=True)
class Peak:
    """The most instances of one type the endpoint may run at once, and which parameters say so."""

    instance_type: str
    instances: int
    parameters: tuple[str, ...]


def quota_name(instance_type: str) -> str:
    return f"{instance_type} for endpoint usage"


def peaks(plan: EndpointPlan) -> list[Peak]:
    """Per instance type, the most instances the endpoint's variants (and shadow) may run at once."""
    counts: dict[str, tuple[int, set[str]]] = {}
    for variant in (*plan.variants, *plan.shadow_variants):
        kind = variant.size.instance_type
        if kind is None:
            continue  # serverless: no instances of a type
        count, parameter = variant.size.initial_instance_count, "initial-instance-count"
        if plan.config.instance_scaling is not None:
            count, parameter = plan.config.instance_scaling.maximum, "scaling-max-instance-count"
        elif plan.scaling is not None and variant in plan.variants:
            count, parameter = max(count, plan.scaling.maximum), "autoscaling-max-capacity"
        total, parameters = counts.get(kind, (0, set()))
        counts[kind] = (total + count, parameters | {parameter})
    return [Peak(kind, total, tuple(sorted(parameters))) for kind, (total, parameters) in sorted(counts.items())]


def endpoint_quota(servicequotas: Any, instance_type: str) -> Quota | None:
    """The quota for `instance_type` with its applied value; None when the region lists no such quota."""
    name = quota_name(instance_type)
    try:
        pages = servicequotas.get_paginator("list_aws_default_service_quotas").paginate(ServiceCode="sagemaker")
        found = next((quota for page in pages for quota in page["Quotas"] if quota["QuotaName"] == name), None)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchResourceException":
            return None
        raise read_error(error, "servicequotas:ListAWSDefaultServiceQuotas", "SageMaker's quotas", PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, "servicequotas:ListAWSDefaultServiceQuotas", "SageMaker's quotas", PURPOSE) from None
    if found is None:
        return None
    code, value = str(found["QuotaCode"]), float(found["Value"])
    try:
        value = float(servicequotas.get_service_quota(ServiceCode="sagemaker", QuotaCode=code)["Quota"]["Value"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchResourceException":
            raise read_error(error, "servicequotas:GetServiceQuota", f"quota {code} ({name})", PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, "servicequotas:GetServiceQuota", f"quota {code} ({name})", PURPOSE) from None
    return Quota(name=name, code=code, value=value)


def refuse_over_quota(servicequotas: Any, plan: EndpointPlan, region: str) -> list[str]:
    """Raise ParameterError when the endpoint may run more instances of a type than the account's quota
    allows; return one note per instance type whose quota the region does not list (not checked)."""
    notes = []
    for peak in peaks(plan):
        quota = endpoint_quota(servicequotas, peak.instance_type)
        if quota is None:
            notes.append(f"note: no Service Quotas quota '{quota_name(peak.instance_type)}' in {region}; not checked")
            continue
        if peak.instances <= quota.value:
            continue
        given = ", ".join(f"'{parameter}'" for parameter in ("instance-type", *peak.parameters))
        raise ParameterError(
            f"parameters {given}: endpoint {plan.endpoint_name} may run up to {peak.instances} {peak.instance_type} "
            f"instance(s), and this account's quota '{quota.name}' in {region} is {quota.value:g}; request more "
            f"(aws service-quotas request-service-quota-increase --region {region} --service-code sagemaker "
            f"--quota-code {quota.code} --desired-value {peak.instances}, or the Service Quotas console), "
            "or choose an instance type or counts within the quota"
        )
    return notes
