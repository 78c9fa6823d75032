"""Synthesize many parameter sets of one module in one process: `python synthesize_cases.py OUTROOT`.

Run from the module's folder, as Seed-Farmer runs `python app.py`. For each case of OUTROOT/cases.json
it sets the environment Seed-Farmer would set and calls the module's `app.synthesize()`, writing the
cloud assembly to OUTROOT/<case>; the Seed-Farmer module name is the case name up to a `~`, so
`neighbour~a` and `neighbour~b` are two updates of one deployed module; OUTROOT/results.json says which succeeded.
The emulated account (moto, in process) holds the model package group the group cases follow and the
fixed package the others name, which the module describes, and an endpoint with data capture and its
baselines for the model monitoring cases. A case deploys to tests/matrix.py DEPLOYED_IN's
account and reads the registry of another account as SageMaker answers across accounts (the emulator's fix,
rehearsal/moto_fixes/sagemaker.py). OUTROOT/environments.json may give a case the whole environment Seed-Farmer
builds for a manifest's module (case -> variables) instead of its parameters, and OUTROOT/seed.json the groups
to seed instead of the matrix's, each in its account: [{"account", "group", "packages": [{"image", "data"}]}].
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main(outroot: Path) -> None:
    sys.path.insert(0, os.getcwd())
    sys.path.insert(1, str(ROOT))
    from tests.matrix import ACCOUNT

    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "matrix",
            "AWS_SECRET_ACCESS_KEY": "matrix",
            "AWS_DEFAULT_REGION": "us-east-1",
            "MOTO_ACCOUNT_ID": ACCOUNT,  # the matrix's account: package ARNs name it
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    from tests.matrix import module_environment

    _read_registries_across_accounts()
    app = importlib.import_module("app")  # the module's own app.py, from the working folder

    cases = json.loads((outroot / "cases.json").read_text())
    environments = _optional(outroot / "environments.json", {})
    results = {}
    with mock_aws():
        seed = _optional(outroot / "seed.json", None)
        _seed(seed or _matrix_seed())
        if seed is None:
            _monitored_endpoint()
        base = {key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_PARAMETER_")}
        for name, parameters in cases.items():
            os.environ.clear()
            environment = environments.get(name) or module_environment(parameters, name.split("~", 1)[0])
            # The module's own reads go to the account it deploys to, as a real deployment role's do.
            os.environ.update({**base, **environment, "MOTO_ACCOUNT_ID": environment["CDK_DEFAULT_ACCOUNT"]})
            outdir = outroot / name
            try:
                app.synthesize(str(outdir))
                results[name] = {"ok": True, "outdir": str(outdir)}
            except Exception as error:  # each case reports its own failure; the others still run
                results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:3000]}
    (outroot / "results.json").write_text(json.dumps(results))


def _optional(path: Path, default: Any) -> Any:
    return json.loads(path.read_text()) if path.exists() else default


def _matrix_seed() -> list[dict[str, Any]]:
    """The group the group cases follow, and the fixed package (version 3 of its group) the others name; version
    4 is the next model (tests/updates.py moves a deployed endpoint to it). All in the matrix's account."""
    from tests.matrix import ACCOUNT, DATA, GROUP, IMAGE, PACKAGE

    fixed = PACKAGE.split("/")[-2]
    versions = [{"image": IMAGE, "data": DATA}] * 3 + [{"image": IMAGE, "data": DATA.replace("/1.4/", "/1.5/")}]
    return [
        {"account": ACCOUNT, "group": GROUP, "packages": [{"image": IMAGE, "data": DATA}]},
        {"account": ACCOUNT, "group": fixed, "packages": versions, "expect": {"3": PACKAGE}},
    ]


def _monitored_endpoint() -> None:
    """The endpoint with data capture, its served packages and baseline files that the model monitoring cases
    read, in the matrix's account (tests/matrix.py monitored_endpoint)."""
    import boto3

    from tests.matrix import ACCOUNT, monitored_endpoint

    os.environ["MOTO_ACCOUNT_ID"] = ACCOUNT
    monitored_endpoint(boto3.client("sagemaker", region_name="us-east-1"), boto3.client("s3", region_name="us-east-1"))


def _read_registries_across_accounts() -> None:
    """The emulator's fix that answers a group or package of another account there (as SageMaker does)."""
    from rehearsal.moto_fixes.patching import Patcher
    from rehearsal.moto_fixes.sagemaker import model_package_groups_of_another_account_are_read_there as fix

    patcher = Patcher(fix.__name__)
    fix(patcher)
    for patch in patcher.patches:
        patch.install()


def _seed(groups: list[dict[str, Any]]) -> None:
    """Each group, with its approved packages (versions 1, 2, ... in order), in its account; `expect` names the
    ARN a version must have (a case names it)."""
    import boto3

    for group in groups:
        os.environ["MOTO_ACCOUNT_ID"] = group["account"]
        sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        sagemaker.create_model_package_group(ModelPackageGroupName=group["group"])
        arns = []
        for package in group["packages"]:
            container = {"Image": package["image"], "ModelDataUrl": package["data"]}
            specification: Any = {
                "Containers": [container],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            }
            arns.append(
                sagemaker.create_model_package(
                    ModelPackageGroupName=group["group"],
                    ModelApprovalStatus="Approved",
                    InferenceSpecification=specification,
                )["ModelPackageArn"]
            )
        for version, arn in group.get("expect", {}).items():
            assert arns[int(version) - 1] == arn, arns


if __name__ == "__main__":
    main(Path(sys.argv[1]))
