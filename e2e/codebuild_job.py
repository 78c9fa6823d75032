"""What a StartBuild asked the CodeBuild stand-in (e2e/codebuild.py) for: the module's bundle, fetched from the
seedkit's bucket of the build's account and extracted as CodeBuild unpacks a source; the credentials of the
build's service role in that account; and the variables CodeBuild itself sets in every build."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any


def fetch(job: dict[str, Any], scratch: Path) -> tuple[Path, dict[str, str]]:
    """The bundle of `job`, extracted where its build runs (a folder named for the bundle), and the credentials of
    the service role in the build's account."""
    import boto3

    from e2e.world import assume

    credentials = assume(job["url"], job["region"], job["account"], job["role"].rsplit("/", 1)[1])
    bucket, _, key = str(job["source"]).partition("/")
    s3 = boto3.client(
        "s3",
        endpoint_url=job["url"],
        region_name=job["region"],
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=credentials["AWS_SESSION_TOKEN"],
    )
    # Named for the module's bundle, `<deployment>-<group>-<module>`: Seed-Farmer's module name variable is
    # `<group>-<module>` (SEEDFARMER_MODULE_NAME, or with the project's prefix).
    variables = job["variables"]
    deployment = next(value for name, value in variables.items() if name.endswith("_DEPLOYMENT_NAME"))
    module = next(value for name, value in variables.items() if name.endswith("_MODULE_NAME"))
    source = scratch / "sources" / job["build_id"].rsplit(":", 1)[-1] / f"{deployment}-{module}"
    source.mkdir(parents=True, exist_ok=True)
    archive = source.parent / "bundle.zip"
    s3.download_file(bucket, key, str(archive))
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            extracted = Path(bundle.extract(member, source))
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                extracted.chmod(mode)  # as CodeBuild unpacks a source: scripts keep their execute bit
    return source, credentials


def codebuild_variables(job: dict[str, Any]) -> dict[str, str]:
    """What CodeBuild sets in every build (its User Guide, "Environment variables in build environments");
    Seed-Farmer's buildspec reads the build's URL, ids and source."""
    account, region, build_id = job["account"], job["region"], job["build_id"]
    project, _, run_id = build_id.partition(":")
    return {
        "CODEBUILD_BUILD_ID": build_id,
        "CODEBUILD_BUILD_ARN": f"arn:aws:codebuild:{region}:{account}:build/{build_id}",
        "CODEBUILD_PROJECT_ARN": f"arn:aws:codebuild:{region}:{account}:project/{project}",
        "CODEBUILD_BUILD_NUMBER": "1",
        "CODEBUILD_BUILD_SUCCEEDING": "1",
        "CODEBUILD_BUILD_IMAGE": str(job.get("image") or ""),
        "CODEBUILD_INITIATOR": job["role"].rsplit("/", 1)[1],
        "CODEBUILD_SOURCE_REPO_URL": job["source"],  # the S3 location as StartBuild was given it
        "CODEBUILD_BUILD_URL": (
            f"https://{region}.console.aws.amazon.com/codesuite/codebuild/{account}/projects/{project}/build/"
            f"{project}%3A{run_id}/?region={region}"
        ),
    }
