"""SageMaker's instance quotas in the emulated account, from the seed file's `service_quotas`.

moto's Service Quotas knows VPC quotas only. The endpoint module reads SageMaker's "<instance type> for
endpoint usage" quotas before it deploys (its quotas.py: the quota found by name among the service's
quotas, its applied value by code). `install()` lets moto's backend answer those reads with the quotas a
seed file names, per emulated account and region; with none seeded it answers as moto does (no such
service), and the module notes the check as not done. The quotas live in this process, beside the
rehearsal's in-process emulator.
"""

from __future__ import annotations

import hashlib
from typing import Any

_SEEDED: dict[tuple[str, str], dict[str, float]] = {}
_installed = False


def quota_code(name: str) -> str:
    """A stable, made-up quota code for a seeded quota (AWS's differ per quota and are not derived)."""
    return "L-" + hashlib.sha256(name.encode()).hexdigest()[:8].upper()


def seed(account: str, region: str, quotas: dict[str, float]) -> None:
    """Make `quotas` (quota name -> value) SageMaker's quotas in `account` and `region`."""
    _SEEDED.setdefault((account, region), {}).update(quotas)


def reset() -> None:
    _SEEDED.clear()


def _entry(account: str, region: str, name: str, value: float) -> dict[str, Any]:
    code = quota_code(name)
    return {
        "ServiceCode": "sagemaker",
        "ServiceName": "Amazon SageMaker",
        "QuotaArn": f"arn:aws:servicequotas:{region}:{account}:sagemaker/{code}",
        "QuotaCode": code,
        "QuotaName": name,
        "Value": value,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
    }


def install() -> None:
    """Let this process's moto answer SageMaker's quotas from the seeded ones (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    from moto.servicequotas.exceptions import NoSuchResource
    from moto.servicequotas.models import ServiceQuotasBackend

    listed, got = ServiceQuotasBackend.list_aws_default_service_quotas, ServiceQuotasBackend.get_service_quota

    def list_quotas(self: Any, service_code: str) -> list[dict[str, Any]]:
        seeded = _SEEDED.get((self.account_id, self.region_name))
        if service_code != "sagemaker" or seeded is None:
            return listed(self, service_code)
        return [_entry(self.account_id, self.region_name, name, value) for name, value in sorted(seeded.items())]

    def get_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        if service_code != "sagemaker":
            return got(self, service_code, quota_code)
        for entry in list_quotas(self, service_code):
            if entry["QuotaCode"] == quota_code:
                return entry
        raise NoSuchResource

    ServiceQuotasBackend.list_aws_default_service_quotas = list_quotas  # type: ignore[method-assign]
    ServiceQuotasBackend.get_service_quota = get_quota  # type: ignore[method-assign]
