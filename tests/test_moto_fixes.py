"""The emulator fixes are kept honest: each one tested against moto without it, each refusing to apply when moto
no longer has what it changes, none hiding what moto now does itself."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rehearsal import moto_fixes
from rehearsal.moto_fixes.patching import FixCannotApply, Patcher
from tests import test_moto_fixes_accounts, test_moto_fixes_cloudformation, test_moto_fixes_resources


def test_every_fix_has_a_test_showing_motos_behaviour_without_it() -> None:
    tests = {
        name
        for module in (test_moto_fixes_accounts, test_moto_fixes_cloudformation, test_moto_fixes_resources)
        for name in vars(module)
    }
    untested = [fix.__name__ for fix in moto_fixes.FIXES if f"test_{fix.__name__}" not in tests]
    assert untested == []


class _Moto:
    """A stand-in for a moto class, as a fix finds it."""

    def validate(self, instance_type: str) -> str:
        return f"moto checked {instance_type}"

    @classmethod
    def create(cls, name: str) -> str:
        return f"moto created {name}"


def test_a_wrapping_fix_calls_motos_own_function_and_comes_off_again() -> None:
    patcher = Patcher("a_fix")
    patcher.wrap(
        _Moto, "validate", lambda original: lambda self, kind: original(self, kind.lower()), ("self", "instance_type")
    )
    patcher.wrap(_Moto, "create", lambda original: lambda cls, name: original(cls, name) + " (fixed)")
    for patch in patcher.patches:
        patch.install()
    try:
        assert _Moto().validate("ML.M5.LARGE") == "moto checked ml.m5.large"
        assert _Moto.create("q") == "moto created q (fixed)"
    finally:
        for patch in patcher.patches:
            patch.remove()
    assert _Moto().validate("X") == "moto checked X"
    assert _Moto.create("q") == "moto created q"


def test_a_fix_whose_target_is_gone_refuses_to_apply_and_says_what_to_do() -> None:
    with pytest.raises(FixCannotApply) as raised:
        Patcher("a_fix").wrap(_Moto, "validate_instance_type", lambda original: original)
    message = str(raised.value)
    assert re.match(r"emulator fix 'a_fix': moto [\d.]+'s .*_Moto\.validate_instance_type no longer exists", message)
    assert "check whether moto now does what AWS does" in message


def test_a_fix_refuses_to_wrap_a_function_whose_parameters_changed() -> None:
    with pytest.raises(FixCannotApply, match=r"now takes \(self, instance_type\), not \(self, kind\)"):
        Patcher("a_fix").wrap(_Moto, "validate", lambda original: original, ("self", "kind"))


def test_a_fix_that_adds_a_method_refuses_once_moto_defines_it() -> None:
    with pytest.raises(FixCannotApply, match=r"_Moto\.validate is now defined by moto itself"):
        Patcher("a_fix").add(_Moto, "validate", lambda self, kind: kind)


def test_every_fix_applies_to_the_installed_moto_and_can_be_taken_out_alone() -> None:
    from moto.sagemaker.models import FakeEndpointConfig

    moto_fixes.apply()
    fixed: Any = FakeEndpointConfig.validate_instance_type
    with moto_fixes.without("current_instance_types_are_accepted"):
        assert FakeEndpointConfig.validate_instance_type is not fixed
    assert FakeEndpointConfig.validate_instance_type is fixed
