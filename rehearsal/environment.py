"""The environment Seed-Farmer gives a module, built with Seed-Farmer's own functions.

Seed-Farmer resolves `valueFrom` and names the variables itself; the rehearsal calls the same code.
The two things Seed-Farmer would ask AWS for are supplied from the rehearsal instead: module metadata
published earlier in this run (Seed-Farmer reads it from SSM), and the session hash (from STS).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

from rehearsal.git_paths import module_folder
from rehearsal.manifests import ManifestError


class WiringError(Exception):
    """A `valueFrom` reference names something this run did not produce."""


@dataclass
class Published:
    """The metadata every module has published so far in this run, and who consumed which key."""

    metadata: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    consumers: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)


# Called for a `moduleMetadata` reference that cannot be resolved: (parameter name, reference, the error)
# -> the value to use instead. Without one, the first such reference raises WiringError.
Unresolved = Callable[[str, Any, str], Any]


def resolve_module_metadata(
    group: str, module: Any, deployment: Any, published: Published, unresolved: Unresolved | None = None
) -> list[Any]:
    """The module's parameters with every `moduleMetadata` reference replaced by the published value."""
    from seedfarmer.models.manifests import ModuleParameter

    def fail(parameter: Any, reference: Any, message: str) -> Any:
        if unresolved is None:
            raise WiringError(message)
        return unresolved(str(parameter.name), reference, message)

    resolved = []
    for parameter in module.parameters:
        reference = parameter.value_from.module_metadata if parameter.value_from else None
        if reference is None:
            resolved.append(parameter)
            continue
        producer = (reference.group, reference.name)
        where = f"group '{group}', module '{module.name}', parameter '{parameter.name}'"
        metadata = published.metadata.get(producer)
        if metadata is None:
            order = [g.name for g in deployment.groups]
            value: Any = fail(
                parameter,
                reference,
                f"{where}: takes metadata from module '{reference.name}' of group '{reference.group}', which has not "
                f"been deployed before it (groups deploy in this order: {', '.join(order)})",
            )
        elif reference.key is None:
            value = metadata
        elif reference.key in metadata:
            value = metadata[reference.key]
        else:
            value = fail(
                parameter,
                reference,
                f"{where}: module '{reference.name}' of group '{reference.group}' published no key "
                f"'{reference.key}'; it published: {', '.join(sorted(metadata))}",
            )
        published.consumers.setdefault(producer, []).append(
            {"group": group, "module": module.name, "parameter": parameter.name, "key": reference.key or "(all)"}
        )
        resolved.append(ModuleParameter(name=parameter.name, value=value))
    return resolved


def module_environment(
    deployment: Any,
    group: str,
    module: Any,
    root: Path,
    published: Published,
    secrets: Any,
    unresolved: Unresolved | None = None,
) -> dict[str, str]:
    """Every variable Seed-Farmer's deploy would set for this module (parameters, names, metadata).

    `secrets(kind, name)` reads a `parameterStore` or `secretsManager` value, as CodeBuild would;
    `unresolved` stands in for a `moduleMetadata` reference that cannot be resolved (the preflight's).
    """
    from seedfarmer.commands._parameter_commands import load_parameter_values
    from seedfarmer.deployment import deploy_base
    from seedfarmer.errors import InvalidManifestError
    from seedfarmer.models import DeploySpec
    from seedfarmer.models.transfer import ModuleDeployObject
    from seedfarmer.utils import generate_hash

    folder = module_folder(root, module)
    if not (folder / "deployspec.yaml").is_file():
        raise ManifestError(
            f"group '{group}', module '{module.name}': path '{module.path}' holds no deployspec.yaml"
            + ("" if folder.is_dir() else " (the folder does not exist)")
        )
    module.deploy_spec = DeploySpec(**yaml.safe_load((folder / "deployspec.yaml").read_text()))
    account, region = str(module.get_target_account_id()), str(module.target_region)
    try:
        parameters = load_parameter_values(
            deployment_name=deployment.name,
            parameters=resolve_module_metadata(group, module, deployment, published, unresolved),
            deployment_manifest=deployment,
            target_account=account,
            target_region=region,
        )
    except InvalidManifestError as error:
        raise ManifestError(f"group '{group}', module '{module.name}': {' '.join(str(error).split())}") from None
    deploy_object = ModuleDeployObject(
        deployment_manifest=deployment,
        group_name=group,
        module_name=module.name,
        parameters=parameters,
        module_metadata=json.dumps(published.metadata.get((group, module.name))),
        permissions_boundary_arn=deployment.get_permission_boundary_arn(target_account=account, target_region=region),
    )
    # Seed-Farmer derives this hash from the caller's STS identity; the rehearsal knows the account already.
    session_hash = generate_hash(f"{account}-{region}", 8)
    with mock.patch.object(deploy_base, "generate_session_hash", return_value=session_hash):
        variables = deploy_base.DeployModule(deploy_object)._env_vars()
    return {
        name: value if isinstance(value, str) else secrets(value.type, value.value) for name, value in variables.items()
    }
