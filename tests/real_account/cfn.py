"""Synthesized templates as the checks read them: every intrinsic resolved to the string AWS would see.

The matrix templates are resolved with the matrix's account and region; a `Ref` or `Fn::GetAtt` of a
resource of the template becomes the name or ARN CloudFormation would give it (its custom name when
it has one, else one derived from its logical id), so policies can be evaluated against concrete ARNs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.matrix import ACCOUNT, DATA, DEPLOYED_IN, IMAGE, REGION, VALID
from tests.repository import ROOT

MODULESTACK = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint" / "modulestack.yaml"
NETWORKING_MODULESTACK = ROOT / "modules" / "networking" / "modulestack.yaml"
MONITORING_MODULESTACK = ROOT / "modules" / "sagemaker" / "sagemaker-model-monitoring" / "modulestack.yaml"
REGISTRY_MODULESTACK = ROOT / "modules" / "sagemaker" / "sagemaker-model-package-group" / "modulestack.yaml"
# The registry's existing resources of its modulestack case (the parameters Seed-Farmer passes it).
EXISTING_ARTIFACTS_BUCKET = "arn:aws:s3:::ml-model-artifacts"
EXISTING_ARTIFACTS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EXISTING_REPOSITORY = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/fraud-detector"
STUDIO_MODULESTACK = ROOT / "modules" / "sagemaker" / "sagemaker-studio" / "modulestack.yaml"
PARTITION = "aws"

# CloudFormation's name property per resource type (a custom name fixes the physical id).
NAME_PROPERTIES = {
    "AWS::SageMaker::Model": "ModelName",
    "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
    "AWS::SageMaker::Endpoint": "EndpointName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": "PolicyName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::Rule": "Name",
    "AWS::KMS::Alias": "AliasName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::Events::EventBus": "Name",
    "AWS::SageMaker::ModelPackageGroup": "ModelPackageGroupName",
}


@dataclass
class Template:
    """One synthesized stack: its case name, module folder and resources with intrinsics resolved."""

    case: str
    module: str
    raw: dict[str, Any]
    account: str = ACCOUNT
    region: str = REGION
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The module parameters it was synthesized from (the matrix's are read from tests/matrix.py VALID),
    # and the images and model data of the package a `model-package-group-name` resolved to.
    parameters: dict[str, Any] = field(default_factory=dict)
    group_artifacts: tuple[tuple[str, ...], tuple[str, ...]] = ((IMAGE,), (DATA,))

    def __post_init__(self) -> None:
        raw_resources = self.raw.get("Resources", {})
        self.resources = {
            logical: {**resource, "Properties": self.resolve(resource.get("Properties", {}))}
            for logical, resource in raw_resources.items()
        }

    def of_type(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical, resource in self.resources.items():
            if resource["Type"] in types:
                yield logical, resource

    def physical_name(self, logical: str) -> str:
        """The resource's custom name, else the name CloudFormation would generate (stack-logical)."""
        resource = self.raw["Resources"][logical]
        prop = NAME_PROPERTIES.get(resource["Type"])
        name = resource.get("Properties", {}).get(prop) if prop else None
        if isinstance(name, str):
            return name
        if name is not None:
            return str(self.resolve(name))
        suffix = ".fifo" if resource.get("Properties", {}).get("FifoQueue") else ""
        name = f"{self.case.split('~', 1)[0]}-{logical}{suffix}"  # a module keeps its generated names across updates
        # CloudFormation generates bucket names in lower case (S3 allows no capitals).
        return name.lower() if resource["Type"] == "AWS::S3::Bucket" else name

    def arn(self, logical: str) -> str:
        resource = self.raw["Resources"][logical]
        kind, name = resource["Type"], self.physical_name(logical)
        region, account = self.region, self.account
        arns = {
            "AWS::KMS::Key": f"arn:aws:kms:{region}:{account}:key/{logical.lower()}-0000",
            "AWS::SQS::Queue": f"arn:aws:sqs:{region}:{account}:{name}",
            "AWS::SNS::Topic": f"arn:aws:sns:{region}:{account}:{name}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{region}:{account}:table/{name}",
            "AWS::IAM::Role": f"arn:aws:iam::{account}:role/{name}",
            "AWS::IAM::ManagedPolicy": f"arn:aws:iam::{account}:policy/{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{region}:{account}:function:{name}",
            "AWS::Events::Rule": f"arn:aws:events:{region}:{account}:rule/{name}",
            "AWS::CloudWatch::Alarm": f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{region}:{account}:log-group:{name}:*",
            # SageMaker keeps names in lower case in its ARNs.
            "AWS::SageMaker::Endpoint": f"arn:aws:sagemaker:{region}:{account}:endpoint/{name.lower()}",
            "AWS::SageMaker::EndpointConfig": f"arn:aws:sagemaker:{region}:{account}:endpoint-config/{name.lower()}",
            "AWS::SageMaker::Model": f"arn:aws:sagemaker:{region}:{account}:model/{name.lower()}",
            "AWS::EC2::VPC": f"arn:aws:ec2:{region}:{account}:vpc/vpc-{logical.lower()}",
            # Bucket names are lower case (CloudFormation lower-cases the names it generates).
            "AWS::S3::Bucket": f"arn:aws:s3:::{name.lower()}",
            "AWS::ECR::Repository": f"arn:aws:ecr:{region}:{account}:repository/{name}",
            "AWS::Events::EventBus": f"arn:aws:events:{region}:{account}:event-bus/{name}",
            "AWS::SageMaker::ModelPackageGroup": f"arn:aws:sagemaker:{region}:{account}:model-package-group/{name.lower()}",
            "AWS::SageMaker::Domain": f"arn:aws:sagemaker:{region}:{account}:domain/{self.domain_id(logical)}",
            "AWS::SageMaker::MlflowTrackingServer": (
                f"arn:aws:sagemaker:{region}:{account}:mlflow-tracking-server/"
                f"{self.raw['Resources'][logical].get('Properties', {}).get('TrackingServerName', logical)}"
            ),
        }
        return arns.get(kind, f"arn:aws:{kind.split('::')[1].lower()}:{region}:{account}:{logical}")

    @staticmethod
    def domain_id(logical: str) -> str:
        """A Studio domain's id, of AWS's shape (d- and 12 lower-case letters or digits)."""
        return "d-" + (logical.lower() + "000000000000")[:12]

    def ref(self, logical: str) -> str:
        kind = self.raw["Resources"][logical]["Type"]
        if kind == "AWS::SageMaker::Domain":
            return self.domain_id(logical)
        if kind == "AWS::S3::Bucket":
            return self.physical_name(logical).lower()
        if kind in {
            "AWS::SNS::Topic",
            "AWS::SageMaker::Endpoint",
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::ModelPackageGroup",
        }:
            return self.arn(logical)
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{self.physical_name(logical)}"
        if kind == "AWS::KMS::Key":
            return self.arn(logical).rsplit("/", 1)[1]
        if kind == "AWS::EC2::SecurityGroup":
            return f"sg-{logical.lower()}"
        if kind in {"AWS::EC2::VPC", "AWS::EC2::Subnet"}:
            return f"{kind.split('::')[2].lower()}-{logical.lower()}"
        return self.physical_name(logical)

    def get_att(self, logical: str, attribute: str) -> str:
        if attribute == "DomainId":
            return self.domain_id(logical)
        if attribute in {"Arn", "TopicArn", "ModelPackageGroupArn", "DomainArn", "TrackingServerArn"}:
            return self.arn(logical)  # a log group's Arn ends in `:*`, as CloudFormation returns it
        if attribute == "GroupId":
            return self.ref(logical)
        if attribute in {"QueueUrl"}:
            return self.ref(logical)
        if attribute in {"QueueName", "TopicName", "EndpointName", "EndpointConfigName", "ModelName", "KeyId"}:
            return self.ref(logical) if attribute == "KeyId" else self.physical_name(logical)
        return f"{logical}.{attribute}"

    def parameter(self, name: str) -> str:
        pseudo = {
            "AWS::Partition": PARTITION,
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.case,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account}:stack/mlops-matrix-{self.case.split('~', 1)[0]}"
                "/0a1b2c3d-4e5f"
            ),
        }
        if name in pseudo:
            return pseudo[name]
        return str(self.raw.get("Parameters", {}).get(name, {}).get("Default", f"<{name}>"))

    def resolve(self, value: Any) -> Any:
        """`value` with Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split replaced by strings."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            [(key, argument)] = value.items()
            if key == "Ref":
                return self.ref(argument) if argument in self.raw.get("Resources", {}) else self.parameter(argument)
            if key == "Fn::GetAtt":
                logical, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.get_att(logical, attribute)
            if key == "Fn::Join":
                separator, items = argument
                return separator.join(str(self.resolve(item)) for item in self.resolve(items))
            if key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                variables = {name: self.resolve(item) for name, item in variables.items()}
                return re.sub(r"\$\{([^}!]+)\}", lambda m: str(variables.get(m[1]) or self._sub(m[1])), text)
            if key == "Fn::Select":
                index, items = argument
                return self.resolve(items)[int(index)]
            if key == "Fn::GetAZs":
                return [f"{self.region}{zone}" for zone in "abcdef"]
            if key == "Fn::Cidr":
                return [f"<cidr-{index}>" for index in range(int(self.resolve(argument[1])))]
            if key == "Fn::If":
                return self.resolve(argument[1])
            if key == "Fn::Split":
                separator, text = argument
                return str(self.resolve(text)).split(separator)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, name: str) -> str:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self.get_att(logical, attribute)
        if name in self.raw.get("Resources", {}):
            return self.ref(name)
        return self.parameter(name)


def matrix_templates(results: dict[str, Any]) -> list[Template]:
    """Every synthesized template of the parameter matrix, resolved."""
    templates = []
    for case, result in sorted(results.items()):
        [path] = Path(result["outdir"]).glob("*.template.json")
        account = DEPLOYED_IN.get(case, ACCOUNT)
        raw = json.loads(path.read_text())
        templates.append(Template(case=case, module=VALID[case][0].name, raw=raw, account=account))
    return templates


def rehearsal_templates(rehearsal: Any) -> dict[str, Template]:
    """Every template a rehearsal synthesized (tests/conftest.py `default_rehearsal`, `serving_rehearsal`), by
    stack name without its project and deployment (`networking-vpc`), resolved with its account and region,
    with the parameters Seed-Farmer gave the module and the artifacts of the package the seeded group
    resolved to (rehearsal/account.yaml)."""
    from rehearsal.seed import load_seed

    templates = {}
    for group in rehearsal.groups:
        for module in group:
            region = module.environment["CDK_DEFAULT_REGION"]
            parameters = {
                variable.removeprefix("SEEDFARMER_PARAMETER_").lower().replace("_", "-"): _decoded(value)
                for variable, value in module.environment.items()
                if variable.startswith("SEEDFARMER_PARAMETER_")
            }
            seed = load_seed(ROOT / "rehearsal" / "account.yaml", rehearsal.account, region)
            approved = [
                package
                for package_group in seed.model_package_groups
                if package_group.name == parameters.get("model-package-group-name")
                for package in package_group.packages
                if package.approval == "Approved"
            ]
            artifacts = (
                ((approved[-1].image,), (approved[-1].model_data_url,) if approved[-1].model_data_url else ())
                if approved
                else ((), ())
            )
            prefix = (
                f"{module.environment['SEEDFARMER_PROJECT_NAME']}-{module.environment['SEEDFARMER_DEPLOYMENT_NAME']}-"
            )
            for stack in module.stacks:
                templates[stack.name.removeprefix(prefix)] = Template(
                    case=f"rehearsal-{stack.name}",
                    module=Path(module.path).name,
                    raw=stack.template,
                    account=rehearsal.account,
                    region=region,
                    parameters=parameters,
                    group_artifacts=artifacts,
                )
    return templates


def _decoded(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _modulestack(path: Path) -> dict[str, Any]:
    from cfnlint.decode import decode_str

    raw, errors = decode_str(path.read_text())
    assert not errors, errors
    decoded: dict[str, Any] = json.loads(json.dumps(raw))  # plain dicts and strings (cfn-lint's node types)
    return decoded


# A group of a registry in another account, which the endpoint follows by its ARN (the registry's metadata).
REGISTRY_GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/fraud-detector"


def endpoint_modulestack(
    case: str, *, account: str = ACCOUNT, group: str = "", package: str = "", names: dict[str, str] | None = None
) -> Template:
    """The endpoint's modulestack as Seed-Farmer deploys it in `account`, given `model-package-group-name` (a
    name, or a group's ARN) or `model-package-arn`: the resources whose conditions hold, with those values."""
    raw = _modulestack(MODULESTACK)
    values = {
        "ProjectName": "mlops",
        "DeploymentName": "demo",
        "ModuleName": "endpoint",
        **(names or {}),
        "ModelPackageGroupName": group,
        "ModelPackageArn": package,
    }
    values["RoleName"] = f"{values['ProjectName']}-{values['DeploymentName']}-{values['ModuleName']}-deployment-role"
    parameters = {name: {**spec, "Default": values[name]} for name, spec in raw["Parameters"].items()}
    by_arn = group.startswith("arn:")
    holds = {
        "FollowsGroupByName": bool(group) and not by_arn,
        "FollowsGroupByArn": by_arn,
        "ServesFixedPackage": bool(package),
    }
    resources = {
        logical: resource
        for logical, resource in raw["Resources"].items()
        if holds.get(resource.get("Condition", ""), True)
    }
    outputs = {
        name: output for name, output in raw.get("Outputs", {}).items() if holds.get(output.get("Condition", ""), True)
    }
    return Template(
        case=case,
        module="sagemaker-endpoint",
        raw={**raw, "Parameters": parameters, "Resources": resources, "Outputs": outputs},
        account=account,
    )


