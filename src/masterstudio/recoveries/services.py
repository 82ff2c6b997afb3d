"""Revocation (Art. 13) and recovery of the district money of the current funding cycle.

The cycle, the amounts in it and their clauses come from the policy engine's ``funding`` question
(interpretation 6); grants not yet paid are cancelled through ``funding.services.cancel_grant``,
paid ones are recovered by repayments that finance staff record until the amount is settled, when
each grant is closed through ``funding.services.confirm_recovery``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from masterstudio.assessments.models import Grade, Kind, StudioAssessment
from masterstudio.assessments.services import unit_users
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.core.transitions import Rule, StateMachine, TransitionError
from masterstudio.funding.models import Grant, GrantKind, GrantState
from masterstudio.funding.services import (
    FundingError,
    cancel_grant,
    confirm_recovery,
    disbursed_total,
    lock_row,
    parse_amount,
)
from masterstudio.recoveries.models import CAUSE_CLAUSE, Cause, Recovery, RecoveryState, Repayment, Revocation
from masterstudio.studios.lifecycle import STUDIO_MACHINE, ask_engine, revoke_guard
from masterstudio.studios.models import Studio, StudioState

ZERO = Decimal("0.00")

RECOVERY_MACHINE = StateMachine(
    model=Recovery,
    field="state",
    labels=dict(RecoveryState.choices),
    table={(RecoveryState.OPEN, RecoveryState.SETTLED): Rule(clause="13", label="追回结清")},
)


class RecoveryError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def repaid_total(recovery: Recovery) -> Decimal:
    return recovery.repayments.aggregate(t=Sum("amount"))["t"] or ZERO


def outstanding(recovery: Recovery) -> Decimal:
    return recovery.amount_due - repaid_total(recovery)


def engine_request(studio, revoked_on: date) -> dict:
    grants = [g for g in studio.grants.exclude(state__in=[GrantState.CANCELLED, GrantState.RECOVERED]) if not g.imported]
    initial = studio.grants.filter(kind=GrantKind.INITIAL).exclude(state=GrantState.CANCELLED).first()
    return {
        "as_of": revoked_on.isoformat(),
        "recognized_on": studio.recognized_on.isoformat(),
        "assessments": [{"year": g.year, "grade": "excellent", "on": g.dated_on.isoformat()}
                        for g in grants if g.kind == GrantKind.EXCELLENT],
        "titles": [{"level": g.kind, "on": g.dated_on.isoformat()}
                   for g in grants if g.kind in (GrantKind.NATIONAL, GrantKind.BEIJING)],
        "revoked_on": revoked_on.isoformat(),
        # the imported record's figure, used by the engine where the version of the date has no amount
        **({"initial_amount": f"{initial.amount:.2f}"} if initial else {}),
    }


def revoke(studio: Studio, *, cause: str, evidence: str, decision: str, decided_on: date | None = None,
           document_no: str = "", upload=None, actor) -> Revocation:
    """Revoke a studio's title (Art. 13): record cause, evidence and decision; end the title and
    record the nameplate as withdrawn; compute and open the recovery of the cycle's money."""
    from masterstudio.core.uploads import check_upload
    from masterstudio.policy.errors import PolicyInputError

    if actor is None or not actor.has_duty("approver"):
        raise RecoveryError("只有具有审批职责的工作人员可以作出撤销决定")
    if cause not in Cause.values:
        raise RecoveryError("请选择撤销情形（第13条第（一）至（四）项）", field="cause")
    evidence, decision = (evidence or "").strip(), (decision or "").strip()
    if not evidence:
        raise RecoveryError("请写明撤销所依据的事实与证据（第13条：由社会事业局评估审查）", field="evidence")
    if not decision:
        raise RecoveryError("请填写评估审查意见与撤销决定", field="decision")
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on > today:
        raise RecoveryError("撤销日期不能晚于今天", field="decided_on")
    if decided_on < studio.recognized_on:
        raise RecoveryError(f"撤销日期不能早于认定日期 {studio.recognized_on:%Y-%m-%d}", field="decided_on")
    if upload is not None:
        try:
            check_upload(upload, label="证据材料")
        except Exception as exc:
            raise RecoveryError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
    clause = CAUSE_CLAUSE[cause]
    with transaction.atomic():
        studio = lock_row(Studio, studio.pk)
        refusal = revoke_guard(studio, clause)
        if refusal:
            raise RecoveryError(refusal, field="cause")
        reassessment = None
        if clause == "13.2":
            reassessment = (StudioAssessment.objects.filter(studio=studio, kind=Kind.REASSESSMENT,
                                                            grade=Grade.UNQUALIFIED).order_by("-assessed_on").first())
        try:
            with transaction.atomic():
                revocation = Revocation.objects.create(
                    studio=studio, cause=cause, clause=clause, evidence=evidence, decision=decision,
                    document_no=(document_no or "").strip(), decided_on=decided_on, reassessment=reassessment,
                    nameplate_withdrawn_on=today, decided_by=actor,
                    evidence_file=upload or "", evidence_file_name=upload.name if upload else "")
        except IntegrityError as exc:
            raise RecoveryError("该工作室已有撤销决定，不能重复撤销") from exc
        try:
            STUDIO_MACHINE.apply(studio, StudioState.REVOKED, actor=actor, clause=clause,
                                 reason=f"{Cause(cause).label}：{decision}",
                                 data={"revocation": revocation.pk, "cause": cause, "document_no": revocation.document_no},
                                 extra_fields={"revoked_on": decided_on, "revocation_clause": clause,
                                               "nameplate_withdrawn": True})
        except TransitionError as exc:
            raise RecoveryError(str(exc)) from exc
        record_event("studio.nameplate_withdrawn", obj=studio, actor=actor, clause=clause,
                     reason="撤销工作室称号，铭牌登记为收回", data={"nameplate_no": studio.nameplate_no})
        try:
            recovery = _open_recovery(studio, revocation, actor=actor)
        except PolicyInputError as exc:
            raise RecoveryError(f"政策计算器无法计算追回金额：{exc.message}") from exc
        notify(unit_users(studio), "studio_revoked", {"studio": studio, "revocation": revocation, "recovery": recovery},
               url=f"/studios/{studio.pk}/")
    return revocation


