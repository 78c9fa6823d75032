"""The package's shape as its README describes it: each feature a folder holding its parameters, rules, plan and
constructs, imports only downward (parameters, rules, plan, constructs), no circle and no import hidden in a
function, no CDK below the constructs, no value parsed after the plan, and files and functions of a readable size."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sagemaker_endpoint"
# The one import made inside a function: the CDK is loaded only once the parameters are known to be good.
LAZY = {("sagemaker_endpoint.synthesis", "sagemaker_endpoint.stack")}
LAYERS = ("parameters", "rules", "plan", "construct")
FEATURES = sorted(path.parent.name for path in PACKAGE.glob("*/parameters.py") if path.parent.name != "parameters")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    # `from sagemaker_endpoint.capture import rules` imports the module sagemaker_endpoint.capture.rules.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]


@cache
def imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """What `module` imports at its top level, and inside functions (TYPE_CHECKING blocks left out)."""
    tree = ast.parse(MODULES[module].read_text())
    top: set[str] = set()
    nested: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Import | ast.ImportFrom):
                within = not isinstance(statement, ast.Import | ast.ImportFrom)
                (nested if within else top).update(_imported(node))
    return frozenset(top), frozenset(nested)


def _own(names: frozenset[str]) -> set[str]:
    return {name for name in names if name in MODULES}


@cache
def reaches_cdk(module: str) -> bool:
    top, _ = imports(module)
    return any(name.split(".")[0] in {"aws_cdk", "constructs"} for name in top) or any(
        reaches_cdk(name) for name in _own(top)
    )


def test_every_feature_has_its_own_folder_of_parameters_rules_plan_and_constructs() -> None:
    expected = sorted(
        [
            "async_inference",
            "capture",
            "domain",
            "endpoint",
            "inference_components",
            "invoke",
            "model_source",
            "network",
            "notifications",
            "refresh",
            "registry_events",
            "rollout",
            "shadow",
            "variants",
        ]
    )
    assert expected == FEATURES
    for feature in FEATURES:
        assert f"sagemaker_endpoint.{feature}.parameters" in MODULES
        assert any(f"sagemaker_endpoint.{feature}.{layer}" in MODULES for layer in ("plan", "rules")), feature


def test_no_module_imports_in_a_circle() -> None:
    graph = {module: _own(imports(module)[0]) for module in MODULES}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module) :], module])
        visiting.append(module)
        for name in sorted(graph[module]):
            visit(name)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_no_import_hides_in_a_function() -> None:
    hidden = {(module, name) for module in MODULES for name in _own(imports(module)[1])}
    assert hidden == LAZY


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_parameters_rules_and_plans_import_downward_only_and_never_the_cdk(layer: str) -> None:
    above = LAYERS[LAYERS.index(layer) + 1 :]
    for feature in FEATURES:
        module = f"sagemaker_endpoint.{feature}.{layer}"
        if module not in MODULES:
            continue
        assert not reaches_cdk(module), module
        for name in _own(imports(module)[0]):
            assert name.rsplit(".", 1)[-1] not in above, f"{module} imports {name}"
    for module in ("sagemaker_endpoint.settings", "sagemaker_endpoint.plan", "sagemaker_endpoint.placement"):
        assert not reaches_cdk(module), module


def test_constructs_take_parsed_values_from_the_plan_and_never_parse_one() -> None:
    for module, path in MODULES.items():
        if not reaches_cdk(module):
            continue
        assert not any(name.startswith("sagemaker_endpoint.parameters") for name in imports(module)[0]), module
        assert ".parse(" not in path.read_text(), module


def test_files_and_functions_stay_readable() -> None:
    for module, path in MODULES.items():
        text = path.read_text()
        assert len(text.splitlines()) <= 300, module
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno is not None
                assert node.end_lineno - node.lineno < 60, f"{module}.{node.name}"


def _calls(module: str) -> list[tuple[str, ast.Call]]:
    """Every call `module` makes, with the name of the top-level function or class it is made in."""
    found = []
    for statement in ast.parse(MODULES[module].read_text()).body:
        owner = getattr(statement, "name", "")
        found += [(owner, node) for node in ast.walk(statement) if isinstance(node, ast.Call)]
    return found


def _callee(call: ast.Call) -> str:
    function = call.func
    return (
        function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else ""
    )


def test_every_hashed_name_hashes_a_naming_key_written_out_in_a_plan() -> None:
    # A name hashes the naming key a feature's plan writes out key by key (names.py), never a spec dataclass's
    # layout, and no construct makes a name of its own: renaming a field must not rename a deployed model.
    for module, path in MODULES.items():
        text = path.read_text()
        if module != "sagemaker_endpoint.names":
            assert "hashlib" not in text, module
            assert not any(_callee(call) == "digest" for _, call in _calls(module)), module
        if reaches_cdk(module):
            assert "sagemaker_endpoint.names" not in imports(module)[0], module
        for _, call in _calls(module):
            if _callee(call) == "key_digest":
                [argument] = call.args
                assert isinstance(argument, ast.Call), module
                assert _callee(argument).endswith("naming_key"), module
            if _callee(call) in {"asdict", "astuple"}:
                raise AssertionError(f"{module} turns a dataclass's layout into data: {ast.unparse(call)}")


def test_the_plan_is_made_once_per_synthesis_and_the_stack_only_reads_it() -> None:
    callers = [
        (module, owner)
        for module in MODULES
        for owner, call in _calls(module)
        if isinstance(call.func, ast.Name) and call.func.id == "plan"
    ]
    # synthesize() plans once and hands the plan to the app, its checks and the stack; build_app() is the same
    # path for tests and the rehearsal, whose lookups are emulated.
    assert sorted(callers) == [
        ("sagemaker_endpoint.synthesis", "build_app"),
        ("sagemaker_endpoint.synthesis", "synthesize"),
    ]
