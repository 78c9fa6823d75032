"""The parameter matrix (valid sets synthesize clean) and the bad-input matrix (each fails cleanly)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.matrix import (
    BAD,
    ENDPOINT,
    IMAGE,
    MODULES,
    NETWORKING,
    PACKAGE,
    RAW_LIBRARY_PHRASES,
    REGION,
    VALID,
    module_environment,
)
from tests.repository import ROOT

# The synthesized matrix (the `matrix` fixture of tests/conftest.py) is shared: keep its tests on one
# pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("matrix")

CFN_LINT_IGNORED = yaml.safe_load((ROOT / ".cfnlintrc.yaml").read_text())["ignore_checks"]


def test_the_matrix_covers_at_least_25_sets_across_every_module() -> None:
    modules = {folder for folder, _ in VALID.values()}
    assert len(VALID) >= 25
    assert modules == set(MODULES)


@pytest.mark.parametrize("name", sorted(VALID))
def test_each_valid_set_synthesizes_with_cdk_validation_and_passes_the_rule_packs(
    matrix: dict[str, Any], name: str
) -> None:
    result = matrix[name]
    assert result["ok"], result.get("error")
    report = json.loads(Path(result["outdir"], "validation-report.json").read_text())
    # A pack appears in the report once it has a finding, suppressed or not.
    assert {plugin["pluginName"] for plugin in report["pluginReports"]} <= {
        "AwsSolutions",
        "HIPAA.Security",
        "NIST.800.53.R5",
        "cdk-validator-cfnguard",
    }
    assert [v["ruleName"] for plugin in report["pluginReports"] for v in plugin["violations"]] == []


def test_control_tower_guard_rules_run_on_matrix_synthesis(matrix: dict[str, Any]) -> None:
    """The Guard plugin reports only once it has a finding: the CDK's default-security-group handler of
    every networking set, and the actionless alarms of the endpoint's defaults, are acknowledged ones."""
    guarded = {
        name
        for name, result in matrix.items()
        for plugin in json.loads(Path(result["outdir"], "validation-report.json").read_text())["pluginReports"]
        if plugin["pluginName"] == "cdk-validator-cfnguard"
    }
    assert {name for name, (folder, _) in VALID.items() if folder == NETWORKING} <= guarded
    assert "endpoint-package-arn" in guarded


@pytest.mark.parametrize("name", sorted(VALID))
def test_each_valid_set_is_cfn_lint_clean(matrix: dict[str, Any], name: str) -> None:
    from rehearsal.deploy import cfn_lint

    [template] = Path(matrix[name]["outdir"]).glob("*.template.json")
    findings = cfn_lint(template.read_text(), REGION, tuple(CFN_LINT_IGNORED))
    assert [f"{match.rule.id} {match.message}" for match in findings] == []


def test_the_shared_cfn_lint_runner_still_finds_a_fault_after_clean_templates(matrix: dict[str, Any]) -> None:
    """The matrix lints every template with one runner (rules loaded once); it keeps no state between them."""
    from rehearsal.deploy import cfn_lint

    [path] = Path(matrix["endpoint-everything"]["outdir"]).glob("*.template.json")
    assert cfn_lint(path.read_text(), REGION, tuple(CFN_LINT_IGNORED)) == []
    template = json.loads(path.read_text())
    template["Resources"]["Endpoint"]["Properties"]["EndpointConfigNameTypo"] = "x"
    findings = cfn_lint(json.dumps(template), REGION, tuple(CFN_LINT_IGNORED))
    assert [match.rule.id for match in findings] == ["E3002"]
    assert cfn_lint(path.read_text(), REGION, tuple(CFN_LINT_IGNORED)) == []


