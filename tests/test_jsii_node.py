"""rehearsal/jsii_node.py: the V8 flags of the rehearsal's and the tests' syntheses change their cost, not their output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rehearsal import jsii_node

# A stack whose template the CDK validates on synthesis (its WebAssembly validator is what the flags compile).
APP = """
import sys
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3, aws_sqs as sqs
app = cdk.App(outdir=sys.argv[1])
stack = cdk.Stack(app, "flags", env=cdk.Environment(account="123456789012", region="us-east-1"))
bucket = s3.Bucket(stack, "Bucket", versioned=True, enforce_ssl=True)
queue = sqs.Queue(stack, "Queue", enforce_ssl=True)
cdk.CfnOutput(stack, "names", value=cdk.Fn.join(",", [bucket.bucket_name, queue.queue_name]))
app.synth()
"""


def synthesized(outdir: Path, node: str | None) -> bytes:
    env = {key: value for key, value in os.environ.items() if key not in ("JSII_NODE", "CDK_VALIDATION")}
    if node:
        env["JSII_NODE"] = node
    subprocess.run([sys.executable, "-c", APP, str(outdir)], env=env, check=True, capture_output=True, timeout=300)
    return (outdir / "flags.template.json").read_bytes()


def test_the_flags_leave_a_validated_template_byte_identical(tmp_path: Path) -> None:
    with_flags = synthesized(tmp_path / "with", str(jsii_node.WRAPPER))
    plain = synthesized(tmp_path / "plain", None)
    assert with_flags == plain
    assert set(json.loads(plain)["Resources"]) >= {"Bucket83908E77", "Queue4A7E3555"}


def test_the_suite_synthesizes_through_the_wrapper() -> None:
    # conftest.py points JSII_NODE at the wrapper: a Node.js on this machine accepts its flags.
    assert os.environ.get("JSII_NODE") == str(jsii_node.WRAPPER)
    assert os.access(jsii_node.WRAPPER, os.X_OK)


def test_a_node_that_refuses_the_flags_is_used_without_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "node"
    fake.write_text('#!/bin/sh\necho "node: bad option: $1" >&2\nexit 9\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("JSII_NODE")
    jsii_node._wrapper_starts.cache_clear()
    try:
        assert jsii_node.environment() == {}
    finally:
        jsii_node._wrapper_starts.cache_clear()


def test_a_jsii_node_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JSII_NODE", "/opt/node22/bin/node")
    assert jsii_node.environment() == {"JSII_NODE": "/opt/node22/bin/node"}
