"""The Studio domain (VPC only, encrypted with the module key, idle apps shut down), its apps' security
group, and the user profiles and JupyterLab spaces of its users."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from sagemaker_studio.plan import DomainSpec, StudioPlan, UserSpec

# Studio's apps talk to each other over TCP 8192-65535 inside the domain's security group, and to AWS
# over HTTPS (SageMaker developer guide, "Connect Studio notebooks in a VPC to external resources":
# VPC only mode requirements). NFS to the home file system goes through the two groups SageMaker itself
# adds (security-group-for-inbound-nfs-<domain id> and -outbound-nfs-<domain id>).
APP_PORTS = (8192, 65535)


def apps_security_group(scope: Construct, spec: DomainSpec) -> ec2.CfnSecurityGroup:
    group = ec2.CfnSecurityGroup(
        scope,
        "StudioSecurityGroup",
        vpc_id=spec.vpc_id,
        group_description=f"SageMaker Studio apps of domain {spec.name}: each other, and HTTPS to AWS",
        security_group_egress=[
            ec2.CfnSecurityGroup.EgressProperty(
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ip="0.0.0.0/0",
                description="HTTPS to AWS APIs (VPC endpoints, or a NAT gateway) and package mirrors",
            )
        ],
    )
    low, high = APP_PORTS
    ec2.CfnSecurityGroupIngress(
        scope,
        "StudioAppsFromEachOther",
        group_id=group.attr_group_id,
        ip_protocol="tcp",
        from_port=low,
        to_port=high,
        source_security_group_id=group.attr_group_id,
        description="Studio apps of the domain to each other",
    )
    ec2.CfnSecurityGroupEgress(
        scope,
        "StudioAppsToEachOther",
        group_id=group.attr_group_id,
        ip_protocol="tcp",
        from_port=low,
        to_port=high,
        destination_security_group_id=group.attr_group_id,
        description="Studio apps of the domain to each other",
    )
    return group


def _jupyterlab(spec: DomainSpec) -> sagemaker.CfnDomain.JupyterLabAppSettingsProperty:
    idle = sagemaker.CfnDomain.IdleSettingsProperty(
        lifecycle_management="ENABLED",
        idle_timeout_in_minutes=spec.idle.timeout,
        min_idle_timeout_in_minutes=spec.idle.minimum,
        max_idle_timeout_in_minutes=spec.idle.maximum,
    )
    return sagemaker.CfnDomain.JupyterLabAppSettingsProperty(
        app_lifecycle_management=sagemaker.CfnDomain.AppLifecycleManagementProperty(idle_settings=idle),
        custom_images=_custom_images(spec),
    )


def _custom_images(spec: DomainSpec) -> list[sagemaker.CfnDomain.CustomImageProperty] | None:
    if spec.custom_image is None:
        return None
    config, image = spec.custom_image
    return [sagemaker.CfnDomain.CustomImageProperty(app_image_config_name=config, image_name=image)]


def studio_domain(
    scope: Construct,
    spec: DomainSpec,
    *,
    key: kms.IKey,
    security_group: ec2.CfnSecurityGroup,
    execution_role: iam.IRole,
) -> sagemaker.CfnDomain:
    """A domain whose apps reach nothing but its VPC, whose file system and space volumes use `key`."""
    groups = [security_group.attr_group_id]
    jupyterlab = _jupyterlab(spec)
    custom_images = _custom_images(spec)
    domain = sagemaker.CfnDomain(
        scope,
        "StudioDomain",
        domain_name=spec.name,
        auth_mode=spec.auth_mode,
        app_network_access_type="VpcOnly",
        vpc_id=spec.vpc_id,
        subnet_ids=list(spec.subnet_ids),
        kms_key_id=key.key_arn,
        default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
            execution_role=execution_role.role_arn,
            security_groups=groups,
            jupyter_lab_app_settings=jupyterlab,
            kernel_gateway_app_settings=sagemaker.CfnDomain.KernelGatewayAppSettingsProperty(
                custom_images=custom_images
            )
            if custom_images
            else None,
        ),
        default_space_settings=sagemaker.CfnDomain.DefaultSpaceSettingsProperty(
            execution_role=execution_role.role_arn,
            security_groups=groups,
            jupyter_lab_app_settings=jupyterlab,
        ),
        domain_settings=sagemaker.CfnDomain.DomainSettingsProperty(
            docker_settings=sagemaker.CfnDomain.DockerSettingsProperty(
                enable_docker_access="ENABLED" if spec.docker_access else "DISABLED",
                vpc_only_trusted_accounts=list(spec.trusted_accounts) or None,
            ),
            # Each app's session of the role carries the user profile's name as its source identity:
            # the roles allow a user their own profile and spaces by it, and CloudTrail shows who called.
            execution_role_identity_config="USER_PROFILE_NAME",
        ),
    )
    # With retain_efs false the stack's StudioDomainRemoval deletes the domain itself, with its file
    # system; CloudFormation's own delete cannot (AWS::SageMaker::Domain has no retention property).
    # Kept, but not when its first create rolls back.
    if not spec.retain_efs:
        domain.apply_removal_policy(cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
    return domain


def user_profile(
    scope: Construct, user: UserSpec, *, plan: StudioPlan, domain: sagemaker.CfnDomain, role: iam.IRole
) -> sagemaker.CfnUserProfile:
    sso = plan.domain.auth_mode == "SSO"
    return sagemaker.CfnUserProfile(
        scope,
        f"User-{user.name}",
        domain_id=domain.attr_domain_id,
        user_profile_name=user.name,
        user_settings=sagemaker.CfnUserProfile.UserSettingsProperty(execution_role=role.role_arn),
        # With IAM Identity Center the profile belongs to the directory user of the same name.
        single_sign_on_user_identifier="UserName" if sso else None,
        single_sign_on_user_value=user.name if sso else None,
    )


def jupyterlab_space(
    scope: Construct,
    user: UserSpec,
    *,
    plan: StudioPlan,
    domain: sagemaker.CfnDomain,
    profile: sagemaker.CfnUserProfile,
) -> sagemaker.CfnSpace:
    assert user.space is not None
    instance_type = plan.domain.space_instance_type
    space = sagemaker.CfnSpace(
        scope,
        f"Space-{user.name}",
        domain_id=domain.attr_domain_id,
        space_name=user.space,
        space_display_name=user.space,
        space_settings=sagemaker.CfnSpace.SpaceSettingsProperty(
            app_type="JupyterLab",
            jupyter_lab_app_settings=sagemaker.CfnSpace.SpaceJupyterLabAppSettingsProperty(
                default_resource_spec=sagemaker.CfnSpace.ResourceSpecProperty(instance_type=instance_type)
            )
            if instance_type
            else None,
        ),
        ownership_settings=sagemaker.CfnSpace.OwnershipSettingsProperty(owner_user_profile_name=user.name),
        space_sharing_settings=sagemaker.CfnSpace.SpaceSharingSettingsProperty(sharing_type=plan.domain.space_sharing),
    )
    space.node.add_dependency(profile)
    return space
