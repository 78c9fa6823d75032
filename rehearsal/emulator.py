"""The emulated AWS accounts: moto's server on a free loopback port, for the length of one rehearsal.

Every AWS call of the rehearsal, and of each module it synthesizes (boto3 lookups at synth time),
goes to this server through AWS_ENDPOINT_URL; nothing reaches AWS. moto keeps resources per account and
answers each request in the account of its credentials: the rehearsal calls into each account with the
credentials of a role of that account (`sts:AssumeRole`, as Seed-Farmer's toolchain role reaches each
target account through its deployment role), never with an account pinned for the whole server, so one
server holds every account of a deployment and a call lands in the account whose credentials made it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import boto3

from rehearsal import moto_fixes, quotas

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "rehearsal", "AWS_SECRET_ACCESS_KEY": "rehearsal"}
# Variables that could make an AWS SDK reach a real account (profiles, SSO, credential processes).
_REAL_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@dataclass
class ResourceOutcome:
    """What the emulator did with one resource of a stack."""

    logical_id: str
    resource_type: str
    status: str  # "created", "not emulated" or "failed"
    reason: str = ""


@dataclass
class ResourceLog:
    """Per stack, what happened to each resource: moto reports no per-resource events of its own."""

    outcomes: dict[str, list[ResourceOutcome]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, stack_id: str, outcome: ResourceOutcome) -> None:
        with self._lock:
            self.outcomes.setdefault(stack_id, []).append(outcome)

    def of(self, stack_id: str) -> list[ResourceOutcome]:
        """One outcome per resource (the last, as moto may revisit a resource), in creation order."""
        with self._lock:
            latest = {outcome.logical_id: outcome for outcome in self.outcomes.get(stack_id, [])}
            return list(latest.values())


class Emulator:
    """One emulated account of the running server: its endpoint, account and region, and clients that call
    into it with credentials of the account's own (`credentials`, from `EmulatorServer.account`)."""

    def __init__(
        self, url: str, account: str, region: str, log: ResourceLog, credentials: dict[str, str] | None = None
    ) -> None:
        self.url = url
        self.account = account
        self.region = region
        self.log = log
        # Plain fake keys land in moto's default account; an account's own come from a role assumed in it.
        self.credentials = credentials or dict(FAKE_CREDENTIALS)

    def client(self, service: str, region: str | None = None) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.url,
            region_name=region or self.region,
            aws_access_key_id=self.credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.credentials["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=self.credentials.get("AWS_SESSION_TOKEN"),
        )

    def environment(self, region: str) -> dict[str, str]:
        """What a process needs so that every AWS SDK call it makes lands here, in this account."""
        return {
            **self.credentials,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            # No profile, SSO or credential process of the person running the rehearsal is read.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    @staticmethod
    def clean(environ: dict[str, str]) -> dict[str, str]:
        """`environ` without the variables that could point an SDK at a real account."""
        return {key: value for key, value in environ.items() if key not in _REAL_AWS_VARIABLES}


# The role every call of the rehearsal is made as, in each account (moto does not require it to exist).
SESSION_ROLE = "rehearsal"


class EmulatorServer:
    """moto's server, holding every account of a deployment: `account(id)` is one account of it."""

    def __init__(self, url: str, region: str, log: ResourceLog) -> None:
        self.url = url
        self.region = region
        self.log = log
        self._accounts: dict[str, Emulator] = {}
        self._lock = threading.Lock()

    def account(self, account: str, region: str | None = None) -> Emulator:
        """The emulated account `account`, its clients calling with credentials of a role assumed in it."""
        with self._lock:
            if account not in self._accounts:
                self._accounts[account] = Emulator(self.url, account, self.region, self.log, self._assume(account))
            emulator = self._accounts[account]
        if region is None or region == emulator.region:
            return emulator
        return Emulator(self.url, account, region, self.log, emulator.credentials)

    def _assume(self, account: str) -> dict[str, str]:
        sts = Emulator(self.url, "", self.region, self.log).client("sts")
        role = f"arn:aws:iam::{account}:role/{SESSION_ROLE}"
        credentials = sts.assume_role(RoleArn=role, RoleSessionName=SESSION_ROLE)["Credentials"]
        return {
            "AWS_ACCESS_KEY_ID": str(credentials["AccessKeyId"]),
            "AWS_SECRET_ACCESS_KEY": str(credentials["SecretAccessKey"]),
            "AWS_SESSION_TOKEN": str(credentials["SessionToken"]),
        }


@contextlib.contextmanager
def emulator_server(region: str) -> Iterator[EmulatorServer]:
    """Start moto's server on 127.0.0.1 (a free port), yield it, and always stop it."""
    for name in ("werkzeug", "moto", "botocore.credentials", "docker"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="moto")
    from moto import settings
    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    moto_fixes.apply()
    quotas.install()  # SageMaker's instance quotas, from the seed file (rehearsal/quotas.py)
    quotas.reset()
    # Lambda functions (custom resource handlers) are not run: there is no container runtime here.
    default_user_config["lambda"]["use_docker"] = False
    log = ResourceLog()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    # moto answers in MOTO_ACCOUNT_ID's account whatever the credentials: the server must not have one.
    pinned = os.environ.pop("MOTO_ACCOUNT_ID", None)
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        with (
            # Custom resources are told to answer this server (moto would guess a container host instead).
            mock.patch.object(settings, "moto_server_host", return_value=f"http://{host}"),
            mock.patch.object(settings, "moto_server_port", return_value=str(port)),
            _recording(log),
        ):
            _reset(url)  # fresh accounts, whatever ran in this process before
            yield EmulatorServer(url, region, log)
    finally:
        server.stop()
        if pinned is not None:
            os.environ["MOTO_ACCOUNT_ID"] = pinned


@contextlib.contextmanager
def emulated_account(account: str, region: str) -> Iterator[Emulator]:
    """One emulated account on a server of its own, for the length of the block."""
    with emulator_server(region) as server:
        yield server.account(account)


def _reset(url: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310
        pass


@contextlib.contextmanager
def _recording(log: ResourceLog) -> Iterator[None]:
    """Record the outcome of every resource moto's CloudFormation creates, skips or fails."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_create_resource

    def create(logical_id: str, resource_json: dict[str, Any], resources_map: Any, *args: Any, **kwargs: Any) -> Any:
        kind = resource_json.get("Type", "")
        try:
            resource = original(logical_id, resource_json, resources_map, *args, **kwargs)
        except Exception as error:
            if not getattr(error, "_rehearsal_recorded", False):
                error._rehearsal_recorded = True  # type: ignore[attr-defined]
                reason = getattr(error, "message", None) or str(error) or type(error).__name__
                log.record(resources_map.stack_id, ResourceOutcome(logical_id, kind, "failed", reason))
            raise
        if resource is not None:
            log.record(resources_map.stack_id, ResourceOutcome(logical_id, kind, "created"))
        elif not resource_json.get("Condition"):
            log.record(
                resources_map.stack_id,
                ResourceOutcome(logical_id, kind, "not emulated", "the emulator has no support for this type"),
            )
        return resource

    with mock.patch.object(parsing, "parse_and_create_resource", create):
        yield


def adapt_for_emulator(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`template` as the emulator creates it (unchanged), and a note for each resource it creates only
    thanks to a fix of the emulator's own (rehearsal/moto_fixes/): the template deployed is the original.
    """
    return template, moto_fixes.notes_for(template)
