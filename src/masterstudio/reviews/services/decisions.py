"""The comprehensive evaluation: the decision on an application (a proposal moves it to 拟认定)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.applications.models import Application, AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.reviews.models import Decision, Outcome
from masterstudio.reviews.services import ReviewError


def decide(application: Application, *, outcome: str, reason: str, rank: int | None, version: int, actor) -> Decision:
    """Record (or change) the evaluation decision. ``version`` is the decision version the staff
    member saw (0 when there was none): a decision changed meanwhile by someone else is refused.
    A proposal moves the application to 拟认定; nothing is told to the unit until publication."""
    if outcome not in Outcome.values:
        raise ReviewError("请选择评议结论")
    if not reason.strip():
        raise ReviewError("请填写评议理由（将在公布时告知单位）")
    if application.state not in (AppState.EVALUATION, AppState.PROPOSED):
        raise ReviewError(f"申报当前状态为“{application.get_state_display()}”，不能再作出或修改评议决定")
    stale = "该申报的评议决定已被其他工作人员修改，请刷新页面查看后再决定"
    with transaction.atomic(), appended_together():
        if version == 0:
            try:  # no savepoint: the refusal undoes the whole transaction
                with transaction.atomic(savepoint=False):
                    decision = Decision.objects.create(
                        application=application, outcome=outcome, rank=rank, reason=reason.strip(), decided_by=actor
                    )
            except IntegrityError as exc:
                raise ReviewError(stale) from exc
        else:
            changed = Decision.objects.filter(
                application=application, version=version, published_at__isnull=True
            ).update(
                outcome=outcome,
                rank=rank,
                reason=reason.strip(),
                decided_by=actor,
                version=version + 1,
                decided_at=timezone.now(),
            )
            if changed != 1:
                raise ReviewError(stale)
            decision = Decision.objects.get(application=application)
        if outcome == Outcome.PROPOSE and application.state == AppState.EVALUATION:
            APPLICATION_MACHINE.apply(application, AppState.PROPOSED, actor=actor, reason=reason.strip())
        elif outcome == Outcome.REJECT and application.state == AppState.PROPOSED:
            APPLICATION_MACHINE.apply(application, AppState.EVALUATION, actor=actor, reason=reason.strip())
        record_event(
            "decision.saved",
            obj=application,
            actor=actor,
            clause="10",
            reason=reason.strip(),
            data={"outcome": outcome, "rank": rank, "version": decision.version},
        )
    return decision
