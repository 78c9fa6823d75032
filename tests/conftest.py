"""Fixtures for the whole-repository tests."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.repository import ROOT


@pytest.fixture(scope="session")
def deployment() -> Any:
    """manifests/deployment.yaml as Seed-Farmer loads it, with a placeholder account."""
    from rehearsal.manifests import load_deployment

    os.environ.setdefault("PRIMARY_ACCOUNT", "123456789012")
    return load_deployment(ROOT / "manifests" / "deployment.yaml")


@pytest.fixture(scope="session")
def default_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """manifests/deployment.yaml, rehearsed once (each module synthesized and created in the emulator)."""
    from rehearsal.run import rehearse

    output = tmp_path_factory.mktemp("rehearsal")
    return rehearse(ROOT / "manifests" / "deployment.yaml", ROOT / "rehearsal" / "account.yaml", output)
