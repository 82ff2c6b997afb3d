"""The one door for a recovery after a revocation (Art. 13): open until settled."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.recoveries.models import Recovery, RecoveryState

RECOVERY_MACHINE = StateMachine(
    model=Recovery,
    field="state",
    labels=dict(RecoveryState.choices),
    table={(RecoveryState.OPEN, RecoveryState.SETTLED): Rule(clause="13", label="追回结清")},
)