def seed_the_registrys_bad_cases(environment: dict[str, str]) -> None:
    """What the registry's bad cases find in the emulated account: a group an earlier deployment kept, and an
    existing bucket whose policy lets no target account in."""
    import boto3

    session = boto3.Session(
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    url = environment["AWS_ENDPOINT_URL"]
    session.client("sagemaker", endpoint_url=url).create_model_package_group(
        ModelPackageGroupName="kept-fraud-detector"
    )
    session.client("s3", endpoint_url=url).create_bucket(Bucket="closed-model-artifacts")


@pytest.fixture(scope="session")
def bad_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """Every bad set run as Seed-Farmer runs a module (the module's `app.main()` with the environment
    Seed-Farmer gives it), one process per module (tests/run_bad_cases.py), with an emulated account."""
    from rehearsal.emulator import emulated_account

    root = tmp_path_factory.mktemp("bad-inputs")
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SEEDFARMER_", "AWS_"))}
    runs: dict[str, tuple[subprocess.CompletedProcess[str], Path]] = {}
    with emulated_account("111111111111", REGION) as emulator:
        _register_fixed_package(emulator.client("sagemaker"))
        processes = []
        seed_the_registrys_bad_cases(emulator.environment(REGION))
        for module in MODULES:
            outroot = root / module.name
            outroot.mkdir()
            cases = {
                name: {
                    **base,
                    **emulator.environment(REGION),
                    **module_environment(parameters, name),
                    "CDK_OUTDIR": str(root / name),
                }
                for name, (folder, parameters, _) in BAD.items()
                if folder == module
            }
            (outroot / "cases.json").write_text(json.dumps(cases))
            script = [sys.executable, str(ROOT / "tests" / "run_bad_cases.py"), str(outroot)]
            processes.append((outroot, subprocess.Popen(script, cwd=module, env=base, text=True)))
        for outroot, process in processes:
            assert process.wait(timeout=600) == 0, f"tests/run_bad_cases.py failed in {outroot}"
            for name, result in json.loads((outroot / "results.json").read_text()).items():
                completed = subprocess.CompletedProcess([name], result["returncode"], "", result["stderr"])
                runs[name] = (completed, root / name)
    return runs


def _register_fixed_package(sagemaker: Any) -> None:
    """The package the bad sets name (PACKAGE, version 3 of its group), which the module describes: an image
    with its model inside (no model data object), so a refresh of it is refused."""
    group = PACKAGE.split("/")[-2]
    sagemaker.create_model_package_group(ModelPackageGroupName=group)
    for _ in range(3):
        arn = sagemaker.create_model_package(
            ModelPackageGroupName=group,
            ModelApprovalStatus="Approved",
            InferenceSpecification={
                "Containers": [{"Image": IMAGE}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        )["ModelPackageArn"]
    assert arn == PACKAGE, arn


def test_the_bad_input_matrix_has_at_least_40_sets() -> None:
    assert len(BAD) >= 40


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_set_fails_with_one_line_naming_the_parameter_in_our_words(
    bad_runs: dict[str, tuple[subprocess.CompletedProcess[str], Path]], name: str
) -> None:
    result, outdir = bad_runs[name]
    parameter = BAD[name][2]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert f"'{parameter}'" in lines[0], lines[0]
    assert [phrase for phrase in RAW_LIBRARY_PHRASES if phrase in lines[0]] == [], lines[0]
    assert not outdir.exists(), "nothing may be synthesized when an input is bad"


def test_docs_security_lists_every_acknowledgement_of_the_matrix(matrix: dict[str, Any]) -> None:
    from tests.security_doc import DOCUMENT, collect, render

    assert DOCUMENT.read_text() == render(collect(matrix), matrix), "run `make docs` to regenerate docs/security.md"


def test_docs_seedfarmer_iam_matches_the_modulestacks_and_the_matrix(matrix: dict[str, Any]) -> None:
    from tests.iam_doc import stale

    assert stale(matrix) == [], "run `make docs` to regenerate docs/seedfarmer-iam.md and docs/cdk-execution-policy/"


@pytest.mark.parametrize("case", sorted(name for name, (folder, _) in VALID.items() if folder == ENDPOINT))
def test_every_alarm_notifies_or_rolls_a_deployment_back(deployed_templates: dict[str, Any], case: str) -> None:
    from tests.real_account.alarms import idle_alarms

    assert idle_alarms(deployed_templates[case]) == []


def test_an_alarm_that_does_nothing_is_found() -> None:
    from tests.real_account.alarms import idle_alarms
    from tests.real_account.cfn import Template

    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": "challenger-5xx-errors"}}
    endpoint = {
        "Type": "AWS::SageMaker::Endpoint",
        "Properties": {
            "EndpointConfigName": "c",
            "DeploymentConfig": {"AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "production-5xx-errors"}]}},
        },
    }
    template = Template(case="probe", module="probe", raw={"Resources": {"Alarm": alarm, "Endpoint": endpoint}})
    assert idle_alarms(template) == [
        "probe Alarm: no AlarmActions, and no rollback configuration names challenger-5xx-errors"
    ]
