"""What each production variant serves: every model source normalized to one list of variants.

The single-variant parameters are the short form of a one-element `variants` list, so the stack builds
every endpoint the same way: one SageMaker model per variant, its containers, and its size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sagemaker_endpoint.model_package import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.parameters.settings import EndpointSettings


@dataclass(frozen=True)
class Container:
    """One container of a model: a model package, or an image with optional model data."""

    package_arn: str | None = None
    image: str | None = None
    model_data_url: str | None = None
    environment: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Variant:
    name: str
    containers: tuple[Container, ...]
    instance_type: str | None  # None for a serverless variant
    initial_instance_count: int
    initial_variant_weight: float
    package: ResolvedPackage | None = None

    @property
    def is_pipeline(self) -> bool:
        return len(self.containers) > 1


def plan_variants(settings: EndpointSettings, package: ResolvedPackage | None) -> list[Variant]:
    """The endpoint's variants, in order; `package` is the resolved model package of the short form."""
    instance_type = None if settings.serverless else settings.instance_type
    if settings.variants:
        return [
            Variant(
                name=variant.name,
                containers=(
                    Container(package_arn=variant.model_package_arn)
                    if variant.model_package_arn
                    else Container(image=variant.model_image_uri, model_data_url=variant.model_data_url),
                ),
                instance_type=None if settings.serverless else (variant.instance_type or settings.instance_type),
                initial_instance_count=variant.initial_instance_count or settings.initial_instance_count,
                initial_variant_weight=variant.initial_variant_weight or settings.initial_variant_weight,
                package=ResolvedPackage(arn=variant.model_package_arn) if variant.model_package_arn else None,
            )
            for variant in settings.variants
        ]
    if settings.containers:
        containers = tuple(
            Container(
                image=container.image_uri,
                model_data_url=container.model_data_url,
                environment=tuple(sorted(container.environment.items())),
            )
            for container in settings.containers
        )
    elif settings.model_image_uri:
        containers = (
            Container(
                image=settings.model_image_uri,
                model_data_url=settings.model_data_url,
                environment=tuple(sorted(settings.model_environment.items())),
            ),
        )
    else:
        assert package is not None, "a package source is resolved before the variants are planned"
        containers = (Container(package_arn=package.arn),)
    return [
        Variant(
            name=settings.variant_name,
            containers=containers,
            instance_type=instance_type,
            initial_instance_count=settings.initial_instance_count,
            initial_variant_weight=settings.initial_variant_weight,
            package=package if containers[0].package_arn else None,
        )
    ]


def artifacts_of(variants: list[Variant]) -> tuple[ModelArtifacts, bool]:
    """Every image and model data URL the variants serve, and whether some package was not described.

    A package given by ARN is not described at synth time (no AWS call), so its artifacts are unknown.
    """
    images: list[str] = []
    data: list[str] = []
    undescribed = False
    for variant in variants:
        for container in variant.containers:
            if container.image:
                images.append(container.image)
            if container.model_data_url:
                data.append(container.model_data_url)
        if variant.package is not None:
            if variant.package.artifacts is None:
                undescribed = True
            else:
                images.extend(variant.package.artifacts.images)
                data.extend(variant.package.artifacts.model_data_urls)
    return ModelArtifacts(images=tuple(dict.fromkeys(images)), model_data_urls=tuple(dict.fromkeys(data))), undescribed
