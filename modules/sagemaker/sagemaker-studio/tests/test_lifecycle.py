"""What the stack's custom resources do (functions/studio_lifecycle): against moto where it emulates the
calls (domains, security groups), and against a stand-in of SageMaker's apps and spaces, which moto lacks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions" / "studio_lifecycle"))

import studio_lifecycle as lifecycle

REGION = "us-east-1"


class Studio:
    """SageMaker's ListApps/DeleteApp/ListSpaces/DeleteSpace as a domain with running apps answers them:
    a deleted app or space is `Deleting` until the next poll, then `Deleted`; a space with a running app,
    like SageMaker, refuses to be deleted."""

    class exceptions:
        class ResourceInUse(Exception):
            pass

    def __init__(self, apps: list[dict[str, Any]], spaces: list[dict[str, Any]]) -> None:
        self.apps = [{"DomainId": "d-1", "Status": "InService", **app} for app in apps]
        self.spaces = [{"DomainId": "d-1", "Status": "InService", **space} for space in spaces]
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_paginator(self, name: str) -> Any:
        studio = self

        class Paginator:
            def paginate(self, **_: Any) -> Iterator[dict[str, Any]]:
                if name == "list_apps":
                    yield {"Apps": [dict(app) for app in studio.apps]}
                else:
                    yield {"Spaces": [dict(space) for space in studio.spaces]}

        return Paginator()

    def delete_app(self, **key: Any) -> None:
        self.calls.append(("delete_app", key))
        for app in self.apps:
            if app["AppName"] == key["AppName"] and app.get("SpaceName") == key.get("SpaceName"):
                app["Status"] = "Deleting"

    def delete_space(self, **key: Any) -> None:
        self.calls.append(("delete_space", key))
        if any(app.get("SpaceName") == key["SpaceName"] and app["Status"] not in lifecycle.GONE for app in self.apps):
            raise self.exceptions.ResourceInUse(key["SpaceName"])
        for space in self.spaces:
            if space["SpaceName"] == key["SpaceName"]:
                space["Status"] = "Deleting"

    def settle(self) -> None:
        """What SageMaker finishes between two polls."""
        for item in [*self.apps, *self.spaces]:
            if item["Status"] == "Deleting":
                item["Status"] = "Deleted"


def deadline_for(studio: Studio | None = None, *, polls: int = 10) -> lifecycle.Deadline:
    left = [polls]

    def sleep(_: float) -> None:
        left[0] -= 1
        if studio is not None:
            studio.settle()

    return lifecycle.Deadline(remaining=lambda: 600.0 if left[0] > 0 else 0.0, sleep=sleep)


APPS = [
    {"AppName": "default", "AppType": "JupyterLab", "SpaceName": "alice-JupyterLab-space"},
    {"AppName": "default", "AppType": "JupyterLab", "SpaceName": "alice-scratch"},
    {"AppName": "default", "AppType": "CodeEditor", "SpaceName": "bob-JupyterLab-space"},
    {"AppName": "old", "AppType": "JupyterLab", "SpaceName": "bob-old", "Status": "Deleted"},
]
SPACES = [
    {"SpaceName": "alice-JupyterLab-space", "OwnershipSettingsSummary": {"OwnerUserProfileName": "alice"}},
    {"SpaceName": "alice-scratch", "OwnershipSettingsSummary": {"OwnerUserProfileName": "alice"}},
    {"SpaceName": "bob-JupyterLab-space", "OwnershipSettingsSummary": {"OwnerUserProfileName": "bob"}},
]


def test_a_stack_delete_clears_every_app_and_the_spaces_users_made_and_waits_for_them() -> None:
    studio = Studio(APPS, SPACES)
    lifecycle.clear_domain(studio, "d-1", ["alice-JupyterLab-space", "bob-JupyterLab-space"], deadline_for(studio))
    assert [app["Status"] for app in studio.apps] == ["Deleted"] * 4
    assert [call for call in studio.calls if call[0] == "delete_space"] == [
        ("delete_space", {"DomainId": "d-1", "SpaceName": "alice-scratch"})
    ]
    assert {space["SpaceName"]: space["Status"] for space in studio.spaces}["alice-scratch"] == "Deleted"
    # An app already deleted is not deleted again.
    assert (
        "delete_app",
        {"DomainId": "d-1", "AppType": "JupyterLab", "AppName": "old", "SpaceName": "bob-old"},
    ) not in studio.calls


def test_an_update_that_removes_a_user_clears_only_theirs() -> None:
    studio = Studio(APPS, SPACES)
    old = {"UserProfiles": ["alice", "bob"], "ManagedSpaces": ["alice-JupyterLab-space", "bob-JupyterLab-space"]}
    new = {"UserProfiles": ["bob"], "ManagedSpaces": ["bob-JupyterLab-space"]}
    lifecycle.clear_removed(studio, "d-1", old, new, deadline_for(studio))
    statuses = {app["SpaceName"]: app["Status"] for app in studio.apps}
    assert statuses["alice-JupyterLab-space"] == statuses["alice-scratch"] == "Deleted"
    assert statuses["bob-JupyterLab-space"] == "InService"
    # alice's own space goes now; the one CloudFormation created is CloudFormation's to delete after the update.
    assert [key["SpaceName"] for name, key in studio.calls if name == "delete_space"] == ["alice-scratch"]


def test_a_wait_that_runs_out_says_what_it_waited_for() -> None:
    studio = Studio(APPS, SPACES)  # never settles: no studio given to the deadline
    with pytest.raises(lifecycle.NotFinished, match="apps of domain d-1"):
        lifecycle.delete_apps(studio, "d-1", deadline_for(polls=2))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for variable in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        yield


def _nfs_groups(ec2: Any, vpc_id: str, domain_id: str) -> tuple[str, str]:
    inbound, outbound = (
        ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        for name in lifecycle.nfs_security_group_names(domain_id)
    )
    nfs = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
    ec2.authorize_security_group_ingress(
        GroupId=inbound, IpPermissions=[{**nfs, "UserIdGroupPairs": [{"GroupId": outbound}]}]
    )
    ec2.authorize_security_group_egress(
        GroupId=outbound, IpPermissions=[{**nfs, "UserIdGroupPairs": [{"GroupId": inbound}]}]
    )
    return inbound, outbound


@pytest.mark.usefixtures("aws")
def test_removing_the_domain_deletes_it_with_its_file_system_then_sagemakers_nfs_groups() -> None:
    sagemaker, ec2 = boto3.client("sagemaker", region_name=REGION), boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    domain_id = sagemaker.create_domain(
        DomainName="studio", AuthMode="IAM", DefaultUserSettings={}, SubnetIds=[subnet], VpcId=vpc
    )["DomainArn"].rsplit("/", 1)[1]
    groups = _nfs_groups(ec2, vpc, domain_id)
    deletes: list[dict[str, Any]] = []
    original = sagemaker.delete_domain

    def delete_domain(**request: Any) -> Any:
        deletes.append(request)
        return original(**request)

    sagemaker.delete_domain = delete_domain  # type: ignore[method-assign]
    lifecycle.remove_domain(sagemaker, ec2, domain_id, vpc, deadline_for())
    assert deletes == [{"DomainId": domain_id, "RetentionPolicy": {"HomeEfsFileSystem": "Delete"}}]
    assert sagemaker.list_domains()["Domains"] == []
    left = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    assert not {group["GroupId"] for group in left} & set(groups)
    # Again (a delete run a second time after a timeout): nothing left to do, no error.
    lifecycle.remove_domain(sagemaker, ec2, domain_id, vpc, deadline_for())


class StillAttached:
    """EC2 as AWS answers while a mount target's interface still uses a group: DependencyViolation, until
    the interface is gone (moto deletes a group in use)."""

    def __init__(self, ec2: Any, busy: str) -> None:
        self.ec2, self.busy, self.exceptions = ec2, {busy}, ec2.exceptions

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ec2, name)

    def delete_security_group(self, GroupId: str) -> Any:
        if GroupId in self.busy:
            from botocore.exceptions import ClientError

            error = {"Error": {"Code": "DependencyViolation", "Message": f"resource {GroupId} has a dependent object"}}
            raise ClientError(error, "DeleteSecurityGroup")  # type: ignore[arg-type]
        return self.ec2.delete_security_group(GroupId=GroupId)


@pytest.mark.usefixtures("aws")
def test_a_group_still_attached_to_a_mount_target_is_tried_again_until_released() -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    inbound, outbound = _nfs_groups(ec2, vpc, "d-1")
    attached = StillAttached(ec2, inbound)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the mount target's interface goes while the function waits
        waits.append(seconds)
        attached.busy.clear()

    deleted = lifecycle.delete_nfs_security_groups(attached, "d-1", vpc, lifecycle.Deadline(lambda: 600.0, sleep))
    assert waits == [lifecycle.POLL_SECONDS]
    assert sorted(deleted) == sorted([inbound, outbound])
    assert (
        ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {"Name": "group-name", "Values": lifecycle.nfs_security_group_names("d-1")},
            ]
        )["SecurityGroups"]
        == []
    )


def test_projects_enable_the_portfolio_and_share_it_with_each_role() -> None:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    catalog = boto3.client("servicecatalog", region_name=REGION)
    roles = ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b"]
    with Stubber(sagemaker) as sagemaker_stub, Stubber(catalog) as catalog_stub:
        sagemaker_stub.add_response("enable_sagemaker_servicecatalog_portfolio", {})
        catalog_stub.add_response(
            "list_accepted_portfolio_shares",
            {
                "PortfolioDetails": [
                    {"Id": "port-other", "ProviderName": "Team"},
                    {"Id": "port-sm", "ProviderName": "Amazon SageMaker"},
                ]
            },
        )
        for role in roles:
            catalog_stub.add_response(
                "associate_principal_with_portfolio",
                {},
                {"PortfolioId": "port-sm", "PrincipalARN": role, "PrincipalType": "IAM"},
            )
        assert lifecycle.enable_projects(sagemaker, catalog, roles, deadline_for()) == "port-sm"
        catalog_stub.assert_no_pending_responses()


def test_removing_projects_takes_the_portfolio_from_the_roles_only() -> None:
    catalog = boto3.client("servicecatalog", region_name=REGION)
    with Stubber(catalog) as stub:
        stub.add_response(
            "list_accepted_portfolio_shares",
            {"PortfolioDetails": [{"Id": "port-sm", "ProviderName": "Amazon SageMaker"}]},
        )
        stub.add_response(
            "disassociate_principal_from_portfolio",
            {},
            {"PortfolioId": "port-sm", "PrincipalARN": "arn:aws:iam::111111111111:role/a"},
        )
        lifecycle.disable_projects(catalog, ["arn:aws:iam::111111111111:role/a"])
        stub.assert_no_pending_responses()


class Calls:
    """A client that records every call and answers with `answers` (by method name)."""

    def __init__(self, **answers: Any) -> None:
        self.answers: dict[str, Any] = answers
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def call(**kwargs: Any) -> Any:
            self.calls.append(name)
            return self.answers.get(name, {})

        return call


def _event(request: str, kind: str, **properties: Any) -> dict[str, Any]:
    return {
        "RequestType": request,
        "ResourceType": kind,
        "ResourceProperties": {"DomainId": "d-0123456789ab", **properties},
        "StackId": "arn:aws:cloudformation:us-east-1:111111111111:stack/mlops-demo-studio/1",
    }


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    import studio_lifecycle_handler

    return studio_lifecycle_handler


@pytest.mark.parametrize(
    "status", ["UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"]
)
def test_an_update_that_drops_the_domain_removal_deletes_no_domain(
    handler: Any, monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    """retain_efs: False -> True removes the custom resource from the template: its delete must keep the domain."""
    sagemaker = Calls()
    monkeypatch.setattr(handler, "sagemaker", sagemaker)
    monkeypatch.setattr(handler, "cloudformation", Calls(describe_stacks={"Stacks": [{"StackStatus": status}]}))
    event = _event("Delete", "Custom::StudioDomainRemoval", VpcId="vpc-0123456789abcdef0")
    assert handler.handle(event, deadline_for()) == "d-0123456789ab-removal"
    assert sagemaker.calls == []


def test_a_stack_delete_removes_the_domain(handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    removed: list[tuple[str, str]] = []
    monkeypatch.setattr(handler, "remove_domain", lambda _s, _e, domain, vpc, _d: removed.append((domain, vpc)))
    monkeypatch.setattr(
        handler, "cloudformation", Calls(describe_stacks={"Stacks": [{"StackStatus": "DELETE_IN_PROGRESS"}]})
    )
    handler.handle(_event("Delete", "Custom::StudioDomainRemoval", VpcId="vpc-0123456789abcdef0"), deadline_for())
    assert removed == [("d-0123456789ab", "vpc-0123456789abcdef0")]


def test_creating_the_custom_resources_touches_nothing(handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sagemaker = Calls()
    monkeypatch.setattr(handler, "sagemaker", sagemaker)
    for kind in ("Custom::StudioApps", "Custom::StudioDomainRemoval"):
        handler.handle(_event("Create", kind, VpcId="vpc-0123456789abcdef0"), deadline_for())
    assert sagemaker.calls == []
