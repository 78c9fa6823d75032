"""How an emulator fix changes moto: reversibly, and only while moto still has what the fix expects.

A fix *wraps* moto's own function (calls it, changing what goes in or comes out) wherever it can;
*replaces* one outright only where moto's function cannot be called for the case (the fix says why);
and *adds* a method moto lacks (a delete or update it does not implement). Each refuses to apply, with
a clear error, when moto no longer has the function it wraps or replaces, when the function's
parameters changed, or when moto now defines the method a fix would add: after a moto upgrade that
error, or the fix's test showing moto's behaviour without it (tests/test_moto_fixes*.py), says which
fix to review or drop.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


class FixCannotApply(Exception):
    """moto changed under a fix: the message names the fix, the target, and what to do."""


@dataclass(frozen=True)
class Patch:
    """One attribute of moto changed by a fix, with what was there before (None: nothing of its own)."""

    owner: Any
    name: str
    before: Any
    after: Any

    def install(self) -> None:
        setattr(self.owner, self.name, self.after)

    def remove(self) -> None:
        if self.before is None:
            delattr(self.owner, self.name)
        else:
            setattr(self.owner, self.name, self.before)


@dataclass
class Patcher:
    """Collects one fix's patches, checking each target first; nothing is installed until `install()`."""

    fix: str
    patches: list[Patch] = field(default_factory=list)

    def wrap(self, owner: Any, name: str, make: Callable[[Any], Any], parameters: Sequence[str] | None = None) -> None:
        """`owner.name` becomes `make(original)`: a function, classmethod or property of moto's own, whose
        parameter names are `parameters` when given (the wrapper relies on them)."""
        raw = self._own(owner, name)
        function: Any
        rebuild: Callable[[Any], Any]
        if isinstance(raw, classmethod):
            function, rebuild = raw.__func__, classmethod
        elif isinstance(raw, property):
            function, rebuild = raw.fget, property
        else:
            function, rebuild = raw, _same
        if parameters is not None:
            found = tuple(inspect.signature(function).parameters)
            if found != tuple(parameters):
                raise FixCannotApply(
                    f"{self._where(owner, name)} now takes ({', '.join(found)}), not ({', '.join(parameters)}): "
                    "the fix must be rewritten for it, or dropped if moto does it itself now"
                )
        self.patches.append(Patch(owner, name, raw, rebuild(make(function))))

    def replace(self, owner: Any, name: str, replacement: Any) -> None:
        """`owner.name`, moto's own, replaced outright (the fix's comment says why it cannot wrap it)."""
        self.patches.append(Patch(owner, name, self._own(owner, name), replacement))

    def add(self, owner: Any, name: str, method: Any) -> None:
        """`owner.name` added where moto defines none of its own (an inherited no-op is overridden)."""
        if name in vars(owner):
            raise FixCannotApply(
                f"{self._where(owner, name)} is now defined by moto itself: check whether this fix is still "
                "needed (its test shows moto's behaviour without it) and drop it if moto now does what AWS does"
            )
        self.patches.append(Patch(owner, name, None, method))

    def _own(self, owner: Any, name: str) -> Any:
        raw = vars(owner).get(name)
        if raw is None:
            raise FixCannotApply(
                f"{self._where(owner, name)} no longer exists in this moto: the fix has nothing to change; "
                "check whether moto now does what AWS does (the fix's test shows it) and drop or rewrite the fix"
            )
        return raw

    def _where(self, owner: Any, name: str) -> str:
        from importlib import metadata

        owner_name = str(getattr(owner, "__qualname__", None) or getattr(owner, "__name__", repr(owner)))
        module = str(getattr(owner, "__module__", None) or "")
        qualified = f"{module}.{owner_name}" if module and not owner_name.startswith(module) else owner_name
        return f"emulator fix '{self.fix}': moto {metadata.version('moto')}'s {qualified}.{name}"


def _same(value: Any) -> Any:
    return value
