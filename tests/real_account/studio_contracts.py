"""The Studio module's service contracts: what each of the domain's roles calls in a data scientist's day,
what the stack's lifecycle function and the MLflow tracking server call, each with the call just outside.

Domain resource isolation, end to end: a role of the domain may describe and invoke an endpoint tagged
`sagemaker:domain-arn` with its domain's ARN (the interface the endpoint module meets with its
`sagemaker-domain-arn` parameter), and is denied an endpoint of another domain or of none. With
`enable_domain_resource_isolation: False` the roles reach every endpoint of the account and region, and
nothing elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.matrix import VALID
from tests.real_account.calls import studio_deployed_read_actions, studio_lifecycle_actions
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import OTHER_ACCOUNT, Contract, Request, changed, first_of, key_of, role_arn_of

DOMAIN_TAG = "aws:ResourceTag/sagemaker:domain-arn"
PERSONAS = {
    "DataScientistRole": "Studio data scientist role",
    "LeadDataScientistRole": "Studio lead data scientist role",
    "ExecutionRole": "Studio shared spaces' role",
}


def studio(template: Template) -> Iterator[Contract]:
    """Every contract of a Studio template."""
    if first_of(template, "AWS::SageMaker::Domain") is None:
        return
    for prefix, who in PERSONAS.items():
        role = first_of(template, "AWS::IAM::Role", prefix)
        if role is not None:
            yield from persona(template, who, role_arn_of(template, role))
    yield from lifecycle_function(template)
    yield from tracking_server(template)


def _domain(template: Template) -> tuple[str, str]:
    domain = first_of(template, "AWS::SageMaker::Domain") or ""
    return template.domain_id(domain), template.arn(domain)


def persona(template: Template, who: str, arn: str) -> Iterator[Contract]:
    yield from domain_endpoints(template, who, arn)
    yield from studio_itself(template, who, arn)
    yield from daily_work(template, who, arn)


def domain_endpoints(template: Template, who: str, arn: str) -> Iterator[Contract]:
    """Describe and invoke the domain's endpoints, and no other endpoint."""
    domain_id, domain_arn = _domain(template)
    endpoint = f"arn:aws:sagemaker:{template.region}:{template.account}:endpoint/fraud-detector"
    other_domain = domain_arn.replace(domain_id, "d-0therd0main0")
    isolated = _isolated(template)
    for action in ("sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"):
        if isolated:
            call = Request(arn, action, endpoint, {DOMAIN_TAG: domain_arn})
            yield Contract(
                who,
                f"{action} on an endpoint of its domain, not another domain's",
                call,
                changed(call, context={DOMAIN_TAG: other_domain}),
            )
            yield Contract(
                who,
                f"{action} on an endpoint of its domain, not one of no domain",
                call,
                Request(arn, action, endpoint),
            )
        else:
            call = Request(arn, action, endpoint)
            yield Contract(
                who,
                f"{action} on any endpoint of the account (isolation off), none elsewhere",
                call,
                changed(call, resource=endpoint.replace(f":{template.region}:", ":eu-central-2:")),
            )


def _isolated(template: Template) -> bool:
    """Whether the manifest asks for domain resource isolation (the default): read from the parameters the
    template was synthesized from, never from its policies, so a policy that lost its condition fails."""
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    given = {name.replace("-", "_"): value for name, value in parameters.items()}
    return str(given.get("enable_domain_resource_isolation", True)).lower() != "false"


def studio_itself(template: Template, who: str, arn: str) -> Iterator[Contract]:
    """Open Studio for one's own profile, and work in one's own spaces: not another user's."""
    domain_id, _ = _domain(template)
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    mine = {"aws:SourceIdentity": "alice"}
    call = Request(arn, "sagemaker:CreatePresignedDomainUrl", f"{sagemaker}:user-profile/{domain_id}/alice", mine)
    yield Contract(
        who,
        "sagemaker:CreatePresignedDomainUrl for its own user profile (the session's source identity)",
        call,
        changed(call, resource=f"{sagemaker}:user-profile/{domain_id}/bob"),
    )
    owner = {**mine, "sagemaker:OwnerUserProfileArn": f"{sagemaker}:user-profile/{domain_id}/alice"}
    app = Request(arn, "sagemaker:CreateApp", f"{sagemaker}:app/{domain_id}/alice-lab/jupyterlab/default", owner)
    yield Contract(
        who,
        "sagemaker:CreateApp in a private space it owns, not in another user's",
        app,
        changed(app, context={"sagemaker:OwnerUserProfileArn": f"{sagemaker}:user-profile/{domain_id}/bob"}),
    )


