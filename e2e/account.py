"""What the emulated account holds, read through the AWS APIs as a person would check a real account."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3

Inventory = dict[str, set[str]]


class Account:
    """Clients bound to the emulator, for one account (the one its credentials are of) and region."""

    def __init__(self, url: str, region: str, credentials: dict[str, str] | None = None) -> None:
        self.url = url
        self.region = region
        given = credentials or {"AWS_ACCESS_KEY_ID": "e2e", "AWS_SECRET_ACCESS_KEY": "e2e"}
        self.credentials = {
            "aws_access_key_id": given["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": given["AWS_SECRET_ACCESS_KEY"],
            "aws_session_token": given.get("AWS_SESSION_TOKEN"),
        }

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name=self.region, **self.credentials)  # type: ignore[call-overload]


def inventory(account: Account) -> Inventory:
    """Every resource of the kinds our modules, Seed-Farmer and the CDK create, by kind, as identifiers."""
    ec2 = account.client("ec2")
    default = [{"Name": "is-default", "Values": ["true"]}]
    default_vpcs = {vpc["VpcId"] for vpc in ec2.describe_vpcs(Filters=default)["Vpcs"]}

    def in_our_vpcs(items: list[dict[str, Any]], key: str) -> set[str]:
        return {item[key] for item in items if item.get("VpcId") not in default_vpcs}

    listers: dict[str, Callable[[], set[str]]] = {
        "CloudFormation stack": lambda: {
            stack["StackName"]
            for stack in account.client("cloudformation").describe_stacks()["Stacks"]
            if stack["StackStatus"] != "DELETE_COMPLETE"
        },
        "S3 bucket": lambda: {bucket["Name"] for bucket in account.client("s3").list_buckets()["Buckets"]},
        "IAM role": lambda: {role["RoleName"] for role in account.client("iam").list_roles()["Roles"]},
        "IAM managed policy": lambda: {
            policy["PolicyName"] for policy in account.client("iam").list_policies(Scope="Local")["Policies"]
        },
        "VPC": lambda: in_our_vpcs(ec2.describe_vpcs()["Vpcs"], "VpcId"),
        "subnet": lambda: in_our_vpcs(ec2.describe_subnets()["Subnets"], "SubnetId"),
        "route table": lambda: in_our_vpcs(ec2.describe_route_tables()["RouteTables"], "RouteTableId"),
        "security group": lambda: in_our_vpcs(ec2.describe_security_groups()["SecurityGroups"], "GroupId"),
        "NAT gateway": lambda: {
            gateway["NatGatewayId"]
            for gateway in ec2.describe_nat_gateways()["NatGateways"]
            if gateway["State"] not in ("deleting", "deleted")
        },
        "VPC endpoint": lambda: {
            endpoint["VpcEndpointId"]
            for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if endpoint["State"].lower() not in ("deleting", "deleted")
        },
        "flow log": lambda: {log["FlowLogId"] for log in ec2.describe_flow_logs()["FlowLogs"]},
        "internet gateway": lambda: {
            gateway["InternetGatewayId"]
            for gateway in ec2.describe_internet_gateways()["InternetGateways"]
            if not {attachment["VpcId"] for attachment in gateway.get("Attachments", [])} & default_vpcs
        },
        "elastic IP": lambda: {address["AllocationId"] for address in ec2.describe_addresses()["Addresses"]},
        "SageMaker model": lambda: {
            model["ModelName"] for model in account.client("sagemaker").list_models()["Models"]
        },
        "SageMaker endpoint configuration": lambda: {
            config["EndpointConfigName"]
            for config in account.client("sagemaker").list_endpoint_configs()["EndpointConfigs"]
        },
        "SageMaker endpoint": lambda: {
            endpoint["EndpointName"] for endpoint in account.client("sagemaker").list_endpoints()["Endpoints"]
        },
        "Lambda function": lambda: {
            function["FunctionName"] for function in account.client("lambda").list_functions()["Functions"]
        },
        "KMS key (enabled)": lambda: {
            key["KeyId"] for key in account.client("kms").list_keys()["Keys"] if _enabled(account, key["KeyId"])
        },
        "SQS queue": lambda: set(account.client("sqs").list_queues().get("QueueUrls", [])),
        "SNS topic": lambda: {topic["TopicArn"] for topic in account.client("sns").list_topics()["Topics"]},
        "EventBridge rule": lambda: {rule["Name"] for rule in account.client("events").list_rules()["Rules"]},
        "log group": lambda: {
            group["logGroupName"] for group in account.client("logs").describe_log_groups()["logGroups"]
        },
        "SSM parameter": lambda: {
            parameter["Name"] for parameter in account.client("ssm").describe_parameters(MaxResults=50)["Parameters"]
        },
        **_registry_and_alarms(account),
    }
    return {kind: lister() for kind, lister in listers.items()}


def _registry_and_alarms(account: Account) -> dict[str, Callable[[], set[str]]]:
    """The kinds the registry and the endpoints create besides: the group, key aliases, alarms, and the
    statements an endpoint adds to its account's default event bus policy (by statement id)."""

    def bus_statements() -> set[str]:
        policy = account.client("events").describe_event_bus(Name="default").get("Policy")
        return {str(statement.get("Sid", "")) for statement in json.loads(policy)["Statement"]} if policy else set()

    return {
        "SageMaker model package group": lambda: {
            group["ModelPackageGroupName"]
            for group in account.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
        },
        "KMS alias": lambda: {
            alias["AliasName"]
            for alias in account.client("kms").list_aliases()["Aliases"]
            if not alias["AliasName"].startswith("alias/aws/")
        },
        "CloudWatch alarm": lambda: {
            alarm["AlarmName"] for alarm in account.client("cloudwatch").describe_alarms()["MetricAlarms"]
        },
        "EventBridge bus policy statement": bus_statements,
    }


def added(before: Inventory, after: Inventory) -> Inventory:
    """What `after` holds that `before` did not, by kind (kinds with nothing added are left out)."""
    return {kind: found - before.get(kind, set()) for kind, found in after.items() if found - before.get(kind, set())}


def stack_resources(account: Account, stack: str) -> set[str]:
    """The physical ids of a stack's resources."""
    summaries = account.client("cloudformation").list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {summary.get("PhysicalResourceId", "") for summary in summaries} - {""}


def _enabled(account: Account, key_id: str) -> bool:
    """Whether a listed key is enabled; moto still lists a key its stack deleted, then fails to describe it."""
    from botocore.exceptions import ClientError

    try:
        return bool(account.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled")
    except ClientError:
        return False
