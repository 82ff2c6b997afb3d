"""Revocation (Art. 13) and recovery of the district money of the current funding cycle.

The recovery is computed from the platform's own payment records (``recoveries.amounts``): what
was actually paid of every grant dated in the funding cycle containing the revocation date
(interpretation 6), whoever approved it, imported payments of the former Measures included. The
engine's answer is kept beside it for reference, and its refusal (a recognition before these
Measures) neither fails the revocation nor makes the recovery 0. Unpaid grants of the cycle are
cancelled, the unpaid rest of others frozen; paid ones are recovered by repayments that finance
staff record until the amount is settled, when each grant is closed through
``funding.services.confirm_recovery``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from masterstudio.assessments.models import Grade, Kind, StudioAssessment
from masterstudio.assessments.services import unit_users
from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import check_upload
from masterstudio.funding.models import Grant, GrantState
from masterstudio.funding.services import (
    FundingError,
    check_money_date,
    confirm_recovery,
    freeze_grant,
    parse_amount,
)
from masterstudio.funding.states import GRANT_MACHINE
from masterstudio.policy.errors import PolicyInputError
from masterstudio.recoveries.amounts import ZERO, engine_view, recovery_items
from masterstudio.recoveries.models import CAUSE_CLAUSE, Cause, Recovery, RecoveryState, Repayment, Revocation
from masterstudio.recoveries.states import RECOVERY_MACHINE
from masterstudio.studios.models import Studio, StudioState
from masterstudio.studios.states import STUDIO_MACHINE


class RecoveryError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def repaid_total(recovery: Recovery) -> Decimal:
    return recovery.repayments.aggregate(t=Sum("amount"))["t"] or ZERO


def outstanding(recovery: Recovery) -> Decimal:
    return recovery.amount_due - repaid_total(recovery)


REVOCATION_CLAUSES = ("13.1", "13.2", "13.3", "13.4")


def _failed_reassessment(studio: Studio) -> StudioAssessment | None:
    """The studio's latest reassessment after rectification that was still unqualified (Art. 13(2))."""
    return (
        StudioAssessment.objects.filter(studio=studio, kind=Kind.REASSESSMENT, grade=Grade.UNQUALIFIED)
        .order_by("-assessed_on")
        .first()
    )


def revoke_guard(studio: Studio, clause: str) -> str | None:
    """Clause-specific refusal for a revocation, or None."""
    if clause not in REVOCATION_CLAUSES:
        return "请选择第13条规定的撤销情形（第（一）至（四）项）"
    if studio.state == StudioState.REVOKED:
        return f"该工作室已于 {studio.revoked_on:%Y-%m-%d} 撤销，不能重复撤销"
    if clause == "13.2" and _failed_reassessment(studio) is None:
        return "只有整改后复评仍不合格的工作室才能依第13条第（二）项撤销"
    return None


def revoke(
    studio: Studio,
    *,
    cause: str,
    evidence: str,
    decision: str,
    decided_on: date | None = None,
    document_no: str = "",
    upload=None,
    actor,
) -> Revocation:
    """Revoke a studio's title (Art. 13): record cause, evidence and decision; end the title and
    record the nameplate as withdrawn; compute and open the recovery of the cycle's money."""
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
        reassessment = _failed_reassessment(studio) if clause == "13.2" else None
        try:
            with transaction.atomic():
                revocation = Revocation.objects.create(
                    studio=studio,
                    cause=cause,
                    clause=clause,
                    evidence=evidence,
                    decision=decision,
                    document_no=(document_no or "").strip(),
                    decided_on=decided_on,
                    reassessment=reassessment,
                    nameplate_withdrawn_on=today,
                    decided_by=actor,
                    evidence_file=upload or "",
                    evidence_file_name=upload.name if upload else "",
                )
        except IntegrityError as exc:
            raise RecoveryError("该工作室已有撤销决定，不能重复撤销") from exc
        try:
            STUDIO_MACHINE.apply(
                studio,
                StudioState.REVOKED,
                actor=actor,
                clause=clause,
                reason=f"{Cause(cause).label}：{decision}",
                data={"revocation": revocation.pk, "cause": cause, "document_no": revocation.document_no},
                extra_fields={"revoked_on": decided_on, "revocation_clause": clause, "nameplate_withdrawn": True},
            )
        except TransitionError as exc:
            raise RecoveryError(str(exc)) from exc
        record_event(
            "studio.nameplate_withdrawn",
            obj=studio,
            actor=actor,
            clause=clause,
            reason="撤销工作室称号，铭牌登记为收回",
            data={"nameplate_no": studio.nameplate_no},
        )
        try:
            recovery = _open_recovery(studio, revocation, actor=actor)
        except PolicyInputError as exc:
            raise RecoveryError(f"政策计算器无法计算追回金额：{exc.message}") from exc
        notify(
            unit_users(studio),
            "studio_revoked",
            {"studio": studio, "revocation": revocation, "recovery": recovery},
            url=reverse("studios:detail", args=[studio.pk]),
        )
    return revocation


