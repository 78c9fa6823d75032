"""manifests/multi-account/ as Seed-Farmer loads and runs it, for the tests (tests/conftest.py shares one synthesis of
each of its modules per session): the registry in its account, then each endpoint in its workload account, with
the environment Seed-Farmer builds from the manifest and the registry's metadata.

The registry is synthesized as `python app.py` runs it without AWS credentials (its account reads skipped). The
endpoints describe their packages at synth time: they run in one process against an emulated registry account
that holds the group the manifest names, with approved versions whose model data lies under the registry's bucket
and prefix and whose image is one of AWS's (the registry shares no repository here); SageMaker answers a workload's
read of the registry's group there (the emulator's fix, rehearsal/moto_fixes/sagemaker.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.matrix import ENDPOINT, REGION, synthesize_in_one_process
from tests.real_account.cfn import Template
from tests.real_account.workload import Registry
from tests.repository import ROOT

MANIFEST = ROOT / "manifests" / "multi-account" / "deployment.yaml"
# An image of AWS's (its account lets every account pull), as a version registered with a built-in framework has.
AWS_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
VERSIONS = 2  # dev serves the newest approved (2), prod the one its manifest pins (1)


def load() -> Any:
    """The manifest as Seed-Farmer loads it, with the accounts .env defaults to."""
    from rehearsal.manifests import load_deployment

    for variable in ("REGISTRY_ACCOUNT", "DEV_ACCOUNT", "PROD_ACCOUNT"):
        os.environ.pop(variable, None)
    return load_deployment(MANIFEST)


def modules(deployment: Any) -> dict[str, Any]:
    return {module.name: module for group in deployment.groups for module in group.modules}


def _group(deployment: Any, name: str) -> Any:
    return next(group for group in deployment.groups if group.name == name)


def synthesize_registry(deployment: Any, outdir: Path) -> Template:
    """The registry module synthesized as Seed-Farmer runs it: `python app.py` in its folder, with the
    environment Seed-Farmer builds from the manifest (no AWS credentials: the account reads are skipped)."""
    from rehearsal.environment import Published, module_environment

    [module] = _group(deployment, "registry").modules
    environment = module_environment(deployment, "registry", module, ROOT, Published(), lambda *_: "")
    # What the CDK CLI sets from the deployment role's credentials in the module's account.
    environment |= {"CDK_DEFAULT_ACCOUNT": str(module.get_target_account_id()), "CDK_DEFAULT_REGION": REGION}
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SEEDFARMER_", "AWS_", "CDK_"))}
    base |= {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}
    base |= {"AWS_EC2_METADATA_DISABLED": "true", "CDK_OUTDIR": str(outdir)}
    process = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT / module.path,
        env={**base, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    [path] = Path(outdir).glob("*.template.json")
    return Template(
        case="multi-account-registry",
        module="sagemaker-model-package-group",
        raw=json.loads(path.read_text()),
        account=str(module.get_target_account_id()),
    )


@dataclass(frozen=True)
class Endpoint:
    """An endpoint entry of the manifest synthesized, with the environment it was given and what it serves."""

    template: Template
    environment: dict[str, str]
    version: str  # the registry's version it serves
    images: tuple[str, ...]
    data: tuple[str, ...]


def registry_versions(registry: Template) -> list[dict[str, str]]:
    """The approved versions the emulated registry holds: model data under its bucket and prefix, AWS's image."""
    metadata = Registry.of(registry).metadata
    bucket, prefix = metadata["ModelArtifactsBucketArn"].split(":::", 1)[1], metadata["ModelArtifactsPrefix"]
    return [
        {"image": AWS_IMAGE, "data": f"s3://{bucket}/{prefix}{version}/model.tar.gz"}
        for version in range(1, VERSIONS + 1)
    ]


def synthesize_endpoints(deployment: Any, registry: Template, outroot: Path) -> dict[str, Endpoint]:
    """Both endpoint entries synthesized (CDK validation and the rule packs on), each in its workload account,
    against the emulated registry; their VPCs are the networking module's metadata in its shape."""
    from rehearsal.environment import Published, module_environment
    from rehearsal.preflight import placeholder

    metadata = Registry.of(registry).metadata
    published = Published()
    published.metadata[("registry", "model-registry")] = metadata
    for vpc in ("dev-vpc", "prod-vpc"):
        published.metadata[("networking", vpc)] = {
            key: placeholder(key, REGION) for key in ("VpcId", "PrivateSubnetIds")
        }
    environments = {}
    for module in _group(deployment, "endpoints").modules:
        environment = module_environment(deployment, "endpoints", module, ROOT, published, lambda *_: "")
        environment |= {"CDK_DEFAULT_ACCOUNT": str(module.get_target_account_id()), "CDK_DEFAULT_REGION": REGION}
        environments[module.name] = environment
    group = metadata["SagemakerModelPackageGroupName"]
    versions = registry_versions(registry)
    seed = [{"account": registry.account, "group": group, "packages": versions}]
    process = synthesize_in_one_process(
        ENDPOINT, {name: {} for name in environments}, outroot, environments=environments, seed=seed
    )
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output[-3000:]
    results = json.loads((outroot / "results.json").read_text())
    found = {}
    for name, environment in environments.items():
        assert results[name]["ok"], results[name]
        [path] = Path(results[name]["outdir"]).glob("*.template.json")
        account = environment["CDK_DEFAULT_ACCOUNT"]
        pinned = environment.get("SEEDFARMER_PARAMETER_MODEL_PACKAGE_ARN")
        number = int(pinned.rsplit("/", 1)[1]) if pinned else VERSIONS
        version = metadata["SagemakerModelPackageGroupArn"].replace("-group/", "/") + f"/{number}"
        template = Template(
            case=f"multi-account-{name}",
            module="sagemaker-endpoint",
            raw=json.loads(path.read_text()),
            account=account,
            parameters=_parameters(environment),
        )
        served = versions[number - 1]
        found[name] = Endpoint(template, environment, version, (served["image"],), (served["data"],))
    return found


def _parameters(environment: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for name, value in environment.items():
        if name.startswith("SEEDFARMER_PARAMETER_"):
            try:
                decoded[name.removeprefix("SEEDFARMER_PARAMETER_").lower().replace("_", "-")] = json.loads(value)
            except json.JSONDecodeError:
                decoded[name.removeprefix("SEEDFARMER_PARAMETER_").lower().replace("_", "-")] = value
    return decoded
