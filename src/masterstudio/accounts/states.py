"""The one door for a duty grant: requested, then approved or refused by a second person."""

from __future__ import annotations

from masterstudio.accounts.models import BUSINESS_DUTIES, Duty, DutyGrant, GrantState
from masterstudio.core.transitions import Rule, StateMachine


def _second_person(grant: DutyGrant, actor) -> str | None:
    if actor is None or not any(actor.has_duty(d) for d in (*BUSINESS_DUTIES, Duty.AUDITOR)):
        return "职责授予须由另一位有业务职责的工作人员或安全审计员确认"
    if actor.pk == grant.requested_by_id:
        return "职责授予须由申请人以外的另一人确认"
    if actor.pk == grant.user_id:
        return "不能确认授予自己的职责"
    return None


DUTY_GRANT_MACHINE = StateMachine(
    model=DutyGrant,
    field="state",
    labels=dict(GrantState.choices),
    table={
        (GrantState.PENDING, GrantState.APPROVED): Rule(guard=_second_person, label="确认授予"),
        (GrantState.PENDING, GrantState.REFUSED): Rule(guard=_second_person, requires_reason=True, label="拒绝授予"),
    },
)
