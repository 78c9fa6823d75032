"""The closing summary of `make e2e`: step times, and each build's install / synth / deploy times."""

from __future__ import annotations

from typing import Any


def summary(report: dict[str, Any]) -> str:
    """Text a person reads at the end of a green run."""
    steps = report.get("steps", [])
    lines = ["", f"make e2e: green in {sum(step['seconds'] for step in steps):.0f}s of steps", "", "steps:"]
    lines += [f"  {step['seconds']:6.1f}s  {step['name']}" for step in steps]
    lines += ["", "builds (the CodeBuild stand-in; seconds):"]
    lines.append(f"  {'build':48} {'kind':8} {'install':>8} {'synth':>7} {'deploy':>7} {'post':>6} {'total':>7}")
    for build in report.get("builds", []):
        phases, cdk = build["phases"], build["cdk"]
        lines.append(
            f"  {build['folder']:48} {build['kind']:8} {phases.get('install', 0):8.1f} "
            f"{cdk.get('synth', 0):7.1f} {cdk.get('deploy', cdk.get('destroy', 0)):7.1f} "
            f"{phases.get('post_build', 0):6.1f} {sum(phases.values()):7.1f}"
        )
    update = report.get("update", {})
    if update:
        lines += ["", f"update: approved {update['approved']}"]
        lines += [f"  {line}" for line in update["lines"]]
    if report.get("kept"):
        lines += ["", "kept after destroy, by Seed-Farmer's design:"]
        lines += [f"  {kind}: {', '.join(sorted(ids))}" for kind, ids in sorted(report["kept"].items())]
    return "\n".join(lines)
