"""The plan of the model source: each variant's containers and the package it serves, the SageMaker model they
make (named after its naming key), and every artifact the execution role may read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sagemaker_endpoint.locations import Repository, S3Location
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.names import key_digest, sagemaker_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.parameters import VariantParameter

MODULE_ROLE = "module-role"  # the execution role the module creates, where a role given by ARN would be named


@dataclass(frozen=True)
class Container:
    """One container of a model: a model package, or an image with optional model data."""

    package_arn: str | None
    image: str | None
    model_data_url: str | None
    environment: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a SageMaker model (which cannot change in place): its name hashes all of it."""

    containers: tuple[Container, ...]
    role: str  # the execution role ARN given, or MODULE_ROLE for the one the module creates
    subnets: tuple[str, ...] | None
    vpc: str | None
    isolation: bool

    @property
    def is_pipeline(self) -> bool:
        return len(self.containers) > 1


def model_naming_key(model: ModelSpec) -> dict[str, Any]:
    """What names a model, written out key by key: these keys and values named every deployed model."""
    return {
        "containers": [
            {
                "package_arn": container.package_arn,
                "image": container.image,
                "model_data_url": container.model_data_url,
                "environment": [list(pair) for pair in container.environment],
            }
            for container in model.containers
        ],
        "role": model.role,
        "subnets": None if model.subnets is None else list(model.subnets),
        "vpc": model.vpc,
        "isolation": model.isolation,
    }


def model_name(endpoint_name: str, model: ModelSpec) -> str:
    """The model's name: the endpoint's plus the digest of its naming key."""
    return sagemaker_name(endpoint_name, suffix=f"model-{key_digest(model_naming_key(model))}")


def model_spec(settings: DeclaredParameters, containers: tuple[Container, ...]) -> ModelSpec:
    """What defines a SageMaker model of this endpoint (production or shadow): its containers and how it runs."""
    return ModelSpec(
        containers=containers,
        role=settings.model_execution_role_arn or MODULE_ROLE,
        subnets=settings.subnet_ids,
        vpc=settings.vpc_id,
        isolation=settings.network_isolation,
    )


Source = tuple[tuple[Container, ...], ResolvedPackage | None]


def entry_source(entry: VariantParameter, packages: Mapping[str, ResolvedPackage]) -> Source:
    """The container and package of an entry of `variants` or `shadow-variants`."""
    if entry.model_package_arn:
        package = packages.get(entry.model_package_arn) or ResolvedPackage(arn=entry.model_package_arn)
        return (Container(entry.model_package_arn, None, None, ()),), package
    return (Container(None, entry.model_image_uri, entry.model_data_url, ()),), None


def model_sources(
    settings: DeclaredParameters, package: ResolvedPackage | None, packages: Mapping[str, ResolvedPackage]
) -> list[Source]:
    """Each production variant's containers and the package it serves: every model source as a list of variants."""
    if settings.variants:
        return [entry_source(variant, packages) for variant in settings.variants]
    if settings.containers:
        pipeline = tuple(
            Container(None, container.image_uri, container.model_data_url, tuple(sorted(container.environment.items())))
            for container in settings.containers
        )
        return [(pipeline, None)]
    if settings.model_image_uri:
        environment = tuple(sorted(settings.model_environment.items()))
        return [((Container(None, settings.model_image_uri, settings.model_data_url, environment),), None)]
    assert package is not None, "a package source is resolved before the plan is made"
    return [((Container(package.arn, None, None, ()),), package)]


@dataclass(frozen=True)
class ArtifactsSpec:
    """What the execution role may read: the artifacts of every model it serves (each package described at
    synth), and the repository `ecr-repo-arn` names."""

    known: ModelArtifacts
    ecr_repo_arn: str | None
    kms_key_arn: str | None = None  # the key of the model data, decrypted through S3 only
    model_data: tuple[S3Location, ...] = ()  # known.model_data_urls, as locations
    repositories: tuple[Repository, ...] = ()  # the ECR repositories of known.images

    @property
    def model_data_prefixes(self) -> tuple[S3Location, ...]:
        """Model data given as an S3 prefix (uncompressed models), which SageMaker lists before it reads."""
        return tuple(location for location in self.model_data if location.key.endswith("/"))


def artifacts(
    settings: DeclaredParameters, served: Sequence[tuple[ModelSpec, ResolvedPackage | None]]
) -> ArtifactsSpec:
    """Every image and model data URL the models serve, their packages' included (synthesis describes every
    package, so the execution role is granted exactly these)."""
    images: list[str] = []
    data: list[str] = []
    for model, package in served:
        for container in model.containers:
            if container.image:
                images.append(container.image)
            if container.model_data_url:
                data.append(container.model_data_url)
        if package is not None:
            if package.artifacts is None:
                raise ValueError(f"model package {package.arn} was not described before the plan")
            images.extend(package.artifacts.images)
            data.extend(package.artifacts.model_data_urls)
    known = ModelArtifacts(images=tuple(dict.fromkeys(images)), model_data_urls=tuple(dict.fromkeys(data)))
    return ArtifactsSpec(
        known=known,
        ecr_repo_arn=settings.ecr_repo_arn,
        kms_key_arn=settings.model_artifacts_kms_key_arn,
        model_data=tuple(S3Location.parse(url) for url in known.model_data_urls),
        repositories=tuple(repository for image in known.images if (repository := Repository.of_image(image))),
    )
