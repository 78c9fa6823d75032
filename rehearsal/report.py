"""The plan a person reads: per module what was built, what it published and who consumed it."""

from __future__ import annotations

from collections import Counter

from rehearsal.run import Rehearsal

WIDTH = 100


def plan(rehearsal: Rehearsal) -> str:
    lines = [
        "=" * WIDTH,
        f"Rehearsal of {rehearsal.manifest}: deployment '{rehearsal.deployment}' "
        f"in emulated account {rehearsal.account} ({', '.join(rehearsal.regions)})",
        "=" * WIDTH,
        "Seeded (what the manifests expect to exist already):",
        *(f"  - {line}" for line in rehearsal.seeded or ["nothing"]),
    ]
    for number, group in enumerate(rehearsal.groups, 1):
        for module in group:
            lines += ["", f"[{number}] group {module.group} / module {module.module}  ({module.path})"]
            for stack in module.stacks:
                lines.append(f"    stack {stack.name}: {stack.status}")
                counts = Counter(outcome.resource_type for outcome in stack.resources)
                skipped = Counter(o.resource_type for o in stack.resources if o.status == "not emulated")
                for kind, count in sorted(counts.items()):
                    note = "  (declared; not emulated)" if skipped.get(kind) else ""
                    lines.append(f"      {count:>3} x {kind}{note}")
                for note in stack.adaptations:
                    lines.append(f"      emulator workaround: {note}")
                if stack.custom_resources_answered:
                    answered = ", ".join(stack.custom_resources_answered)
                    lines.append(f"      custom resources answered by the rehearsal, handler not run: {answered}")
            lines.append("    metadata published:")
            for key, value in module.metadata.items():
                lines.append(f"      {key} = {value}")
            consumers = rehearsal.consumers.get(f"{module.group}/{module.module}", [])
            for use in consumers:
                consumer = f"{use['group']}/{use['module']}"
                lines.append(f"      -> {use['key']} consumed by {consumer} as parameter '{use['parameter']}'")
            lines.append(f"    cfn-lint: {len(module.lint) or 'no'} finding(s)")
            lines += [f"      {finding}" for finding in module.lint]
            lines.append(f"    cdk-nag: no open finding; {len(module.acknowledged)} acknowledged with a reason")
            for finding in module.acknowledged:
                lines.append(f"      {finding['rule']} on {finding['resource'].split('/', 1)[-1]}")
            seconds = ", ".join(f"{step} {value:.1f}s" for step, value in module.seconds.items())
            lines.append(f"    time: {seconds}")
    lines += [
        "",
        f"Rehearsed in {rehearsal.seconds:.1f}s. Templates, environments, metadata and findings: {rehearsal.output}",
        "This is a rehearsal, not a deployment: see 'What the rehearsal proves' in README.md.",
    ]
    return "\n".join(lines)