def _open_recovery(studio: Studio, revocation: Revocation, *, actor) -> Recovery:
    decided_on = revocation.decided_on
    items = recovery_items(studio, decided_on)
    cycle_start, cycle_end = items["cycle_start"], items["cycle_end"]
    reason = (
        f"工作室撤销（第{revocation.clause}条），资助周期 {cycle_start:%Y-%m-%d} 至 "
        f"{cycle_end:%Y-%m-%d} 内的区级资金依第13条追回或取消"
    )
    closer = actor if getattr(actor, "pk", None) else None
    for line in items["lines"]:
        grant = lock_row(Grant, line["grant"])
        if line["action"] == "cancel":
            GRANT_MACHINE.apply(
                grant,
                GrantState.CANCELLED,
                actor=closer,
                reason=reason,
                clause="13",
                extra_fields={"closed_on": decided_on, "closed_reason": reason, "closed_by": closer},
            )
            continue
        if line["action"] == "recover":
            Grant.objects.filter(pk=grant.pk).update(recovery_required=True)
            record_event(
                "grant.recovery_required",
                obj=grant,
                actor=actor,
                clause="13",
                reason=reason,
                data={"paid": line["paid"], "source": line["source"], "revocation": revocation.pk},
            )
        if grant.state == GrantState.APPROVED:
            freeze_grant(
                grant,
                actor=actor,
                on=decided_on,
                reason=f"工作室已于 {decided_on:%Y-%m-%d} 撤销（第13条），未拨付资金冻结，不再拨付",
            )
    due, cancelled = items["due"], items["cancelled"]
    settled = due == ZERO
    recovery = Recovery.objects.create(
        revocation=revocation,
        studio=studio,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        engine_amount=items["total"],
        clauses=items["clauses"],
        lines=items["lines"],
        engine_answer=engine_view(studio, decided_on),
        amount_due=due,
        amount_cancelled=cancelled,
    )
    record_event(
        "recovery.opened",
        obj=recovery,
        actor=actor,
        clause="13",
        to_state=recovery.state,
        reason=reason,
        data={
            "cycle_start": cycle_start.isoformat(),
            "cycle_end": cycle_end.isoformat(),
            "total": f"{items['total']:.2f}",
            "due": f"{due:.2f}",
            "cancelled": f"{cancelled:.2f}",
            "clauses": items["clauses"],
            "items": [{k: line[k] for k in ("grant", "clause", "paid", "source", "action")} for line in items["lines"]],
        },
    )
    if settled:  # nothing paid in the cycle: the recovery is settled as it opens
        RECOVERY_MACHINE.apply(
            recovery,
            RecoveryState.SETTLED,
            actor=actor,
            reason="本资助周期内无已拨付资金，无需追回",
            extra_fields={"settled_on": decided_on},
        )
    return recovery


