"""Settings every test process shares; each module's package is importable through pyproject's `pythonpath`."""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
