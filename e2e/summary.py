"""The closing summary of `make e2e`: step times, and each build's install / synth / deploy times."""

from __future__ import annotations

from typing import Any


def summary(report: dict[str, Any]) -> str:
    """Text a person reads at the end of a green run."""
    steps = report.get("steps", [])
    lines = ["", f"make e2e: green in {sum(step['seconds'] for step in steps):.0f}s of steps", ""]
    lines.append("steps (seconds, and the machine's load average over 1 / 5 / 15 min when each began):")
    lines += [f"  {step['seconds']:6.1f}s  {_load(step.get('load'))}  {step['name']}" for step in steps]
    lines += ["", "builds (the CodeBuild stand-in; seconds):"]
    lines.append(f"  {'build':42} {'kind':8} {'install':>8} {'synth':>7} {'deploy':>7} {'post':>6} {'total':>7}  load")
    for build in report.get("builds", []):
        phases, cdk = build["phases"], build["cdk"]
        if build["kind"] == "deploy":
            synth, deploy = f"{cdk.get('synth', 0):7.1f}", f"{cdk.get('deploy', 0):7.1f}"
        else:  # `cdk destroy` prints neither its synthesis's time nor its own: the whole command's, once
            command = sum(c["seconds"] for c in build.get("commands", []) if c["command"].startswith("cdk destroy"))
            synth, deploy = f"{'-':>7}", f"{command:7.1f}"
        lines.append(
            f"  {build['folder']:42} {build['kind']:8} {phases.get('install', 0):8.1f} {synth} {deploy} "
            f"{phases.get('post_build', 0):6.1f} {sum(phases.values()):7.1f}  {_load(build.get('load'))}"
        )
    lines.append(
        "  (a destroy build's `cdk destroy` reports no synthesis time: its deploy column is the whole command)"
    )
    update = report.get("update", {})
    if update:
        lines += [
            "",
            f"promotion ({', '.join(update['steps'])}): approved {', '.join(update['approved']) or 'nothing'}",
        ]
        lines += [f"  {line}" for line in update["lines"]]
    if report.get("kept"):
        lines += ["", "kept after destroy, by design (Seed-Farmer's project, the templates' DeletionPolicy), and why:"]
        lines += [f"  {kind}: {', '.join(sorted(ids))}" for kind, ids in sorted(report["kept"].items())]
    return "\n".join(lines)


def _load(load: list[float] | None) -> str:
    return " / ".join(f"{value:5.2f}" for value in load) if load else "(not recorded)"
