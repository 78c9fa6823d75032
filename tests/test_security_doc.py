"""docs/security.md's claims on managed policies and network isolation are read from the templates."""

from __future__ import annotations

from tests.real_account.cfn import Template
from tests.security_doc import isolation, managed_policies


def _template(case: str, module: str, resources: dict[str, object]) -> Template:
    return Template(case=case, module=module, raw={"Resources": resources})


def test_an_aws_managed_policy_on_any_role_is_named_with_the_sets_that_attach_it() -> None:
    managed = {
        "Type": "AWS::IAM::Role",
        "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]},
    }
    own = {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:aws:iam::111111111111:policy/own"]}}
    templates = [
        _template("networking-a", "networking", {"Handler": managed}),
        _template("networking-b", "networking", {"Handler": managed}),
        _template("endpoint-a", "sagemaker-endpoint", {"Role": own}),
    ]
    assert managed_policies(templates) == (
        "Only these roles have an AWS managed policy: networking `Handler` has "
        "`service-role/AWSLambdaBasicExecutionRole` (every set); every other role has customer managed ones only."
    )
    assert managed_policies(templates[2:]) == "No role of any set of the matrix has an AWS managed policy."


def test_a_model_without_network_isolation_is_named_with_its_set() -> None:
    model = {"Type": "AWS::SageMaker::Model", "Properties": {"EnableNetworkIsolation": True}}
    open_model = {"Type": "AWS::SageMaker::Model", "Properties": {"EnableNetworkIsolation": False}}
    isolated = _template("endpoint-a", "sagemaker-endpoint", {"Model": model})
    assert isolation([isolated]) == "Every model of the matrix's 1 endpoint sets runs with `EnableNetworkIsolation` on."
    assert isolation([isolated, _template("endpoint-open", "sagemaker-endpoint", {"Model": open_model})]).startswith(
        "`EnableNetworkIsolation` is on for every model of the matrix's 2 endpoint sets except: endpoint-open (Model)"
    )