def record_repayment(
    recovery: Recovery, *, amount, paid_on: date | None, voucher_no: str, actor, note: str = ""
) -> Repayment:
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
    _dated(
        paid_on, field="paid_on", label="到账日期", earliest=recovery.revocation.decided_on, earliest_label="撤销日期"
    )
    with transaction.atomic():
        recovery = lock_row(Recovery, recovery.pk)
        duplicate = Repayment.objects.filter(voucher_no=voucher_no, reversal_of__isnull=True).first()
        if duplicate is not None:
            raise RecoveryError(
                f"已登记：凭证号“{voucher_no}”的退回款已于 {duplicate.paid_on:%Y-%m-%d} 登记"
                f"（{duplicate.amount:,.2f} 元），未重复登记",
                field="voucher_no",
            )
        if recovery.state == RecoveryState.SETTLED:
            raise RecoveryError(f"该追回已于 {recovery.settled_on:%Y-%m-%d} 结清，无需再登记退回款")
        repaid = repaid_total(recovery)
        owed = recovery.amount_due - repaid
        if amount > owed:
            raise RecoveryError(
                f"退回金额 {amount:,.2f} 元超过尚欠金额 {owed:,.2f} 元（应追回 {recovery.amount_due:,.2f} 元，"
                f"已退回 {repaid:,.2f} 元），请核对",
                field="amount",
            )
        try:
            with transaction.atomic():
                repayment = Repayment.objects.create(
                    recovery=recovery,
                    amount=amount,
                    paid_on=paid_on,
                    voucher_no=voucher_no,
                    note=(note or "").strip(),
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            raise RecoveryError(f"凭证号“{voucher_no}”已登记过，请勿重复登记同一笔退回款", field="voucher_no") from exc
        record_event(
            "recovery.repayment",
            obj=recovery,
            actor=actor,
            clause="13",
            data={
                "amount": f"{amount:.2f}",
                "paid_on": paid_on,
                "voucher_no": voucher_no,
                "owed_after": f"{owed - amount:.2f}",
            },
        )
        if amount == owed:
            RECOVERY_MACHINE.apply(
                recovery,
                RecoveryState.SETTLED,
                actor=actor,
                clause="13",
                reason=f"应追回 {recovery.amount_due:,.2f} 元已全部退回",
                extra_fields={"settled_on": paid_on},
            )
            for line in recovery.lines:
                if line.get("action") != "recover":
                    continue
                grant = Grant.objects.get(pk=line["grant"])
                if grant.state in (GrantState.DISBURSED, GrantState.FROZEN):
                    try:
                        confirm_recovery(
                            grant,
                            actor=actor,
                            on=paid_on,
                            voucher_no=voucher_no,
                            reason=f"工作室撤销，资助周期内资金已退回（第13条），凭证号 {voucher_no}",
                        )
                    except FundingError as exc:
                        raise RecoveryError(str(exc)) from exc
    return repayment


def _dated(value, **kwargs) -> date:
    try:
        return check_money_date(value, **kwargs)
    except FundingError as exc:
        raise RecoveryError(str(exc), field=exc.field) from None


def reverse_repayment(repayment: Repayment, *, reason: str, on: date | None = None, actor) -> Repayment:
    """Correct a wrong repayment record by a reversing entry (冲正, negative amount, reason, event);
    never edited in place. Only while the recovery is open: a settled recovery has closed its
    grants."""
    if actor is None or not actor.has_duty("finance"):
        raise RecoveryError("只有具有财务职责的工作人员可以冲正退回款记录")
    reason = (reason or "").strip()
    if not reason:
        raise RecoveryError("请填写冲正理由（哪里登记错了）", field="reason")
    on = _dated(
        on or timezone.localdate(),
        field="on",
        label="冲正日期",
        earliest=repayment.paid_on,
        earliest_label="原到账日期",
    )
    with transaction.atomic():
        recovery = lock_row(Recovery, repayment.recovery_id)
        repayment = Repayment.objects.get(pk=repayment.pk)
        if repayment.reversal_of_id is not None:
            raise RecoveryError("这是一笔冲正记录，不能再冲正")
        if Repayment.objects.filter(reversal_of=repayment).exists():
            raise RecoveryError(f"已登记：凭证号“{repayment.voucher_no}”的退回款已冲正，未重复冲正")
        if recovery.state == RecoveryState.SETTLED:
            raise RecoveryError(f"该追回已于 {recovery.settled_on:%Y-%m-%d} 结清，退回款记录不能再冲正")
        reversal = Repayment.objects.create(
            recovery=recovery,
            amount=-repayment.amount,
            paid_on=on,
            voucher_no=repayment.voucher_no,
            note=f"冲正 {repayment.paid_on:%Y-%m-%d} 的退回款",
            reversal_of=repayment,
            reason=reason,
            recorded_by=actor,
        )
        record_event(
            "recovery.repayment_reversed",
            obj=recovery,
            actor=actor,
            clause="13",
            reason=reason,
            data={
                "repayment": repayment.pk,
                "reversal": reversal.pk,
                "amount": f"{-repayment.amount:.2f}",
                "voucher_no": repayment.voucher_no,
                "on": on,
            },
        )
    return reversal


def outstanding_total() -> tuple[Decimal, int]:
    """待追回 for the dashboards: what the open recoveries still wait for (due − repaid) and how
    many they are — one query."""
    due = Recovery.objects.filter(state=RecoveryState.OPEN).aggregate(due=Sum("amount_due"), n=Count("pk"))
    repaid = Repayment.objects.filter(recovery__state=RecoveryState.OPEN).aggregate(t=Sum("amount"))["t"] or ZERO
    return ((due["due"] or ZERO) - repaid).quantize(Decimal("0.01")), due["n"]


def open_recoveries():
    return Recovery.objects.filter(state=RecoveryState.OPEN).select_related("studio", "studio__unit", "revocation")
