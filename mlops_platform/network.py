"""Network parts every module's resources in a VPC share."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct


def https_egress_security_group(
    scope: Construct, id: str, *, vpc_id: str, purpose: str, destination: str
) -> ec2.CfnSecurityGroup:
    """A security group with no ingress and HTTPS egress only (`purpose` and `destination` describe it)."""
    return ec2.CfnSecurityGroup(
        scope,
        id,
        vpc_id=vpc_id,
        group_description=f"{purpose}: no ingress, HTTPS egress only",
        security_group_egress=[
            ec2.CfnSecurityGroup.EgressProperty(
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ip="0.0.0.0/0",
                description=f"HTTPS to {destination}",
            )
        ],
    )
