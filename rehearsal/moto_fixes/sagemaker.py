"""Fixes to moto's SageMaker model registry: a model package group's resource policy, and a group or version of
another account read in that account.

Each function is one fix: its comment names the moto behaviour it corrects and what AWS does instead;
tests/test_moto_fixes_accounts.py shows moto's behaviour without it.
"""

from __future__ import annotations

import re
from typing import Any

from rehearsal.moto_fixes.patching import Patcher

# The actions that name a group or a version of another account by its ARN, and the parameter that does.
_READS_ACROSS_ACCOUNTS = {
    "ListModelPackages": "ModelPackageGroupName",
    "DescribeModelPackageGroup": "ModelPackageGroupName",
    "DescribeModelPackage": "ModelPackageName",
    "GetModelPackageGroupPolicy": "ModelPackageGroupName",
}
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:(\d{12}):")


def model_package_group_policies(patch: Patcher) -> None:
    # moto keeps no resource policy of a model package group: it has no GetModelPackageGroupPolicy or
    # PutModelPackageGroupPolicy, and drops the ModelPackageGroupPolicy CloudFormation puts with the group
    # (resource_types.py creates the group). SageMaker keeps the policy with the group and answers both calls.
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    def get_policy(self: Any, model_package_group_name: str) -> str:
        group = self.describe_model_package_group(group_name(model_package_group_name))
        policy = getattr(group, "resource_policy", None)
        if policy is None:
            from moto.sagemaker.exceptions import ValidationError

            raise ValidationError(f"Cannot find resource policy for {group.arn}")
        return str(policy)

    def put_policy(self: Any, model_package_group_name: str, resource_policy: str) -> str:
        group = self.describe_model_package_group(group_name(model_package_group_name))
        group.resource_policy = resource_policy
        return str(group.arn)

    def get_response(self: Any) -> Any:
        from moto.core.responses import ActionResult

        name = self._get_param("ModelPackageGroupName")
        return ActionResult({"ResourcePolicy": self.sagemaker_backend.get_model_package_group_policy(name)})

    def put_response(self: Any) -> Any:
        from moto.core.responses import ActionResult

        name, policy = self._get_param("ModelPackageGroupName"), self._get_param("ResourcePolicy")
        arn = self.sagemaker_backend.put_model_package_group_policy(name, policy)
        return ActionResult({"ModelPackageGroupArn": arn})

    patch.add(SageMakerModelBackend, "get_model_package_group_policy", get_policy)
    patch.add(SageMakerModelBackend, "put_model_package_group_policy", put_policy)
    patch.add(SageMakerResponse, "get_model_package_group_policy", get_response)
    patch.add(SageMakerResponse, "put_model_package_group_policy", put_response)


def group_name(name_or_arn: str) -> str:
    """A group's name, from its name or its ARN (SageMaker takes either)."""
    return name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn


def model_package_groups_of_another_account_are_read_there(patch: Patcher) -> None:
    # SageMaker answers ListModelPackages, DescribeModelPackageGroup and DescribeModelPackage naming a group or
    # a version of another account by its ARN from that account, when the group's resource policy allows the
    # caller (a workload account reading a registry's group: SageMaker's cross-account deployment). moto answers
    # every call from the caller's own account, so a registry's group is never found from a workload account;
    # and it looks DescribeModelPackageGroup up by name only, so a group named by its ARN is not found at all.
    # Such a call is now answered from the account its ARN names. moto still evaluates no policy: the
    # rehearsal checks the group's policy before a module deploys (rehearsal/across_accounts.py).
    from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends
    from moto.sagemaker.responses import SageMakerResponse

    def make_backend(original: Any) -> Any:
        def backend(self: Any) -> Any:
            parameter = _READS_ACROSS_ACCOUNTS.get(self._get_action())
            named = str(self._get_param(parameter) or "") if parameter else ""
            owner = _ARN_ACCOUNT.match(named)
            if owner and owner.group(1) != self.current_account:
                return sagemaker_backends[owner.group(1)][self.region]
            return original(self)

        return backend

    def make_describe(original: Any) -> Any:
        def describe(self: Any, model_package_group_name: str) -> Any:
            return original(self, group_name(model_package_group_name))

        return describe

    patch.wrap(SageMakerResponse, "sagemaker_backend", make_backend)
    patch.wrap(
        SageMakerModelBackend, "describe_model_package_group", make_describe, ("self", "model_package_group_name")
    )
