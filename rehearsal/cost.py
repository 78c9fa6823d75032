"""An estimated monthly cost per module, from the list prices in rehearsal/prices.yaml (one dated file).

Only what is billed by the hour or by the month whatever the traffic is estimated (instances, NAT
gateways, interface endpoints per AZ, public IPv4 addresses, keys, alarms): an idle deployment's floor,
and beside it the same at the autoscaled peak (every autoscaled variant at its maximum instance count).
What is billed by use is named, never guessed. A price missing from the file (an instance type, or a
region whose prices could not be verified) is named, and the estimate is then incomplete: its total is
unknown, never a sum that counts the missing prices as zero.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rehearsal import monitoring
from rehearsal.templates import Template, referenced_id, resources

PRICES = Path(__file__).with_name("prices.yaml")


@dataclass(frozen=True)
class Item:
    what: str
    monthly: float


@dataclass
class Estimate:
    """One module's estimate: priced items, what is billed by use, what has no price in the file, and what
    the autoscaled variants cost at their peak instead of their idle count (`peak`)."""

    items: list[Item] = field(default_factory=list)
    usage_based: list[str] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)
    peak: list[tuple[Item, Item]] = field(default_factory=list)  # (the idle item, the same at the peak)

    @property
    def monthly(self) -> float:
        """What the priced items cost idle (all of the module's cost only when `complete`)."""
        return round(sum(item.monthly for item in self.items), 2)

    @property
    def monthly_at_peak(self) -> float:
        return round(self.monthly + sum(top.monthly - idle.monthly for idle, top in self.peak), 2)

    @property
    def complete(self) -> bool:
        return not self.unpriced


@functools.cache
def price_list(path: Path = PRICES) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


def estimate(template: Template, region: str, prices: dict[str, Any] | None = None) -> Estimate:
    """The monthly estimate of one stack's template in `region`."""
    prices = prices or price_list()
    hours = float(prices["hours_per_month"])
    rates: dict[str, Any] = prices["regions"].get(region, {})
    missing = _region_unpriced(prices, region)
    result = Estimate()

    def charge(what: str, rate_name: str, quantity: float, hours_of_use: float = 1.0) -> None:
        """`quantity` of `rate_name`: a monthly rate, or an hourly one with `hours_of_use=hours`."""
        if quantity <= 0:
            return
        rate = rates.get(rate_name)
        if rate is None:
            result.unpriced.append(f"{what} ({missing or f'no {rate_name} for {region} in {PRICES.name}'})")
        else:
            result.items.append(Item(what, round(quantity * float(rate) * hours_of_use, 2)))

    for count, instance_type, to_zero, peak in _serving_instances(template):
        rate = (rates.get("sagemaker_instance_hour") or {}).get(instance_type)
        what = f"{count} x {instance_type} (SageMaker hosting)"
        if rate is None:
            why = missing or f"no price for {instance_type} in {region} in {PRICES.name}"
            result.unpriced.append(f"{what} ({why})" + (f"; up to {peak} at the autoscaled peak" if peak else ""))
        elif to_zero:
            # The idle floor: no instance while nothing is served; each instance in use is billed by the hour.
            per_instance = round(float(rate) * hours, 2)
            result.items.append(Item(f"0 x {instance_type} when idle (scales to zero instances)", 0.0))
            result.usage_based.append(
                f"{instance_type} instances while serving: ${per_instance:,.2f} per instance-month "
                f"({count} from deployment until the first scale-in)"
            )
        else:
            result.items.append(Item(what, round(count * float(rate) * hours, 2)))
        if rate is not None and peak is not None and peak > (0 if to_zero else count):
            idle = result.items[-1]
            top = Item(f"{peak} x {instance_type} at the autoscaled peak", round(peak * float(rate) * hours, 2))
            result.peak.append((idle, top))
    _monitoring(template, rates, region, missing, result)
    nats = len(list(resources(template, "AWS::EC2::NatGateway")))
    charge(f"{nats} NAT gateway(s)", "nat_gateway_hour", nats, hours)
    endpoint_zones = sum(
        len(props.get("SubnetIds", []))
        for _, props in resources(template, "AWS::EC2::VPCEndpoint")
        if props.get("VpcEndpointType") == "Interface"
    )
    charge(f"{endpoint_zones} interface endpoint-AZ(s)", "interface_endpoint_az_hour", endpoint_zones, hours)
    addresses = len(list(resources(template, "AWS::EC2::EIP")))
    charge(f"{addresses} public IPv4 address(es)", "public_ipv4_hour", addresses, hours)
    keys = len(list(resources(template, "AWS::KMS::Key")))
    charge(f"{keys} KMS key(s)", "kms_key_month", keys)
    alarms = len(list(resources(template, "AWS::CloudWatch::Alarm")))
    charge(f"{alarms} CloudWatch alarm(s)", "alarm_month", alarms)
    # A tracking server is billed by the hour, by its size, for as long as it exists.
    for _, server in resources(template, "AWS::SageMaker::MlflowTrackingServer"):
        size = str(server.get("TrackingServerSize") or "Small")
        charge(f"MLflow tracking server ({size})", f"mlflow_tracking_server_{size.lower()}_hour", 1, hours)
    kinds = {resource.get("Type") for resource in template.get("Resources", {}).values()}
    result.usage_based += [f"{kind}: {what}" for kind, what in prices.get("usage_based", {}).items() if kind in kinds]
    return result


def _region_unpriced(prices: dict[str, Any], region: str) -> str:
    """Why `region` has no prices in the file ("" when it has them)."""
    if region in prices["regions"]:
        return ""
    if region in prices.get("regions_without_verified_prices", []):
        return f"no list price for {region} could be verified offline; {PRICES.name} leaves it unknown"
    return f"{region} is not in {PRICES.name}"


def _serving_instances(template: Template) -> list[tuple[int, str, bool, int | None]]:
    """(count, instance type, scales to zero, autoscaled peak) of the variants an endpoint serves at deployment
    (its initial instance count): a variant scales to zero when managed instance scaling (inference components)
    or its Application Auto Scaling target (asynchronous inference) lets it reach 0 instances; its peak is the
    most instances either lets it reach (None when it is not autoscaled)."""
    configs = dict(resources(template, "AWS::SageMaker::EndpointConfig"))
    bounds = _variant_bounds(template)
    served = []
    for _, endpoint in resources(template, "AWS::SageMaker::Endpoint"):
        config = configs.get(referenced_id(endpoint.get("EndpointConfigName")) or "", {})
        for variant in [*config.get("ProductionVariants", []), *config.get("ShadowProductionVariants", [])]:
            if variant.get("InstanceType") and not variant.get("ServerlessConfig"):
                managed = variant.get("ManagedInstanceScaling") or {}
                enabled = managed.get("Status") == "ENABLED"
                lowest, highest = bounds.get(str(variant.get("VariantName")), (None, None))
                zero = (enabled and managed.get("MinInstanceCount") == 0) or lowest == 0
                peak = managed.get("MaxInstanceCount") if enabled else highest
                count = int(variant.get("InitialInstanceCount") or 1)
                served.append((count, str(variant["InstanceType"]), zero, int(peak) if peak is not None else None))
    return served


def _variant_bounds(template: Template) -> dict[str, tuple[int | None, int | None]]:
    """Per variant whose instance count Application Auto Scaling scales, its (MinCapacity, MaxCapacity) (a
    target's ResourceId is `endpoint/<endpoint>/variant/<variant>`, the endpoint's name often an attribute)."""
    bounds = {}
    for _, target in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget"):
        if target.get("ScalableDimension") == "sagemaker:variant:DesiredInstanceCount":
            resource_id = target.get("ResourceId")
            parts = (
                resource_id["Fn::Join"][1]
                if isinstance(resource_id, dict) and "Fn::Join" in resource_id
                else [resource_id]
            )
            text = "".join(part if isinstance(part, str) else "?" for part in parts)
            lowest, highest = target.get("MinCapacity"), target.get("MaxCapacity")
            bounds[text.rsplit("/variant/", 1)[-1]] = (
                int(lowest) if isinstance(lowest, int) else None,
                int(highest) if isinstance(highest, int) else None,
            )
    return bounds


def _monitoring(template: Template, rates: dict[str, Any], region: str, missing: str, result: Estimate) -> None:
    """Each monitoring schedule at most: its runs a month, each billed up to its maximum runtime (a run is
    billed for the seconds it takes, so the real charge is lower; a one-time schedule runs once)."""
    for schedule in monitoring.schedules(template):
        rate = (rates.get("sagemaker_processing_instance_hour") or {}).get(schedule.instance_type)
        what = (
            f"at most: {schedule.monitoring_type} schedule, {schedule.runs_per_month:.0f} runs x up to "
            f"{schedule.max_runtime_hours:g} h x {schedule.instance_count} {schedule.instance_type} (Processing)"
        )
        if rate is None:
            why = missing or f"no processing price for {schedule.instance_type} in {region} in {PRICES.name}"
            result.unpriced.append(f"{what} ({why})")
            continue
        hours = schedule.runs_per_month * schedule.max_runtime_hours * schedule.instance_count
        result.items.append(Item(what, round(hours * float(rate), 2)))
        if schedule.expression == "NOW":
            result.usage_based.append(
                f"{schedule.monitoring_type} run at deployment: up to {schedule.max_runtime_hours:g} h"
            )
