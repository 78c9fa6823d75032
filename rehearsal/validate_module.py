"""Run in a module's folder by the preflight: the module's own parameter validation, and nothing more.

`python app.py` validates every parameter before it imports the CDK or boto3 (both module entry points
promise so). This runs app.py with those two imports stopped: reaching one means every parameter was
accepted, after at least one settings object was built. A module that honours
SEEDFARMER_VALIDATE_ONLY (set here too) may instead exit 0 by itself after validating.

Exit 0: accepted. Exit 1 and stderr: the module's own message. Exit 3: validation was never reached.
This file imports nothing from the repository: it runs under the module's own interpreter and path.
"""

from __future__ import annotations

import importlib.abc
import runpy
import sys
from typing import Any

STOP_AT = ("aws_cdk", "boto3", "constructs")
NOT_REACHED = 3


class _Reached(BaseException):
    """The module asked for the CDK or AWS: validation is behind it."""


class _StopAtDeployment(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name.split(".")[0] in STOP_AT:
            raise _Reached(name)


def main() -> int:
    from pydantic import BaseModel
    from pydantic_settings import BaseSettings

    built: list[str] = []
    original_init = BaseSettings.__init__
    original_validate = BaseModel.model_validate.__func__  # type: ignore[attr-defined]

    def init(self: BaseSettings, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        built.append(type(self).__name__)

    def validate(cls: type[BaseModel], *args: Any, **kwargs: Any) -> Any:
        model = original_validate(cls, *args, **kwargs)
        if isinstance(model, BaseSettings):
            built.append(cls.__name__)
        return model

    BaseSettings.__init__ = init  # type: ignore[method-assign,assignment]
    BaseModel.model_validate = classmethod(validate)  # type: ignore[assignment]
    sys.meta_path.insert(0, _StopAtDeployment())
    sys.argv = ["app.py"]
    sys.path.insert(0, ".")
    try:
        runpy.run_path("app.py", run_name="__main__")
    except _Reached as reached:
        if built:
            return 0
        print(f"app.py imports {reached} before it validates its parameters", file=sys.stderr)
        return NOT_REACHED
    return 0


if __name__ == "__main__":
    sys.exit(main())
