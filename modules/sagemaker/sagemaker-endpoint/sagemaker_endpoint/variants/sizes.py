"""Each variant's size, made from the parameters: read by the rules that check sizes and by the plan."""

from __future__ import annotations

import re
from typing import NamedTuple

from sagemaker_endpoint.parameters.declared import DeclaredParameters

# Instance families with local NVMe storage: SageMaker encrypts that storage itself and rejects a
# KmsKeyId for the storage volume of such variants.
_INSTANCE_STORAGE_FAMILY = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n|trn2)\.")


class VariantSize(NamedTuple):
    name: str
    instance_type: str | None  # None for a serverless variant
    initial_instance_count: int
    initial_variant_weight: float


def has_instance_storage(instance_type: str) -> bool:
    return bool(_INSTANCE_STORAGE_FAMILY.match(instance_type))


def variant_sizes(settings: DeclaredParameters) -> list[VariantSize]:
    """Every variant's size, with the top-level parameters filling what a variant leaves out."""
    instance_type = None if settings.serverless else settings.instance_type
    if not settings.variants:
        return [
            VariantSize(
                settings.variant_name, instance_type, settings.initial_instance_count, settings.initial_variant_weight
            )
        ]
    return [
        VariantSize(
            variant.name,
            None if settings.serverless else (variant.instance_type or settings.instance_type),
            variant.initial_instance_count or settings.initial_instance_count,
            variant.initial_variant_weight or settings.initial_variant_weight,
        )
        for variant in settings.variants
    ]
