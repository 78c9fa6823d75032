"""What each kind of value must look like: ARNs, image URIs, S3 URLs, instance types, domains, tag values.

Each check returns the value, or raises ValueError saying what was wrong and what is accepted. The plan takes
a checked value apart once (locations.py), so the constructs never parse one.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel

ECR_IMAGE = (
    r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/"
    r"[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127}|@sha256:[a-f0-9]{64})?$"
)
S3_URL = r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S+$"


class Arn(BaseModel):
    """The parts of an ARN that say which service and which kind of resource it names."""

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource: str

    @classmethod
    def parse(cls, value: str) -> Arn:
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
            raise ValueError("not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)")
        resource_type, _, resource = parts[5].partition("/")
        return cls(
            partition=parts[1],
            service=parts[2],
            region=parts[3],
            account=parts[4],
            resource_type=resource_type,
            resource=resource,
        )


def check_arn(value: str, *, service: str, resource_type: str, example: str, resource_pattern: str) -> str:
    """`value` if it is an ARN of `service` naming a `resource_type`; otherwise a ValueError saying why."""
    accepted = f"expected {example}"
    try:
        arn = Arn.parse(value)
    except ValueError as error:
        raise ValueError(f"{error}; {accepted}") from None
    if arn.service != service:
        raise ValueError(f"is an ARN of service '{arn.service}', not '{service}'; {accepted}")
    if service in {"s3", "sns"}:
        # Bucket and topic ARNs have no "type/" part: the last field is the name itself.
        name = arn.resource_type
        if arn.resource or (service == "s3" and (arn.region or arn.account)):
            raise ValueError(f"names an object or a qualified {resource_type}, not a {resource_type}; {accepted}")
    else:
        kind = arn.resource_type if arn.resource else "(none)"
        if kind != resource_type:
            raise ValueError(f"names a '{kind}', not a '{resource_type}'; {accepted}")
        name = arn.resource
    if service != "s3" and not re.fullmatch(r"\d{12}", arn.account):
        raise ValueError(f"has no 12-digit account id; {accepted}")
    if not re.fullmatch(resource_pattern, name):
        raise ValueError(f"'{name}' is not a valid {resource_type} name; {accepted}")
    return value


class ArnKind(NamedTuple):
    service: str
    resource_type: str
    example: str
    name_pattern: str


# Every kind of ARN a parameter takes: the service, the resource type, an example, a valid name.
ARN_KINDS = {
    "model-package": ArnKind(
        "sagemaker",
        "model-package",
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3",
        r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}(/\d+)?",
    ),
    "role": ArnKind("iam", "role", "arn:aws:iam::123456789012:role/MySageMakerRole", r"[\w+=,.@/-]{1,512}"),
    "bucket": ArnKind("s3", "bucket", "arn:aws:s3:::my-model-artifacts", r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
    "repository": ArnKind(
        "ecr",
        "repository",
        "arn:aws:ecr:us-east-1:123456789012:repository/my-model",
        r"[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*",
    ),
    "model-package-group": ArnKind(
        "sagemaker",
        "model-package-group",
        "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud-detector",
        r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    ),
    "key": ArnKind(
        "kms",
        "key",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        r"(mrk-)?[a-zA-Z0-9-]{1,128}",
    ),
    "topic": ArnKind("sns", "topic", "arn:aws:sns:us-east-1:123456789012:ml-alarms", r"[\w-]{1,256}(\.fifo)?"),
}


def check_arn_of(kind: str, value: str) -> str:
    """`value` if it is an ARN of that kind (see ARN_KINDS); otherwise a ValueError saying why."""
    arn = ARN_KINDS[kind]
    return check_arn(
        value,
        service=arn.service,
        resource_type=arn.resource_type,
        example=arn.example,
        resource_pattern=arn.name_pattern,
    )


GROUP_NAME = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"


def check_group_name_or_arn(value: str) -> str:
    """A model package group's name, or its ARN (SageMaker takes a group of another account by ARN only). An
    ARN is written in lower case, as SageMaker writes it: the deployment role's grant names it as given."""
    if not value.startswith("arn:"):
        if not re.fullmatch(GROUP_NAME, value):
            raise ValueError(
                "is not a model package group name (1 to 63 letters, digits and inner hyphens) or a group's ARN, "
                f"such as fraud-detector or {ARN_KINDS['model-package-group'].example}"
            )
        return value
    check_arn_of("model-package-group", value)
    if value != value.lower():
        raise ValueError(
            f"write the ARN in lower case, as SageMaker writes it (the deployment role's grant names it as given): "
            f"{value.lower()}"
        )
    if not Arn.parse(value).region:
        raise ValueError(f"names no region; expected {ARN_KINDS['model-package-group'].example}")
    return value


