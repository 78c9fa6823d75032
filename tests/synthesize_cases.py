"""Synthesize many parameter sets of one module in one process: `python synthesize_cases.py OUTROOT`.

Run from the module's folder, as Seed-Farmer runs `python app.py`. For each case of OUTROOT/cases.json
it sets the environment Seed-Farmer would set and calls the module's `app.synthesize()`, writing the
cloud assembly to OUTROOT/<case>; the Seed-Farmer module name is the case name up to a `~`, so
`neighbour~a` and `neighbour~b` are two updates of one deployed module; OUTROOT/results.json says which succeeded.
The emulated account (moto, in process) holds the model package group the group cases follow and the
fixed package the others name, which the module describes.
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
    import boto3
    from moto import mock_aws

    from tests.matrix import DATA, GROUP, IMAGE, PACKAGE, module_environment

    app = importlib.import_module("app")  # the module's own app.py, from the working folder

    cases = json.loads((outroot / "cases.json").read_text())
    results = {}
    with mock_aws():
        sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        specification: Any = {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": DATA}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        }
        # The group the group cases follow, and the fixed package (version 3 of its group) the others name;
        # version 4 is the next model (tests/updates.py moves a deployed endpoint to it).
        sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
        sagemaker.create_model_package_group(ModelPackageGroupName=PACKAGE.split("/")[-2])
        versions = [(GROUP, DATA), *((PACKAGE.split("/")[-2], DATA) for _ in range(3))]
        versions.append((PACKAGE.split("/")[-2], DATA.replace("/1.4/", "/1.5/")))
        arns = []
        for group, data in versions:
            inference: Any = {**specification, "Containers": [{"Image": IMAGE, "ModelDataUrl": data}]}
            arns.append(
                sagemaker.create_model_package(
                    ModelPackageGroupName=group, ModelApprovalStatus="Approved", InferenceSpecification=inference
                )["ModelPackageArn"]
            )
        assert arns[3] == PACKAGE, arns
        base = {key: value for key, value in os.environ.items() if not key.startswith("SEEDFARMER_PARAMETER_")}
        for name, parameters in cases.items():
            os.environ.clear()
            os.environ.update({**base, **module_environment(parameters, name.split("~", 1)[0])})
            outdir = outroot / name
            try:
                app.synthesize(str(outdir))
                results[name] = {"ok": True, "outdir": str(outdir)}
            except Exception as error:  # each case reports its own failure; the others still run
                results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:3000]}
    (outroot / "results.json").write_text(json.dumps(results))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
