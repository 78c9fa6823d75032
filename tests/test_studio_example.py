"""manifests/examples/studio.yaml: a Studio domain on the platform's VPC and an endpoint tagged with it, rehearsed
once in full: green, the domain wired into the endpoint, and the plan an engineer reads before applying it (where
the apps run, when idle apps stop, what deleting the stack deletes, the users and their spaces, what Studio bills
by use and what the emulator did not create or run)."""

from __future__ import annotations

from typing import Any

import pytest

from rehearsal.report import plan
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("studio-example")


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from rehearsal.run import rehearse

    manifest = ROOT / "manifests" / "examples" / "studio.yaml"
    return rehearse(manifest, ROOT / "rehearsal" / "account.yaml", tmp_path_factory.mktemp("studio-example"))


def _module(rehearsal: Any, group: str) -> Any:
    return next(module for modules in rehearsal.groups for module in modules if module.group == group)


def test_the_example_rehearses_green_with_the_domain_wired_into_the_endpoint(rehearsed: Any) -> None:
    assert [[module.group for module in group] for group in rehearsed.groups] == [
        ["networking"],
        ["sagemaker-studio"],
        ["sagemaker-endpoints"],
    ]
    for group in rehearsed.groups:
        for module in group:
            assert [stack.status for stack in module.stacks] == ["CREATE_COMPLETE"], module.group
    studio, endpoint = _module(rehearsed, "sagemaker-studio"), _module(rehearsed, "sagemaker-endpoints")
    [stack] = endpoint.stacks
    [served] = [r for r in stack.template["Resources"].values() if r["Type"] == "AWS::SageMaker::Endpoint"]
    tags = {tag["Key"]: tag["Value"] for tag in served["Properties"]["Tags"]}
    assert tags["sagemaker:domain-arn"] == studio.metadata["StudioDomainArn"]
    assert tags["sagemaker:domain-id"] == studio.metadata["StudioDomainId"]
    assert studio.metadata["StudioUserProfileNames"] == ["alice", "bob", "carol"]


def test_the_plan_shows_the_domains_decisions_and_what_it_bills_by_use(rehearsed: Any) -> None:
    text = plan(rehearsed)
    section = text.split("group sagemaker-studio / module studio", 1)[1].split("\n[3.1]", 1)[0]
    for expected in (
        "VPC only, 2 subnet(s), sign-in IAM; home file system and space volumes encrypted with the module key",
        "idle JupyterLab apps stop after 60 min",
        # retain_efs: false in the example
        "on stack delete: apps cleared, then the domain with its home file system and SageMaker's NFS groups",
        "users: alice (data scientist), bob (data scientist), carol (lead data scientist)",
        "JupyterLab spaces: alice-JupyterLab-space (Private), bob-JupyterLab-space (Private), "
        "carol-JupyterLab-space (Private)",
        "domain resource isolation: the roles reach endpoints, jobs and packages tagged with this domain only",
        # The module key is the domain's one fixed monthly cost; the rest is billed by use.
        "estimated monthly cost: $1.00 idle",
        "AWS::SageMaker::Domain: nothing for the domain itself",
        "custom resources answered SUCCESS, handler not run: StudioDomainRemoval, StudioApps",
        "StudioDomain: the emulator creates Studio domains in CloudFormation, with AWS-shaped ids (fix)",
    ):
        assert expected in section, expected
    [not_emulated] = [line for line in section.splitlines() if "declared but not emulated" in line]
    assert "AWS::SageMaker::UserProfile" in not_emulated
    assert "AWS::SageMaker::Space" in not_emulated


def test_the_module_readme_shows_the_picture_of_the_examples_template(rehearsed: Any) -> None:
    from rehearsal.diagram import EXAMPLES, embedded_module_block, module_block, module_picture

    studio = _module(rehearsed, "sagemaker-studio")
    assert EXAMPLES[studio.path] == "manifests/examples/studio.yaml"
    readme = (ROOT / studio.path / "README.md").read_text()
    picture = module_picture(studio.stacks[0].template)
    expected = module_block("sagemaker-studio/studio", picture, "manifests/examples/studio.yaml")
    assert embedded_module_block(readme) == expected, "run `make docs` to redraw the Studio README's picture"
