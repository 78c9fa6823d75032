"""The model monitoring module's image table, generated from the SageMaker Python SDK's own image URI data.

The SDK publishes, per region, the account of Model Monitor's analyzer image and of SageMaker Clarify's
processing image (`sagemaker/image_uri_config/model-monitor.json` and `clarify.json`). The module needs only
those two tables, not the SDK (tens of dependencies, and pins that conflict with Seed-Farmer's), so this
writes them to a data file the module ships, with the SDK version they came from. The SDK is installed
without its dependencies for this alone (requirements-image-data.txt); `make docs` regenerates the file and
tests/test_monitoring_images.py fails when it no longer matches the installed, pinned SDK.

    python -m tests.monitoring_images     # rewrite the data file
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

from tests.repository import ROOT

DATA_FILE = ROOT / "modules/sagemaker/sagemaker-model-monitoring/sagemaker_model_monitoring/images.json"
SDK = "sagemaker"
# Image name in the module -> (the SDK's config file, the scope in it, the image version the SDK uses).
# Model Monitor's analyzer has one unversioned entry; Clarify's processing image is version 1.0, its tag.
SOURCES = {
    "model-monitor": ("model-monitor.json", None, ""),
    "clarify": ("clarify.json", "processing", "1.0"),
}


def sdk_config(name: str) -> dict[str, Any]:
    """One of the SDK's image URI config files, read from the installed distribution without importing it."""
    path = Path(str(metadata.distribution(SDK).locate_file(f"sagemaker/image_uri_config/{name}")))
    config: dict[str, Any] = json.loads(path.read_text())
    return config


def table() -> dict[str, Any]:
    """The data file's content: per image its repository, tag and registry account by region."""
    images: dict[str, Any] = {}
    for image, (file, scope, version) in SOURCES.items():
        config = sdk_config(file)
        entry = (config[scope] if scope else config)["versions"][version]
        images[image] = {
            "repository": entry["repository"],
            "tag": version or None,
            "registries": dict(sorted(entry["registries"].items())),
        }
    return {
        "source": {
            "package": f"{SDK}=={metadata.version(SDK)}",
            "files": [f"sagemaker/image_uri_config/{file}" for file, _, _ in SOURCES.values()],
            "generated_by": "python -m tests.monitoring_images",
        },
        "images": images,
    }


def render() -> str:
    return json.dumps(table(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    DATA_FILE.write_text(render())
    print(f"wrote {DATA_FILE.relative_to(ROOT)} from {table()['source']['package']}")


if __name__ == "__main__":
    main()
