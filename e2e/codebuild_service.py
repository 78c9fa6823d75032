"""CodeBuild in the emulator for `make e2e`: the seedkit's project, and the builds Seed-Farmer starts in it.

moto's CloudFormation knows no AWS::CodeBuild::Project, and moto's StartBuild records a build that ran nothing
and reports it SUCCEEDED at the first BatchGetBuilds. Here, in the emulator's process (e2e/server.py), the
seedkit's project is created in moto's CodeBuild of its account, and each StartBuild is handed to the stand-in
(`python -m e2e.codebuild JOB_FILE`, e2e/codebuild.py) with what the call asked for (the source in S3, the
buildspec, the variables, the service role); BatchGetBuilds reports the build IN_PROGRESS until the stand-in
has written its result, then SUCCEEDED or FAILED. None of this is part of the rehearsal's emulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
PROJECT_TYPE = "AWS::CodeBuild::Project"


class _Project:
    """AWS::CodeBuild::Project as moto's CloudFormation drives a resource class: the project in moto's CodeBuild."""

    @staticmethod
    def cloudformation_type() -> str:
        return PROJECT_TYPE

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def has_cfn_attr(attribute: str) -> bool:
        return attribute == "Arn"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Any:
        from moto.codebuild.models import codebuild_backends

        properties = cloudformation_json.get("Properties") or {}
        name = str(properties.get("Name") or resource_name)
        environment = properties.get("Environment") or {}
        codebuild_backends[account_id][region_name].create_project(
            name,
            properties.get("Description"),
            {"type": "NO_SOURCE"},
            {"type": "NO_ARTIFACTS"},
            {
                "type": environment.get("Type", "LINUX_CONTAINER"),
                "image": environment.get("Image", ""),
                "computeType": environment.get("ComputeType", "BUILD_GENERAL1_SMALL"),
                "environmentVariables": [
                    {"name": item["Name"], "value": str(item["Value"]), "type": item.get("Type", "PLAINTEXT")}
                    for item in environment.get("EnvironmentVariables") or []
                ],
            },
            str(properties.get("ServiceRole", "")),
            None,
            None,
            properties.get("TimeoutInMinutes"),
            None,
            None,
            None,
            None,
        )
        project: Any = codebuild_backends[account_id][region_name].codebuild_projects[name]
        project.physical_resource_id = name
        project.get_cfn_attribute = {"Arn": project.arn}.__getitem__
        project.is_created = lambda: True
        return project

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.codebuild.models import codebuild_backends

        codebuild_backends[account_id][region_name].codebuild_projects.pop(resource_name, None)


class _Builds:
    """The builds started so far: id -> (job file, the stand-in's process)."""

    def __init__(self, scratch: Path, url: str) -> None:
        self.scratch = scratch
        self.url = url
        self.running: dict[str, tuple[Path, subprocess.Popen[bytes]]] = {}
        self.lock = threading.Lock()

    def start(self, build_id: str, job: dict[str, Any]) -> None:
        jobs = self.scratch / "jobs"
        jobs.mkdir(parents=True, exist_ok=True)
        job_file = jobs / f"{build_id.split(':')[-1]}.json"
        job_file.write_text(json.dumps({**job, "build_id": build_id, "url": self.url}, indent=2))
        log = (self.scratch / "logs" / f"codebuild-{job_file.stem}.log").open("w")
        environment = {**os.environ, "PYTHONPATH": str(ROOT), "E2E_SCRATCH": str(self.scratch)}
        command = [sys.executable, "-m", "e2e.codebuild", str(job_file)]
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        with self.lock:
            self.running[build_id] = (job_file, process)

    def status(self, build_id: str) -> str | None:
        """IN_PROGRESS, SUCCEEDED or FAILED; None for a build this service did not start."""
        with self.lock:
            found = self.running.get(build_id)
        if found is None:
            return None
        job_file, process = found
        result = job_file.with_suffix(".result")
        if process.poll() is None or not result.is_file():
            return "IN_PROGRESS"
        return "SUCCEEDED" if result.read_text().strip() == "0" else "FAILED"


def install(scratch: Path, url: str) -> None:
    """Let this process's moto create the seedkit's project and hand its builds to the stand-in."""
    from moto.cloudformation import parsing
    from moto.codebuild.responses import CodeBuildResponse

    builds = _Builds(scratch, url)
    resource_class = parsing.resource_class_from_type
    start_build, batch_get_builds = CodeBuildResponse.start_build, CodeBuildResponse.batch_get_builds

    def project_class(resource_type: str) -> Any:
        return _Project if resource_type == PROJECT_TYPE else resource_class(resource_type)

    def start(self: Any) -> Any:
        answer = start_build(self)
        build = cast(dict[str, Any], answer.result)["build"]
        project = self.codebuild_backend.codebuild_projects[self._get_param("projectName")]
        defined = project.project_metadata["environment"]["environmentVariables"]
        overrides = self._get_param("environmentVariablesOverride") or []
        job = {
            "account": self.current_account,
            "region": self.region,
            "source": self._get_param("sourceLocationOverride"),
            "buildspec": self._get_param("buildspecOverride"),
            "project_variables": {item["name"]: item["value"] for item in defined},
            "variables": {item["name"]: item["value"] for item in overrides},
            "role": self._get_param("serviceRoleOverride") or project.service_role,
            "image": self._get_param("imageOverride") or project.project_metadata["environment"].get("image"),
        }
        builds.start(build["id"], job)
        return answer

    def batch_get(self: Any) -> Any:
        answer = batch_get_builds(self)
        listed = cast(dict[str, Any], answer.result)["builds"]
        for build in listed:
            status = builds.status(build["id"])
            if status == "IN_PROGRESS":
                build["buildStatus"], build["currentPhase"] = "IN_PROGRESS", "BUILD"
                build.pop("endTime", None)
            elif status is not None:
                build["buildStatus"], build["currentPhase"] = status, "COMPLETED"
        return answer

    parsing.resource_class_from_type = project_class
    CodeBuildResponse.start_build = start  # type: ignore[method-assign]
    CodeBuildResponse.batch_get_builds = batch_get  # type: ignore[method-assign]
