"""The model monitoring module's image table is the pinned SageMaker Python SDK's own data, not a hand-typed one."""

from __future__ import annotations

import json
from importlib import metadata

from tests.monitoring_images import DATA_FILE, SDK, render
from tests.repository import ROOT


def test_the_image_table_is_the_pinned_sdks_data() -> None:
    assert DATA_FILE.read_text() == render(), "stale: run `python -m tests.monitoring_images` (make docs)"


def test_the_installed_sdk_is_the_pinned_one() -> None:
    pinned = (ROOT / "requirements-image-data.txt").read_text().split(f"{SDK}==")[1].split()[0]
    assert metadata.version(SDK) == pinned
    assert json.loads(DATA_FILE.read_text())["source"]["package"] == f"{SDK}=={pinned}"
