"""Facts about the repository that the whole-repository tests share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODULE_DIRS = sorted(path.parent for path in ROOT.glob("modules/**/app.py") if "cdk.out" not in path.parts)

# Prints, as JSON, every parameter of a module's settings class: name, default (or null), required.
_DESCRIBE_SETTINGS = """
import json, settings
from pydantic_settings import BaseSettings
[cls] = [c for c in vars(settings).values() if isinstance(c, type) and issubclass(c, BaseSettings)
         and c is not BaseSettings and c.model_config.get("env_prefix") == "SEEDFARMER_PARAMETER_"]
out = {}
for name, field in cls.model_fields.items():
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    out[settings.parameter_name(name)] = {"default": default, "required": field.is_required()}
print(json.dumps(out, default=list))
"""


@cache
def module_parameters(module_dir: Path) -> dict[str, dict[str, Any]]:
    """The parameters a module's settings class declares, read the way `python app.py` would import it."""
    result = subprocess.run(
        [sys.executable, "-c", _DESCRIBE_SETTINGS],
        cwd=module_dir,
        env={key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_PARAMETER_")},
        capture_output=True,
        text=True,
        check=True,
    )
    parameters: dict[str, dict[str, Any]] = json.loads(result.stdout)
    return parameters
