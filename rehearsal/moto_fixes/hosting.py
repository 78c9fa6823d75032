"""Fixes to moto's SageMaker hosting resources as CloudFormation creates, updates and deletes them: endpoints,
their configurations and variants, the instance types they take, and Studio domains.

Each function is one fix: its comment names the moto behaviour it corrects and what AWS does instead;
tests/test_moto_fixes_resources.py shows moto's behaviour without it.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any, ClassVar

from rehearsal.moto_fixes.patching import FixCannotApply, Patcher


def variants_without_a_model_host_inference_components(patch: Patcher) -> None:
    # SageMaker requires only VariantName of a production variant (CreateEndpointConfig's ProductionVariant):
    # a variant without ModelName hosts inference components. moto looks up every variant's ModelName and
    # fails such a configuration with KeyError 'ModelName'; it now checks the models that are named.
    from moto.sagemaker.models import SageMakerModelBackend

    def make(original: Any) -> Any:
        def validate(self: Any, production_variants: list[dict[str, Any]]) -> None:
            original(self, [variant for variant in production_variants if "ModelName" in variant])

        return validate

    patch.wrap(SageMakerModelBackend, "validate_production_variants", make, ("self", "production_variants"))


def sagemaker_endpoints_keep_the_names_templates_give(patch: Patcher) -> None:
    # CloudFormation creates an AWS::SageMaker::Endpoint under its EndpointName. moto's endpoint declares no
    # name property, so it names the endpoint after the stack and logical id (67 characters for this
    # repository's stacks, past SageMaker's 63) and the endpoint module publishes a name no account would
    # hold: a module that reads the endpoint by that name (model monitoring) finds nothing.
    from moto.sagemaker.models import FakeEndpoint

    def make(original: Any) -> Any:
        def create(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
            named = (cloudformation_json.get("Properties") or {}).get("EndpointName") or resource_name
            return original(cls, named, cloudformation_json, *args, **kwargs)

        return create

    parameters = ("cls", "resource_name", "cloudformation_json", "account_id", "region_name", "kwargs")
    patch.wrap(FakeEndpoint, "create_from_cloudformation_json", make, parameters)


def endpoints_follow_their_replaced_configuration(patch: Patcher) -> None:
    # A stack update that replaces an AWS::SageMaker::EndpointConfig (a new physical name) updates the endpoint
    # that names it in place: CloudFormation resolves the endpoint's EndpointConfigName again and calls
    # UpdateEndpoint, then deletes the old configuration. moto updates only resources whose template text
    # changed: the endpoint's GetAtt is the same text, so it keeps naming the configuration moto deleted (and
    # anything that describes the deployed endpoint's configuration fails). The endpoint is now updated too,
    # after its configuration.
    from moto.cloudformation.parsing import ResourceMap

    def make(original: Any) -> Any:
        def diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> Any:
            actions = original(self, other_template, parameters)
            new = other_template.get("Resources") or {}
            replaced = {name for name in actions["Modify"] if new[name].get("Type") == "AWS::SageMaker::EndpointConfig"}
            following = [
                name
                for name, resource in new.items()
                if resource.get("Type") == "AWS::SageMaker::Endpoint"
                and name not in actions["Add"]
                and _names((resource.get("Properties") or {}).get("EndpointConfigName")) & replaced
            ]
            actions["Modify"] = [name for name in actions["Modify"] if name not in following] + following
            return actions

        return diff

    patch.wrap(ResourceMap, "build_resource_diff", make, ("self", "other_template", "parameters"))


def _names(value: Any) -> set[str]:
    """The logical ids a template value refers to (Ref, Fn::GetAtt)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return {str(value["Ref"])}
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return {str(target[0] if isinstance(target, list) else str(target).split(".", 1)[0])}
        return set().union(*(_names(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_names(item) for item in value)) if value else set()
    return set()


def current_instance_types_are_accepted(patch: Patcher) -> None:
    # moto checks a production variant's instance type against a list of its own (67 types, none newer than
    # ml.g4dn, ml.m5d or ml.inf1): ml.g5, ml.m6i, ml.c6i, ml.inf2 and every newer type fail to create. AWS
    # checks the enum of its API model, ProductionVariantInstanceType: a type botocore's model lists passes.
    from moto.sagemaker.models import FakeEndpointConfig

    def make(original: Any) -> Any:
        def validate(self: Any, instance_type: str) -> None:
            if instance_type not in production_variant_instance_types():
                original(self, instance_type)

        return validate

    patch.wrap(FakeEndpointConfig, "validate_instance_type", make, ("self", "instance_type"))


@functools.cache
def production_variant_instance_types() -> frozenset[str]:
    """The instance types SageMaker's API model (this environment's botocore) lists for a production variant."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape: Any = model.shape_for("ProductionVariantInstanceType")
    return frozenset(shape.enum)


STUDIO_DOMAIN = "AWS::SageMaker::Domain"


def studio_domains_in_cloudformation(patch: Patcher) -> None:
    # moto's SageMaker backend creates, describes and deletes Studio domains through the API, but its
    # CloudFormation has no AWS::SageMaker::Domain: it skips the resource ("No Moto CloudFormation support"),
    # so no output reads the domain's id or ARN and no later module can be wired to it. The type is created,
    # updated and deleted through that backend here, with ids of AWS's shape (moto's API names a domain
    # d-<its name>, capitals and all, and its file system <name>-efs-id). User profiles, spaces and apps,
    # which moto has no backend for, stay "declared but not emulated".
    from moto.cloudformation import parsing

    def make(original: Any) -> Any:
        def model_map() -> dict[str, Any]:
            return {**original(), STUDIO_DOMAIN: StudioDomain}

        return model_map

    if STUDIO_DOMAIN in parsing.get_model_map():
        raise FixCannotApply(
            f"emulator fix '{studio_domains_in_cloudformation.__name__}': moto now emulates {STUDIO_DOMAIN} in "
            "CloudFormation itself: check that its ids have AWS's shape (its test) and drop the fix"
        )
    patch.wrap(parsing, "get_model_map", make, ())


class StudioDomain:
    """AWS::SageMaker::Domain for moto's CloudFormation, kept in moto's SageMaker backend."""

    ATTRIBUTES: ClassVar[dict[str, str]] = {
        "DomainId": "id",
        "DomainArn": "arn",
        "HomeEfsFileSystemId": "home_efs_file_system_id",
        "SecurityGroupIdForDomainBoundary": "security_group_id_for_domain_boundary",
        "Url": "url",
        "SingleSignOnManagedApplicationInstanceId": "single_sign_on_managed_application_instance_id",
    }

    def __init__(self, domain: Any, account_id: str, region_name: str) -> None:
        self.domain, self.account_id, self.region_name = domain, account_id, region_name

    @property
    def physical_resource_id(self) -> str:
        return str(self.domain.id)  # Ref of a domain is its id

    @classmethod
    def has_cfn_attr(cls, attribute: str) -> bool:
        return attribute in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute not in self.ATTRIBUTES:
            raise UnformattedGetAttTemplateException()
        return getattr(self.domain, self.ATTRIBUTES[attribute])

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> StudioDomain:
        from moto.sagemaker.models import sagemaker_backends

        backend = sagemaker_backends[account_id][region_name]
        properties = cloudformation_json.get("Properties") or {}
        name = str(properties.get("DomainName") or resource_name)
        backend.create_domain(
            domain_name=name,
            auth_mode=properties["AuthMode"],
            default_user_settings=properties.get("DefaultUserSettings") or {},
            subnet_ids=properties.get("SubnetIds") or [],
            vpc_id=properties.get("VpcId") or "",
            domain_settings=properties.get("DomainSettings"),
            tags=properties.get("Tags"),
            app_network_access_type=properties.get("AppNetworkAccessType"),
            home_efs_file_system_kms_key_id=None,
            kms_key_id=properties.get("KmsKeyId"),
            app_security_group_management=properties.get("AppSecurityGroupManagement"),
            default_space_settings=properties.get("DefaultSpaceSettings"),
        )
        domain = backend.domains.pop(f"d-{name}")
        digest = hashlib.sha256(f"{account_id}/{region_name}/{name}".encode()).hexdigest()
        domain.id = f"d-{digest[:12]}"  # AWS: d- and 12 lower-case letters or digits
        domain.arn = f"arn:aws:sagemaker:{region_name}:{account_id}:domain/{domain.id}"
        domain.home_efs_file_system_id = f"fs-{digest[12:29]}"
        backend.domains[domain.id] = domain
        return cls(domain, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: StudioDomain,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> StudioDomain:
        properties = cloudformation_json.get("Properties") or {}
        if properties.get("DomainName") == original_resource.domain.domain_name:
            domain = original_resource.domain
            domain.default_user_settings = properties.get("DefaultUserSettings") or {}
            domain.default_space_settings = properties.get("DefaultSpaceSettings")
            domain.domain_settings = properties.get("DomainSettings")
            return original_resource
        # DomainName, AuthMode and KmsKeyId are create-only: a new domain, then the old one goes.
        replacement = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        original_resource.delete(account_id, region_name)
        return replacement

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        from moto.sagemaker.models import sagemaker_backends

        sagemaker_backends[account_id][region_name].domains.pop(resource_name, None)

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.physical_resource_id, {}, account_id, region_name)
