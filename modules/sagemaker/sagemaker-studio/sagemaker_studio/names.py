"""The names AWS accepts for what this module creates, and the names the module derives.

The patterns and lengths are SageMaker's own (botocore's service model and CloudFormation's resource
schemas agree: `DomainName`, `UserProfileName`, `SpaceName` and `AppImageConfigName` are
`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, at most 63 characters; `ImageName` also allows dots;
`TrackingServerName` up to 256). A name SageMaker would refuse is refused here first, with the rule.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

SAGEMAKER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
IMAGE_NAME = re.compile(r"[a-zA-Z0-9]([-.]?[a-zA-Z0-9]){0,62}")
TRACKING_SERVER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}")
NAME_RULE = "letters, digits and hyphens, starting and ending with a letter or digit, at most 63 characters"
# The reference module names each user's JupyterLab space `<user>-JupyterLab-space`. A shared space is
# named apart: its sharing type cannot change (CloudFormation replaces the space), and the replacement
# is created before the old space is deleted, so it needs a name of its own.
SPACE_SUFFIXES = {False: "-JupyterLab-space", True: "-JupyterLab-shared"}


def is_sagemaker_name(value: str) -> bool:
    return SAGEMAKER_NAME.fullmatch(value) is not None


def space_name(user: str, *, shared: bool) -> str:
    """The JupyterLab space the module creates for `user` (the reference module's name when private)."""
    return f"{user}{SPACE_SUFFIXES[shared]}"


def longest_user_with_space(*, shared: bool) -> int:
    """The longest user name that leaves room for its space's suffix in SageMaker's 63 characters."""
    return 63 - len(SPACE_SUFFIXES[shared])


def default_domain_name(stack_name: str) -> str:
    """`<stack>-studio-domain` as the reference module names it, shortened with a digest when SageMaker's
    63 characters would not hold it, and with characters a domain name cannot hold replaced."""
    name = re.sub(r"[^a-zA-Z0-9-]", "-", f"{stack_name}-studio-domain").strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if len(name) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: 63 - len(digest) - 1].rstrip('-')}-{digest}"


@cache
def studio_instance_types() -> frozenset[str]:
    """The instance types a Studio app may run on, from the installed botocore's SageMaker model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.shape_for("AppInstanceType")
    return frozenset(getattr(shape, "enum", ())) - {"system"}
