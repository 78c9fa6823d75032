"""The container images the jobs run, per region, from images.json.

images.json is generated from the SageMaker Python SDK's own image URI data (its `source` says which SDK
version; tests/monitoring_images.py writes it and a test keeps it equal to the pinned SDK's), so the module
needs neither the SDK at runtime nor a hand-typed account table. An image is
`<registry account>.dkr.ecr.<region>.<URL suffix>/<repository>[:<tag>]`, as the SDK builds it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_platform.contract import ParameterError

DATA = Path(__file__).with_name("images.json")
# Which image each job type runs: Model Monitor's analyzer, or SageMaker Clarify's processing image.
IMAGE_OF = {
    "DataQuality": "model-monitor",
    "ModelQuality": "model-monitor",
    "ModelBias": "clarify",
    "ModelExplainability": "clarify",
}


@dataclass(frozen=True)
class Image:
    account: str
    region: str
    repository: str
    tag: str | None

    def uri(self, url_suffix: str) -> str:
        return f"{self.account}.dkr.ecr.{self.region}.{url_suffix}/{self.repository}" + (
            f":{self.tag}" if self.tag else ""
        )

    def repository_arn(self, partition: str) -> str:
        return f"arn:{partition}:ecr:{self.region}:{self.account}:repository/{self.repository}"


@functools.cache
def table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text())
    return data


def image(monitoring_type: str, region: str) -> Image:
    """The image a job of `monitoring_type` runs in `region`; ParameterError where AWS publishes none."""
    name = IMAGE_OF[monitoring_type]
    entry = table()["images"][name]
    account = entry["registries"].get(region)
    if account is None:
        raise ParameterError(
            f"parameter 'enable-{_prefix(monitoring_type)}-monitor': the {name} image that {monitoring_type} jobs "
            f"run is not published in region {region} (per {table()['source']['package']}); it is in "
            f"{', '.join(sorted(entry['registries']))}"
        )
    return Image(str(account), region, str(entry["repository"]), entry["tag"])


def _prefix(monitoring_type: str) -> str:
    return {"DataQuality": "data-quality"}.get(
        monitoring_type, "model-" + monitoring_type.removeprefix("Model").lower()
    )