def modulestack_templates() -> list[Template]:
    """The deployment roles' extra permissions, as Seed-Farmer deploys them: the endpoint's following a
    group (with capitals in its name, which SageMaker's ARNs carry in lower case), following a group by its
    ARN and serving a fixed package, networking's, and the model package group's with and without existing
    resources."""
    defaults = {
        "ProjectName": "mlops",
        "DeploymentName": "demo",
        "ModuleName": "endpoint",
        "RoleName": "mlops-demo-endpoint-deployment-role",
    }
    # A package of this account's registry (a registry account's: tests/test_real_account_cross_account.py).
    fixed = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/3"
    templates = [
        # The group case has capitals in its project and deployment names too (SageMaker's ARNs have none).
        endpoint_modulestack(
            "modulestack-group", group="Demo-Fraud-Detector", names={"ProjectName": "MLOps", "DeploymentName": "Demo"}
        ),
        endpoint_modulestack("modulestack-group-arn", group=REGISTRY_GROUP_ARN),
        endpoint_modulestack("modulestack-fixed-package", package=fixed),
    ]
    raw = _modulestack(NETWORKING_MODULESTACK)
    values = {**defaults, "ModuleName": "vpc", "RoleName": "mlops-demo-vpc-deployment-role"}
    parameters = {name: {**spec, "Default": values[name]} for name, spec in raw["Parameters"].items()}
    templates.append(
        Template(case="modulestack-networking", module="networking", raw={**raw, "Parameters": parameters})
    )
    raw = _modulestack(MONITORING_MODULESTACK)
    values = {
        **defaults,
        "ModuleName": "model-monitoring-monitoring",
        "RoleName": "mlops-demo-monitoring-deployment-role",
        "ModelBucketArn": "arn:aws:s3:::mlops-artifacts",
    }
    parameters = {name: {**spec, "Default": values[name]} for name, spec in raw["Parameters"].items()}
    templates.append(
        Template(
            case="modulestack-monitoring", module="sagemaker-model-monitoring", raw={**raw, "Parameters": parameters}
        )
    )
    raw = _modulestack(STUDIO_MODULESTACK)
    values = {**defaults, "ModuleName": "studio", "RoleName": "mlops-demo-studio-deployment-role"}
    parameters = {name: {**spec, "Default": values[name]} for name, spec in raw["Parameters"].items()}
    templates.append(
        Template(case="modulestack-studio", module="sagemaker-studio", raw={**raw, "Parameters": parameters})
    )
    raw = _modulestack(REGISTRY_MODULESTACK)
    given = {
        "ModelArtifactsBucketArn": EXISTING_ARTIFACTS_BUCKET,
        "ModelArtifactsKmsKeyArn": EXISTING_ARTIFACTS_KEY,
        "EcrRepositoryArns": json.dumps([EXISTING_REPOSITORY]),  # as the manifest's JSON text
    }
    for case, existing in (("modulestack-registry", {}), ("modulestack-registry-existing", given)):
        values = {**defaults, "ModuleName": "registry-group", "RoleName": "mlops-demo-registry-deployment-role"}
        values |= {name: existing.get(name, "") for name in given}
        parameters = {name: {**spec, "Default": values[name]} for name, spec in raw["Parameters"].items()}
        conditions = {"GivesBucket": "ModelArtifactsBucketArn", "GivesKey": "ModelArtifactsKmsKeyArn"}
        conditions |= {"GivesRepositories": "EcrRepositoryArns"}
        resources = {
            logical: resource
            for logical, resource in raw["Resources"].items()
            if "Condition" not in resource or values[conditions[resource["Condition"]]]
        }
        templates.append(
            Template(
                case=case,
                module="sagemaker-model-package-group",
                raw={**raw, "Parameters": parameters, "Resources": resources},
            )
        )
    return templates