def daily_work(template: Template, who: str, arn: str) -> Iterator[Contract]:
    """Train, read the studio bucket, pass its own role, register models (a lead approves them)."""
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    job = Request(arn, "sagemaker:CreateTrainingJob", f"{sagemaker}:training-job/churn-2024-01-01")
    yield Contract(
        who,
        "sagemaker:CreateTrainingJob in this account and region",
        job,
        changed(job, resource=job.resource.replace(f":{template.region}:", ":eu-central-2:")),
    )
    passed = Request(arn, "iam:PassRole", arn, {"iam:PassedToService": "sagemaker.amazonaws.com"})
    other_role = f"arn:aws:iam::{template.account}:role/mlops-admin"
    yield Contract(
        who,
        "iam:PassRole of its own role to SageMaker (a job runs as it), no other role",
        passed,
        changed(passed, resource=other_role),
    )
    bucket = first_of(template, "AWS::S3::Bucket", "StudioBucket")
    if bucket is not None:
        read = Request(
            arn, "s3:GetObject", f"{template.arn(bucket)}/features/train.csv", {"s3:ResourceAccount": template.account}
        )
        yield Contract(
            who,
            "s3:GetObject from the studio bucket",
            read,
            changed(read, resource="arn:aws:s3:::other-team-data/features/train.csv"),
        )
        key = key_of(template)
        if key is not None:
            decrypt = Request(
                arn, "kms:Decrypt", template.arn(key), {"kms:ViaService": f"s3.{template.region}.amazonaws.com"}
            )
            yield Contract(who, "kms:Decrypt with the module key (reading the studio bucket)", decrypt)
    yield from registry(template, who, arn)


