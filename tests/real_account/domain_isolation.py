"""Domain resource isolation between two modules' templates: the Studio domain's roles (their identity policies
from the Studio template) call an endpoint's resources as the endpoint module writes them (their ARNs and tags
from the endpoint template), and are denied the same resources of an endpoint of another domain or of none.

tests/real_account/studio_contracts.py states the Studio side with the tag as a context key; here the tag is
the one the endpoint template holds, so a wrong tag on the endpoint's side fails too.
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.real_account.across import CrossAccountContract
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import caller_in, first_of, role_arn_of
from tests.real_account.simulator import Call, Target

# The Studio roles and what each is (studio_contracts.PERSONAS), and the endpoint's resources they read or invoke.
PERSONAS = ("DataScientistRole", "LeadDataScientistRole", "ExecutionRole")
CALLS = {
    "AWS::SageMaker::Endpoint": ("sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"),
    "AWS::SageMaker::EndpointConfig": ("sagemaker:DescribeEndpointConfig",),
}


def resources(endpoint: Template) -> Iterator[tuple[str, Target]]:
    """Each resource of `endpoint` the roles call: its kind, and itself with its ARN and tags as deployed."""
    for kind in CALLS:
        for logical, resource in endpoint.of_type(kind):
            tags = {str(tag["Key"]): str(tag["Value"]) for tag in resource["Properties"].get("Tags", [])}
            yield kind, Target(endpoint.arn(logical), endpoint.account, None, tags)


def contracts(studio: Template, own: Template, others: dict[str, Template]) -> list[CrossAccountContract]:
    """Each persona of `studio` calls the resources of `own` (an endpoint of its domain); the same call on the
    same kind of resource of each of `others` (named by what they are: another domain's, one of no domain) is
    denied."""
    found = []
    for prefix in PERSONAS:
        logical = first_of(studio, "AWS::IAM::Role", prefix)
        if logical is None:
            continue
        caller = caller_in(studio, role_arn_of(studio, logical))
        for kind, target in resources(own):
            neighbours = {name: [t for k, t in resources(other) if k == kind] for name, other in others.items()}
            for action in CALLS[kind]:
                found.append(
                    CrossAccountContract(
                        f"Studio {prefix}",
                        f"{action} on an endpoint of its domain",
                        Call(caller, action, target),
                        tuple((name, Call(caller, action, t)) for name, ts in neighbours.items() for t in ts),
                    )
                )
    return found