def _open_recovery(studio: Studio, revocation: Revocation, *, actor) -> Recovery:
    request = engine_request(studio, revocation.decided_on)
    answer = ask_engine("funding", request)
    recovery_answer = answer.get("recovery") or {}
    grants = {(g.kind, g.year): g for g in studio.grants.exclude(state__in=[GrantState.CANCELLED, GrantState.RECOVERED])
              if not g.imported}
    lines, due, cancelled = [], ZERO, ZERO
    reason = (f"工作室撤销（第{revocation.clause}条），资助周期 {recovery_answer.get('cycle_start')} 至 "
              f"{recovery_answer.get('cycle_end')} 内的区级资金依第13条追回或取消")
    for award in recovery_answer.get("awards", []):
        grant = grants.get((award["kind"], award.get("year")))
        line = {"kind": award["kind"], "label": GrantKind(award["kind"]).label, "clause": award["clause"], "on": award["on"], "year": award.get("year"),
                "amount": award["amount"], "grant": grant.pk if grant else None}
        if grant is None:
            line.update(action="no_record", paid="0.00", note="平台没有该笔资金的核定记录")
        else:
            paid = disbursed_total(grant)
            line["paid"] = f"{paid:.2f}"
            if paid == ZERO:
                cancel_grant(grant, actor=actor, reason=reason, on=revocation.decided_on, clause="13")
                line["action"] = "cancel"
                cancelled += grant.amount
            else:
                line["action"] = "recover"
                due += paid
                if paid < grant.amount:
                    line["note"] = f"已拨付 {paid:.2f} 元，未拨付部分 {grant.amount - paid:.2f} 元停止拨付"
                Grant.objects.filter(pk=grant.pk).update(recovery_required=True)
                record_event("grant.recovery_required", obj=grant, actor=actor, clause="13", reason=reason,
                             data={"paid": f"{paid:.2f}", "revocation": revocation.pk})
        lines.append(line)
    settled = due == ZERO
    recovery = Recovery.objects.create(
        revocation=revocation, studio=studio,
        cycle_start=date.fromisoformat(recovery_answer["cycle_start"]),
        cycle_end=date.fromisoformat(recovery_answer["cycle_end"]),
        engine_amount=Decimal(recovery_answer.get("amount") or recovery_answer.get("amount_known_part") or "0"),
        clauses=recovery_answer.get("clauses", []),
        lines=lines, engine_answer=answer, amount_due=due, amount_cancelled=cancelled,
        state=RecoveryState.SETTLED if settled else RecoveryState.OPEN,
        settled_on=revocation.decided_on if settled else None)
    record_event("recovery.opened", obj=recovery, actor=actor, clause="13", to_state=recovery.state, reason=reason,
                 data={"cycle_start": recovery_answer["cycle_start"], "cycle_end": recovery_answer["cycle_end"],
                       "engine_amount": recovery_answer.get("amount"), "due": f"{due:.2f}",
                       "cancelled": f"{cancelled:.2f}", "clauses": recovery_answer.get("clauses", [])})
    return recovery


