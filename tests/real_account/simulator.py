"""The IAM simulator's old import path: the bridge lives in rehearsal/iam_simulator.py, which the rehearsal's
cross-account preconditions use too; import it from there."""

from rehearsal.iam_simulator import (
    Call,
    Caller,
    Policy,
    SimulationError,
    Target,
    Verdict,
    explain,
    is_service,
    policy,
    simulate,
)

__all__ = [
    "Call",
    "Caller",
    "Policy",
    "SimulationError",
    "Target",
    "Verdict",
    "explain",
    "is_service",
    "policy",
    "simulate",
]
