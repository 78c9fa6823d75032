"""What the Studio stack's custom resources do when CloudFormation creates, updates or deletes them.

SageMaker refuses to delete a space or a user profile while an app runs in it, and a domain while it
holds user profiles or spaces (DeleteSpace, DeleteUserProfile, DeleteDomain: ResourceInUse). Users start
apps, and create private spaces, that CloudFormation knows nothing of; so before CloudFormation deletes
the spaces and profiles it created, `clear_domain` deletes every app (and every space it did not create)
and waits until SageMaker reports them deleted. With `retain_efs: false`, `remove_domain` deletes the domain
with its home file system (RetentionPolicy HomeEfsFileSystem: Delete, which CloudFormation's own delete of
AWS::SageMaker::Domain cannot ask for) and then the two NFS security groups SageMaker created for it in
the VPC, which would otherwise keep the VPC from being deleted.

Each function takes its boto3 clients; `deadline` says how long it may wait (the function's own timeout).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

GONE = {"Deleted", "Failed"}  # an app or space in these states holds nothing back
POLL_SECONDS = 10


class NotFinished(Exception):
    """The wait ran out before SageMaker or EC2 finished; running the delete again picks up from there."""


@dataclass(frozen=True)
class Deadline:
    """When waiting must stop: `remaining()` seconds are left (the Lambda context's, less a margin)."""

    remaining: Callable[[], float]
    sleep: Callable[[float], None] = time.sleep

    def wait(self, what: str) -> None:
        if self.remaining() < POLL_SECONDS:
            raise NotFinished(f"still waiting for {what}; delete the stack again to finish")
        self.sleep(POLL_SECONDS)


def apps(sagemaker: Any, domain_id: str) -> Iterator[dict[str, Any]]:
    for page in sagemaker.get_paginator("list_apps").paginate(DomainIdEquals=domain_id):
        yield from page["Apps"]


def spaces(sagemaker: Any, domain_id: str) -> Iterator[dict[str, Any]]:
    for page in sagemaker.get_paginator("list_spaces").paginate(DomainIdEquals=domain_id):
        yield from page["Spaces"]


def _owner(space: dict[str, Any]) -> str | None:
    return (space.get("OwnershipSettingsSummary") or {}).get("OwnerUserProfileName")


def _app_key(app: dict[str, Any]) -> dict[str, str]:
    key = {"DomainId": app["DomainId"], "AppType": app["AppType"], "AppName": app["AppName"]}
    if app.get("SpaceName"):
        key["SpaceName"] = app["SpaceName"]
    else:
        key["UserProfileName"] = app["UserProfileName"]
    return key


def delete_apps(
    sagemaker: Any, domain_id: str, deadline: Deadline, *, users: Iterable[str] | None = None, spaces_of: Any = None
) -> list[str]:
    """Delete the domain's running apps (all, or those of `users` and of the spaces named in `spaces_of`)
    and wait until none is left; the names of the apps deleted."""
    users = None if users is None else set(users)
    in_spaces = None if spaces_of is None else set(spaces_of)

    def chosen(app: dict[str, Any]) -> bool:
        if app.get("Status") in GONE:
            return False
        if users is None and in_spaces is None:
            return True
        return app.get("UserProfileName") in (users or set()) or app.get("SpaceName") in (in_spaces or set())

    deleted = []
    for app in [app for app in apps(sagemaker, domain_id) if chosen(app)]:
        if app.get("Status") != "Deleting":
            sagemaker.delete_app(**_app_key(app))
        deleted.append(app["AppName"])
    while [app for app in apps(sagemaker, domain_id) if chosen(app)]:
        deadline.wait(f"the apps of domain {domain_id} to be deleted")
    return deleted


def delete_spaces(sagemaker: Any, domain_id: str, names: Iterable[str], deadline: Deadline) -> None:
    """Delete the named spaces (their apps must be gone) and wait until they are."""
    wanted = set(names)

    def left() -> list[dict[str, Any]]:
        return [space for space in spaces(sagemaker, domain_id) if space["SpaceName"] in wanted]

    for space in left():
        if space.get("Status") not in (*GONE, "Deleting"):
            sagemaker.delete_space(DomainId=domain_id, SpaceName=space["SpaceName"])
    while [space for space in left() if space.get("Status") not in GONE]:
        deadline.wait(f"spaces {', '.join(sorted(wanted))} of domain {domain_id} to be deleted")


def clear_domain(sagemaker: Any, domain_id: str, managed_spaces: Iterable[str], deadline: Deadline) -> None:
    """Before the stack's spaces, profiles and domain are deleted: every app, and every space users created."""
    delete_apps(sagemaker, domain_id, deadline)
    managed = set(managed_spaces)
    unmanaged = [space["SpaceName"] for space in spaces(sagemaker, domain_id) if space["SpaceName"] not in managed]
    delete_spaces(sagemaker, domain_id, unmanaged, deadline)


def clear_removed(sagemaker: Any, domain_id: str, old: dict[str, Any], new: dict[str, Any], deadline: Deadline) -> None:
    """An update that removes users or spaces: their apps, and the spaces the removed users created,
    go first (CloudFormation deletes the removed profiles and spaces after the update)."""
    removed_users = set(old.get("UserProfiles", [])) - set(new.get("UserProfiles", []))
    removed_spaces = set(old.get("ManagedSpaces", [])) - set(new.get("ManagedSpaces", []))
    owned = {space["SpaceName"] for space in spaces(sagemaker, domain_id) if _owner(space) in removed_users}
    managed = set(new.get("ManagedSpaces", [])) | removed_spaces
    delete_apps(sagemaker, domain_id, deadline, users=removed_users, spaces_of=owned | removed_spaces)
    delete_spaces(sagemaker, domain_id, owned - managed, deadline)


def _domain_exists(sagemaker: Any, domain_id: str) -> bool:
    try:
        sagemaker.describe_domain(DomainId=domain_id)
    except sagemaker.exceptions.ResourceNotFound:
        return False
    except sagemaker.exceptions.ClientError as error:
        # SageMaker answers an unknown domain id with ValidationException "Could not find domain".
        if "could not find" in str(error).lower():
            return False
        raise
    return True


def remove_domain(sagemaker: Any, ec2: Any, domain_id: str, vpc_id: str, deadline: Deadline) -> None:
    """Delete the domain with its home file system, then the NFS security groups SageMaker made for it."""
    if _domain_exists(sagemaker, domain_id):
        sagemaker.delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    while _domain_exists(sagemaker, domain_id):
        deadline.wait(f"domain {domain_id} to be deleted")
    delete_nfs_security_groups(ec2, domain_id, vpc_id, deadline)


def nfs_security_group_names(domain_id: str) -> list[str]:
    """The groups SageMaker creates in the VPC for the domain's home file system (inbound on its mount
    targets, outbound on the apps), which it does not delete with the domain."""
    return [f"security-group-for-inbound-nfs-{domain_id}", f"security-group-for-outbound-nfs-{domain_id}"]


def delete_nfs_security_groups(ec2: Any, domain_id: str, vpc_id: str, deadline: Deadline) -> list[str]:
    """Each group's rules first (the two refer to each other), then the groups; a group still attached
    to an interface of a mount target being deleted is tried again until `deadline`."""
    filters = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "group-name", "Values": nfs_security_group_names(domain_id)},
    ]
    groups = ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
    for group in groups:
        if group.get("IpPermissions"):
            ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
        if group.get("IpPermissionsEgress"):
            ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])
    left = [group["GroupId"] for group in groups]
    while left:
        for group_id in list(left):
            try:
                ec2.delete_security_group(GroupId=group_id)
                left.remove(group_id)
            except ec2.exceptions.ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code == "InvalidGroup.NotFound":
                    left.remove(group_id)
                elif code != "DependencyViolation":
                    raise
        if left:
            deadline.wait(f"security groups {', '.join(left)} to be released by the file system's mount targets")
    return [group["GroupId"] for group in groups]