def registry(template: Template, who: str, arn: str) -> Iterator[Contract]:
    """A data scientist registers models awaiting approval; a lead approves the domain's packages."""
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    _, domain_arn = _domain(template)
    package = f"{sagemaker}:model-package/churn/3"
    if "LeadDataScientist" not in arn:
        register = Request(
            arn, "sagemaker:CreateModelPackage", package, {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
        )
        yield Contract(
            who,
            "sagemaker:CreateModelPackage awaiting approval, not approved by itself",
            register,
            changed(register, context={"sagemaker:ModelApprovalStatus": "Approved"}),
        )
        return
    approved = {"sagemaker:ModelApprovalStatus": "Approved"}
    tagged = {**approved, DOMAIN_TAG: domain_arn} if _isolated(template) else approved
    approve = Request(arn, "sagemaker:UpdateModelPackage", package, tagged)
    scientist = first_of(template, "AWS::IAM::Role", "DataScientistRole")
    if scientist is not None:
        yield Contract(
            who,
            "sagemaker:UpdateModelPackage to approve a package, which a data scientist may not",
            approve,
            changed(approve, principal=role_arn_of(template, scientist)),
        )
    if _isolated(template):
        yield Contract(
            who,
            "sagemaker:UpdateModelPackage to approve a package of its domain, not one of no domain",
            approve,
            Request(arn, approve.action, package, approved),
        )


# What the lifecycle function's calls act on (functions/studio_lifecycle; the calls are read from the code),
# and the custom resource without which the function never makes them.
LIFECYCLE_ONLY_WITH = {
    "sagemaker:DeleteDomain": "Custom::StudioDomainRemoval",
    "sagemaker:DescribeDomain": "Custom::StudioDomainRemoval",
    "cloudformation:DescribeStacks": "Custom::StudioDomainRemoval",
    "ec2:DescribeSecurityGroups": "Custom::StudioDomainRemoval",
    "ec2:RevokeSecurityGroupIngress": "Custom::StudioDomainRemoval",
    "ec2:RevokeSecurityGroupEgress": "Custom::StudioDomainRemoval",
    "ec2:DeleteSecurityGroup": "Custom::StudioDomainRemoval",
    "sagemaker:EnableSagemakerServicecatalogPortfolio": "Custom::SageMakerProjects",
    "servicecatalog:ListAcceptedPortfolioShares": "Custom::SageMakerProjects",
    "servicecatalog:AssociatePrincipalWithPortfolio": "Custom::SageMakerProjects",
    "servicecatalog:DisassociatePrincipalFromPortfolio": "Custom::SageMakerProjects",
}


def lifecycle_function(template: Template) -> Iterator[Contract]:
    """Every call of the lifecycle function, on this domain (its apps and spaces, the domain itself, SageMaker's
    NFS groups in its VPC, SageMaker's portfolio) and nothing of another domain, VPC or account."""
    role = first_of(template, "AWS::IAM::Role", "StudioLifecycleRole")
    if role is None:
        return
    arn, (domain_id, domain_arn) = role_arn_of(template, role), _domain(template)
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    ec2 = f"arn:aws:ec2:{template.region}:{template.account}"
    vpc = f"{ec2}:vpc/{template.parameters.get('vpc_id', template.parameters.get('vpc-id', 'vpc-0123456789abcdef0'))}"
    other = "d-0therd0main0"
    portfolio = f"arn:aws:catalog:{template.region}:{template.account}:portfolio/port-sagemaker"
    stack = template.parameter("AWS::StackId")
    calls: dict[str, tuple[str, dict[str, str], Request | None]] = {
        "sagemaker:ListApps": ("*", {}, None),
        "sagemaker:ListSpaces": ("*", {}, None),
        "sagemaker:DeleteApp": (f"{sagemaker}:app/{domain_id}/alice-lab/jupyterlab/default", {}, None),
        "sagemaker:DeleteSpace": (f"{sagemaker}:space/{domain_id}/alice-scratch", {}, None),
        "sagemaker:DescribeDomain": (domain_arn, {}, None),
        "sagemaker:DeleteDomain": (domain_arn, {}, None),
        "cloudformation:DescribeStacks": (stack, {}, None),
        "ec2:DescribeSecurityGroups": ("*", {}, None),
        "sagemaker:EnableSagemakerServicecatalogPortfolio": ("*", {}, None),
        "servicecatalog:ListAcceptedPortfolioShares": ("*", {}, None),
    }
    for action in ("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup"):
        call = Request(arn, action, f"{ec2}:security-group/sg-0nfs", {"ec2:Vpc": vpc})
        calls[action] = (call.resource, call.context, changed(call, context={"ec2:Vpc": f"{ec2}:vpc/vpc-0ther"}))
    for action in (
        "servicecatalog:AssociatePrincipalWithPortfolio",
        "servicecatalog:DisassociatePrincipalFromPortfolio",
    ):
        calls[action] = (portfolio, {}, Request(arn, action, portfolio.replace(template.account, OTHER_ACCOUNT)))
    for action in sorted(studio_lifecycle_actions()):
        needs = LIFECYCLE_ONLY_WITH.get(action)
        if needs is not None and first_of(template, needs) is None:
            continue
        resource, context, outside = calls[action]
        call = Request(arn, action, resource, context)
        if outside is None and resource != "*":
            outside = changed(call, resource=resource.replace(domain_id, other).replace("/mlops-matrix-", "/another-"))
        yield Contract("Studio lifecycle function", f"{action} (clearing the domain for CloudFormation)", call, outside)


def deployed_domain_read(template: Template) -> Iterator[Contract]:
    """The deployment role reads the deployed domain before each deploy (deployed.py), with the modulestack."""
    if template.case != "modulestack-studio":
        return
    role = f"arn:aws:iam::{template.account}:role/{template.parameter('RoleName')}"
    domain = f"arn:aws:sagemaker:{template.region}:{template.account}:domain/d-0123456789ab"
    for action in sorted(studio_deployed_read_actions() - {"cloudformation:ListStackResources"}):
        call = Request(role, action, domain)
        yield Contract(
            "deployment role",
            f"{action} (the deployed domain, before each deploy)",
            call,
            changed(call, resource=domain.replace(f":{template.region}:", ":eu-central-2:")),
        )


def tracking_server(template: Template) -> Iterator[Contract]:
    role = first_of(template, "AWS::IAM::Role", "MlflowTrackingServerRole")
    server = first_of(template, "AWS::SageMaker::MlflowTrackingServer")
    if role is None or server is None:
        return
    store = str(template.resources[server]["Properties"]["ArtifactStoreUri"]).removeprefix("s3://")
    bucket, _, prefix = store.partition("/")
    write = Request(role_arn_of(template, role), "s3:PutObject", f"arn:aws:s3:::{bucket}/{prefix}1/artifacts/model.pkl")
    yield Contract(
        "MLflow tracking server",
        "s3:PutObject of an artifact under its artifact store prefix",
        write,
        changed(write, resource=f"arn:aws:s3:::{bucket}/elsewhere/model.pkl"),
    )
    for prefix_, who in PERSONAS.items():
        persona_role = first_of(template, "AWS::IAM::Role", prefix_)
        if persona_role is None:
            continue
        log = Request(role_arn_of(template, persona_role), "sagemaker-mlflow:LogMetric", template.arn(server))
        yield Contract(
            who,
            "sagemaker-mlflow:LogMetric on the module's tracking server",
            log,
            changed(log, resource=template.arn(server).rsplit("/", 1)[0] + "/another-server"),
        )
