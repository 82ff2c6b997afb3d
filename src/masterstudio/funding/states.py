"""The one door for a grant (Art. 13–15): approved, disbursed, cancelled, frozen, recovered."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.funding.models import Grant, GrantState

GRANT_MACHINE = StateMachine(
    model=Grant,
    field="state",
    labels=dict(GrantState.choices),
    table={
        (GrantState.APPROVED, GrantState.DISBURSED): Rule(clause="", label="拨付完毕"),
        (GrantState.APPROVED, GrantState.CANCELLED): Rule(clause="", requires_reason=True, label="取消核定"),
        (GrantState.DISBURSED, GrantState.RECOVERED): Rule(clause="13", requires_reason=True, label="追回"),
        (GrantState.DISBURSED, GrantState.APPROVED): Rule(clause="", requires_reason=True, label="冲正拨付"),
        (GrantState.APPROVED, GrantState.FROZEN): Rule(clause="13", requires_reason=True, label="撤销后冻结"),
        (GrantState.FROZEN, GrantState.RECOVERED): Rule(clause="13", requires_reason=True, label="追回"),
    },
)
