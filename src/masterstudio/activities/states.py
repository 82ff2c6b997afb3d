"""The one door for a bureau activity (Art. 17): drafted, published, cancelled."""

from __future__ import annotations

from masterstudio.activities.models import Activity, ActivityState
from masterstudio.core.transitions import Rule, StateMachine

ACTIVITY_MACHINE = StateMachine(
    model=Activity,
    field="state",
    labels=dict(ActivityState.choices),
    table={
        (ActivityState.DRAFT, ActivityState.PUBLISHED): Rule(clause="17", label="发布活动"),
        (ActivityState.PUBLISHED, ActivityState.CANCELLED): Rule(clause="17", requires_reason=True, label="取消活动"),
        (ActivityState.DRAFT, ActivityState.CANCELLED): Rule(clause="17", requires_reason=True, label="取消活动"),
    },
)
