"""The one door for a year's holiday arrangement (entered, confirmed by a second person)."""

from __future__ import annotations

from masterstudio.catalog.models import CalendarProposal, ProposalState
from masterstudio.core.transitions import Rule, StateMachine


def _not_the_proposer(proposal: CalendarProposal, actor) -> str | None:
    if actor is not None and proposal.proposed_by_id == actor.pk:
        return "录入人不能复核自己录入的节假日安排：请由另一名工作人员对照国务院办公厅通知复核（双人复核）"
    return None


PROPOSAL_MACHINE = StateMachine(
    model=CalendarProposal,
    field="state",
    labels=dict(ProposalState.choices),
    table={
        (ProposalState.PENDING, ProposalState.CONFIRMED): Rule(clause="10", guard=_not_the_proposer, label="复核生效"),
        (ProposalState.PENDING, ProposalState.WITHDRAWN): Rule(clause="10", requires_reason=True, label="退回"),
    },
)
