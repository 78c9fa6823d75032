"""The plan of the invoke function: whether there is one, and the inference component every request names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class InvokeSpec:
    component: str | None  # on an endpoint of inference components: the one every request names


def invoke(settings: DeclaredParameters, components: Sequence[str]) -> InvokeSpec | None:
    """`components`: the endpoint's inference components (SageMaker needs one named in every request to them)."""
    if not settings.invoke_function:
        return None
    return InvokeSpec(component=components[0] if components else None)
