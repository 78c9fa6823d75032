"""Every parameter of every module, given a wrong value of each kind its declaration checks, is refused in
our words: the name as the module's manifests write it, what was wrong, an example of what is accepted, no
library phrase."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from tests.matrix import MODULES, RAW_LIBRARY_PHRASES


def _settings_classes() -> list[type[BaseModel]]:
    for folder in MODULES:
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    endpoint: Any = importlib.import_module("sagemaker_endpoint.settings")
    variants: Any = importlib.import_module("sagemaker_endpoint.variants.parameters")
    model_source: Any = importlib.import_module("sagemaker_endpoint.model_source.parameters")
    networking: Any = importlib.import_module("networking.settings")
    monitoring: Any = importlib.import_module("sagemaker_model_monitoring.parameters.settings")
    studio: Any = importlib.import_module("sagemaker_studio.settings")
    registry: Any = importlib.import_module("sagemaker_model_package_group.settings")
    return [
        networking.NetworkingSettings,
        registry.RegistrySettings,
        endpoint.EndpointSettings,
        variants.VariantParameter,
        model_source.ContainerParameter,
        monitoring.MonitoringSettings,
        studio.StudioSettings,
    ]


def _base(annotation: Any) -> Any:
    """`int | None` -> int, `Annotated[str, ...] | None` -> str."""
    if get_origin(annotation) in (Union, types.UnionType):
        [inner] = [argument for argument in get_args(annotation) if argument is not type(None)]
        return _base(inner)
    if get_origin(annotation) is Annotated:
        return get_args(annotation)[0]
    return annotation


def wrong_values(annotation: Any, metadata: list[Any]) -> Iterator[tuple[str, Any]]:
    """(kind, wrong value) for every check a field's declaration makes."""
    base = _base(annotation)
    for item in metadata:
        if getattr(item, "pattern", None):
            # A control character too: a free-text pattern (a description) refuses only that.
            yield "pattern", "not a valid value!\u0007"
        if getattr(item, "ge", None) is not None:
            yield "bound", str(item.ge - 1)
        if getattr(item, "gt", None) is not None:
            yield "bound", str(item.gt - 1)
        if getattr(item, "le", None) is not None:
            yield "bound", str(item.le + 1024)
        if getattr(item, "multiple_of", None) is not None:
            yield "multiple", str(item.multiple_of + 1)
        if getattr(item, "min_length", None):
            yield "length", []
    if base is str and not any(getattr(item, "pattern", None) for item in metadata):
        yield "format", "not valid!"  # ARNs, image URIs, S3 URLs, CIDR blocks, tag values: checked by code
    if base is int:
        yield "type", "many"
    elif base is float:
        yield "type", "lots"
    elif base is bool:
        yield "type", "sometimes"
    elif get_origin(base) is Literal:
        yield "enum", "NOT_AN_OPTION"
    elif get_origin(base) is dict:
        yield "json", "{not json"
        yield "type", '["a list"]'
    elif get_origin(base) is tuple and _base(get_args(base)[0]) is not str:
        yield "json", "[not json"
        yield "type", '"text"'


def cases() -> Iterator[tuple[type[BaseModel], str, str, Any]]:
    for model in _settings_classes():
        for field, info in model.model_fields.items():
            for kind, value in wrong_values(info.annotation, info.metadata):
                yield model, field, kind, value


CASES = list(cases())


def test_every_field_with_a_check_is_walked() -> None:
    walked = {(model.__name__, field) for model, field, _, _ in CASES}
    assert ("EndpointSettings", "deployment_strategy") in walked
    assert ("NetworkingSettings", "max_azs") in walked
    assert len(walked) >= 55


@pytest.mark.parametrize(
    ("model", "field", "kind", "value"),
    CASES,
    ids=[f"{model.__name__}.{field}-{kind}" for model, field, kind, _ in CASES],
)
def test_a_wrong_value_is_refused_in_our_words_with_an_example(
    model: type[BaseModel], field: str, kind: str, value: Any
) -> None:
    from mlops_platform import contract

    with pytest.raises(ValidationError) as raised:
        model.model_validate({field: value})
    name = contract.manifest_name(model, field)
    [line] = [line for line in contract.describe(raised.value, model).splitlines() if f"'{name}" in line]
    assert line.startswith(f"parameter '{name}"), line
    assert any(phrase in line for phrase in ("for example", "such as", "expected arn")), line
    assert not [phrase for phrase in RAW_LIBRARY_PHRASES if phrase in line], line