SAGEMAKER_PORTFOLIO_PROVIDER = "Amazon SageMaker"


def sagemaker_portfolio(servicecatalog: Any) -> str | None:
    """The id of SageMaker's project templates portfolio, once it is shared with the account."""
    for page in servicecatalog.get_paginator("list_accepted_portfolio_shares").paginate():
        for portfolio in page["PortfolioDetails"]:
            if portfolio.get("ProviderName") == SAGEMAKER_PORTFOLIO_PROVIDER:
                return str(portfolio["Id"])
    return None


def enable_projects(sagemaker: Any, servicecatalog: Any, role_arns: Iterable[str], deadline: Deadline) -> str:
    """SageMaker Projects for the account (idempotent), and its portfolio's products for the roles."""
    sagemaker.enable_sagemaker_servicecatalog_portfolio()
    while (portfolio := sagemaker_portfolio(servicecatalog)) is None:
        deadline.wait("SageMaker's project templates portfolio to be shared with the account")
    for role in role_arns:
        servicecatalog.associate_principal_with_portfolio(PortfolioId=portfolio, PrincipalARN=role, PrincipalType="IAM")
    return portfolio


def disable_projects(servicecatalog: Any, role_arns: Iterable[str]) -> None:
    """The roles lose the portfolio again; SageMaker Projects stay enabled for the account (others may use them)."""
    portfolio = sagemaker_portfolio(servicecatalog)
    if portfolio is None:
        return
    for role in role_arns:
        try:
            servicecatalog.disassociate_principal_from_portfolio(PortfolioId=portfolio, PrincipalARN=role)
        except servicecatalog.exceptions.ResourceNotFoundException:
            continue