def record_repayment(recovery: Recovery, *, amount, paid_on: date | None, voucher_no: str, actor,
                     note: str = "") -> Repayment:
    """Finance records money paid back. Refused above what is still owed; the last repayment
    settles the recovery and closes each recovered grant."""
    if actor is None or not actor.has_duty("finance"):
        raise RecoveryError("只有具有财务职责的工作人员可以登记退回款")
    try:
        amount = parse_amount(amount)
    except FundingError as exc:
        raise RecoveryError(str(exc), field="amount") from exc
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise RecoveryError("请填写退回款的凭证号", field="voucher_no")
    if paid_on is None:
        raise RecoveryError("请填写到账日期", field="paid_on")
    if paid_on > timezone.localdate():
        raise RecoveryError("到账日期不能晚于今天", field="paid_on")
    with transaction.atomic():
        recovery = lock_row(Recovery, recovery.pk)
        if recovery.state == RecoveryState.SETTLED:
            raise RecoveryError(f"该追回已于 {recovery.settled_on:%Y-%m-%d} 结清，无需再登记退回款")
        if paid_on < recovery.revocation.decided_on:
            raise RecoveryError(f"到账日期不能早于撤销日期 {recovery.revocation.decided_on:%Y-%m-%d}", field="paid_on")
        if Repayment.objects.filter(voucher_no=voucher_no).exists():
            raise RecoveryError(f"凭证号“{voucher_no}”已登记过，请勿重复登记同一笔退回款", field="voucher_no")
        repaid = repaid_total(recovery)
        owed = recovery.amount_due - repaid
        if amount > owed:
            raise RecoveryError(f"退回金额 {amount:,.2f} 元超过尚欠金额 {owed:,.2f} 元（应追回 {recovery.amount_due:,.2f} 元，"
                                f"已退回 {repaid:,.2f} 元），请核对", field="amount")
        try:
            with transaction.atomic():
                repayment = Repayment.objects.create(recovery=recovery, amount=amount, paid_on=paid_on,
                                                     voucher_no=voucher_no, note=(note or "").strip(), recorded_by=actor)
        except IntegrityError as exc:
            raise RecoveryError(f"凭证号“{voucher_no}”已登记过，请勿重复登记同一笔退回款", field="voucher_no") from exc
        record_event("recovery.repayment", obj=recovery, actor=actor, clause="13",
                     data={"amount": f"{amount:.2f}", "paid_on": paid_on, "voucher_no": voucher_no,
                           "owed_after": f"{owed - amount:.2f}"})
        if amount == owed:
            RECOVERY_MACHINE.apply(recovery, RecoveryState.SETTLED, actor=actor, clause="13",
                                   reason=f"应追回 {recovery.amount_due:,.2f} 元已全部退回", extra_fields={"settled_on": paid_on})
            for line in recovery.lines:
                if line.get("action") != "recover":
                    continue
                grant = Grant.objects.get(pk=line["grant"])
                if grant.state == GrantState.DISBURSED:
                    try:
                        confirm_recovery(grant, actor=actor, on=paid_on, voucher_no=voucher_no,
                                         reason=f"工作室撤销，资助周期内资金已退回（第13条），凭证号 {voucher_no}")
                    except FundingError as exc:
                        raise RecoveryError(str(exc)) from exc
    return repayment


def open_recoveries():
    return Recovery.objects.filter(state=RecoveryState.OPEN).select_related("studio", "studio__unit", "revocation")