def check_image_uri(value: str) -> str:
    if not re.fullmatch(ECR_IMAGE, value):
        raise ValueError(
            "not an Amazon ECR image URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0 "
            "(SageMaker pulls model images from ECR)"
        )
    return value


# The API shape SageMaker checks a production variant's instance type against (CreateEndpointConfig).
HOSTING_INSTANCE_TYPES = "ProductionVariantInstanceType"


@functools.cache
def api_shape(shape: str) -> dict[str, Any]:
    """A shape of SageMaker's API model, from the botocore this module pins (requirements.txt): the same
    enum or pattern SageMaker checks a request against. Read only when a value is checked."""
    from botocore.loaders import create_loader

    found: dict[str, Any] = create_loader().load_service_model("sagemaker", "service-2")["shapes"][shape]
    return found


def instance_types(shape: str = HOSTING_INSTANCE_TYPES) -> tuple[str, ...]:
    """The instance types SageMaker's API model lists for `shape`."""
    return tuple(api_shape(shape)["enum"])


def check_instance_type(value: str, shape: str = HOSTING_INSTANCE_TYPES) -> str:
    """`value` if SageMaker's API accepts it for `shape`; otherwise a ValueError naming the nearest type."""
    known = instance_types(shape)
    if value in known:
        return value
    from importlib import metadata

    source = f"{shape} in botocore {metadata.version('botocore')}, the SDK this module pins"
    nearest = difflib.get_close_matches(value, known, n=1, cutoff=0.8)
    if nearest:
        raise ValueError(f"is not an instance type SageMaker endpoints run on ({source}); did you mean {nearest[0]}?")
    raise ValueError(f"is not an instance type SageMaker endpoints run on ({source}; a newer type needs a newer pin)")


DOMAIN_ARN_EXAMPLE = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl"


def _domain_id_shape() -> tuple[str, int]:
    """SageMaker's DomainId: its pattern and longest length, as the API model gives them."""
    shape = api_shape("DomainId")
    return str(shape["pattern"]), int(shape["max"])


def check_domain_id(value: str) -> str:
    """`value` if SageMaker's API takes it as a domain id (DomainId); otherwise a ValueError saying why."""
    pattern, longest = _domain_id_shape()
    if len(value) > longest or not re.fullmatch(pattern, value):
        raise ValueError(
            f"is not a SageMaker domain id (d- and up to {longest - 2} lower-case letters, digits and inner "
            "hyphens, as SageMaker's DomainId), such as d-abcdefghijkl"
        )
    return value


def check_domain_arn(value: str) -> str:
    """`value` if it is the ARN of a SageMaker domain (its id a DomainId); otherwise a ValueError saying why."""
    pattern, longest = _domain_id_shape()
    checked = check_arn(
        value,
        service="sagemaker",
        resource_type="domain",
        example=DOMAIN_ARN_EXAMPLE,
        resource_pattern=f"(?=.{{1,{longest}}}$){pattern}",
    )
    if not Arn.parse(value).region:
        raise ValueError(f"names no region; expected {DOMAIN_ARN_EXAMPLE}")
    return checked


def check_s3_url(value: str) -> str:
    if not re.fullmatch(S3_URL, value):
        raise ValueError("not an S3 URL such as s3://my-bucket/models/model.tar.gz")
    return value


# What AWS accepts as a tag value: up to 256 Unicode letters, digits and spaces, and these symbols.
TAG_VALUE_SYMBOLS = "_.:/=+-@"


def check_tag_value(value: str) -> str:
    """`value` if AWS accepts it as a tag value; otherwise a ValueError saying why."""
    if len(value) > 256:
        raise ValueError("is longer than the 256 characters an AWS tag value may have")
    refused = sorted({ch for ch in value if unicodedata.category(ch)[0] not in "LNZ" and ch not in TAG_VALUE_SYMBOLS})
    if refused:
        raise ValueError(
            f"contains {''.join(refused)!r}, which AWS tag values do not allow "
            f"(letters, digits, spaces and {' '.join(TAG_VALUE_SYMBOLS)} only)"
        )
    return value


def tag_only(parameter: str, looks_like: str, what: str) -> Callable[[str], str]:
    """A check for a parameter that only becomes a tag: any AWS tag value is accepted, and a value that
    does not look like `what` (the regular expression `looks_like`) is mentioned on stderr, never refused."""

    def check(value: str) -> str:
        check_tag_value(value)
        if not re.fullmatch(looks_like, value):
            print(
                f"sagemaker-endpoint: note: parameter '{parameter}' is {value!r}, which does not look like {what}; "
                "it only becomes a tag value, so it is used as given",
                file=sys.stderr,
            )
        return value

    return check
