"""The one door for the annual work summary (Art. 11): drafted, submitted, confirmed by the unit."""

from __future__ import annotations

from masterstudio.core.transitions import Rule, StateMachine
from masterstudio.summaries.models import AnnualSummary, SummaryState

SUMMARY_MACHINE = StateMachine(
    model=AnnualSummary,
    field="state",
    labels=dict(SummaryState.choices),
    table={
        (SummaryState.DRAFT, SummaryState.SUBMITTED): Rule(clause="11", label="领办人提交单位确认"),
        (SummaryState.SUBMITTED, SummaryState.DRAFT): Rule(clause="11", requires_reason=True, label="单位退回修改"),
        (SummaryState.DRAFT, SummaryState.CONFIRMED): Rule(clause="11", label="单位确认并报送"),
        (SummaryState.SUBMITTED, SummaryState.CONFIRMED): Rule(clause="11", label="单位确认并报送"),
    },
)
