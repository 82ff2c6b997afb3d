"""Paying, cancelling, freezing and recovering grants (Art. 13), and their documents. Entries
are corrected by reversing entries (:func:`reverse_disbursement`), never edited; every state change
goes through ``GRANT_MACHINE.apply``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from masterstudio.accounts.models import User
from masterstudio.core import money
from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import VOUCHER_KINDS, check_upload
from masterstudio.funding.models import Disbursement, Grant, GrantDocument, GrantState
from masterstudio.funding.services.guards import (
    AlreadyRecorded,
    FundingError,
    check_money_date,
    ensure_may_earn,
    today,
)
from masterstudio.funding.states import GRANT_MACHINE


def parse_amount(value, field: str = "amount") -> Decimal:
    try:
        return money.parse_money(value)
    except money.MoneyError as refused:
        raise FundingError(
            {
                "not_number": f"金额“{value}”不是有效的数字，请填写如 50000.00",
                "not_finite": f"金额“{value}”不是有效的数字，请填写如 50000.00",
                "not_positive": "金额必须大于 0",
                "too_large": f"金额过大：不能超过 {money.too_large_text()} 元",
                "too_precise": "金额最多保留两位小数（分）",
            }[refused.reason],
            field=field,
        ) from None


def disbursed_total(grant: Grant) -> Decimal:
    return grant.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def disburse(grant: Grant, *, amount, paid_on: date, voucher_no: str, actor, note: str = "") -> Disbursement:
    """Record a payment (拨付) of an approved grant.

    Only finance staff confirm payments, and never the person who approved the grant (four eyes).
    The grant row is locked, so two finance staff confirming the same payment at once cannot pay
    more than approved: the second sees the first's payment and is refused. When the payments reach
    the approved amount the grant moves to 已拨付.
    """
    if actor is None or not actor.has_duty("finance"):
        raise FundingError("只有具有财务职责的工作人员可以确认拨付")
    amount = parse_amount(amount)
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise FundingError("请填写拨付凭证号", field="voucher_no")
    check_money_date(paid_on, field="paid_on", label="拨付日期", earliest=grant.dated_on, earliest_label="核定日期")
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        if grant.approved_by_id is not None and grant.approved_by_id == actor.pk:
            raise FundingError("核定该笔资金的人员不能再确认拨付（审批与财务分离），请由其他财务人员确认")
        ensure_may_earn(grant.studio)
        if grant.state != GrantState.APPROVED:
            raise FundingError(f"该笔资金当前状态为“{grant.get_state_display()}”，不能再拨付")
        duplicate = Disbursement.objects.filter(voucher_no=voucher_no, reversal_of__isnull=True).first()
        if duplicate is not None:
            raise AlreadyRecorded(
                f"已登记：拨付凭证号“{voucher_no}”已于 {duplicate.paid_on:%Y-%m-%d} 登记"
                f"（{duplicate.amount:,.2f} 元），未重复登记",
                field="voucher_no",
                existing=duplicate,
            )
        paid = disbursed_total(grant)
        remaining = grant.amount - paid
        if amount > remaining:
            raise FundingError(
                f"拨付金额 {amount:,.2f} 元超过核定未拨付金额 {remaining:,.2f} 元"
                f"（核定 {grant.amount:,.2f} 元，已拨付 {paid:,.2f} 元）",
                field="amount",
            )
        payment = Disbursement.objects.create(
            grant=grant, amount=amount, paid_on=paid_on, voucher_no=voucher_no, confirmed_by=actor, note=note
        )
        record_event(
            "grant.payment",
            obj=grant,
            actor=actor,
            clause=grant.clause,
            data={"amount": str(amount), "paid_on": paid_on, "voucher_no": voucher_no, "disbursement": payment.pk},
        )
        if paid + amount == grant.amount:

            def tell_unit(grant, _event):  # the unit hears its grant is paid in full, with the change
                notify(
                    User.unit_recipients([grant.studio.unit_id]),  # the one rule of a notice to a unit
                    "grant_paid",
                    {"grant": grant, "studio": grant.studio, "paid_on": paid_on},
                    url=reverse("studios:detail", args=[grant.studio_id]),
                )

            GRANT_MACHINE.apply(
                grant,
                GrantState.DISBURSED,
                actor=actor,
                clause=grant.clause,
                reason=f"拨付完毕，凭证号 {voucher_no}",
                extra_fields={"disbursed_on": paid_on, "voucher_no": voucher_no, "disbursed_by": actor},
                then=[tell_unit],
            )
    return payment


def cancel_grant(grant: Grant, *, actor, reason: str, on: date, clause: str = "") -> Grant:
    """Cancel a grant not yet (fully) paid. Approver duty."""
    if actor is None or not actor.has_duty("approver"):
        raise FundingError("只有具有审批职责的工作人员可以取消核定")
    check_money_date(on, field="on", label="取消日期", earliest=grant.dated_on, earliest_label="核定日期")
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        if disbursed_total(grant) > 0:
            raise FundingError("该笔资金已有拨付记录，不能取消；已拨付的资金应办理追回")
        try:
            GRANT_MACHINE.apply(
                grant,
                GrantState.CANCELLED,
                actor=actor,
                reason=reason,
                clause=clause or grant.clause,
                extra_fields={"closed_on": on, "closed_reason": reason, "closed_by": actor},
            )
        except TransitionError as exc:
            raise FundingError(str(exc)) from exc
    return grant


def confirm_recovery(grant: Grant, *, actor, on: date, voucher_no: str, reason: str) -> Grant:
    """Finance confirms that paid money came back (Art. 13)."""
    if actor is None or not actor.has_duty("finance"):
        raise FundingError("只有具有财务职责的工作人员可以确认追回到账")
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise FundingError("请填写追回凭证号", field="voucher_no")
    check_money_date(on, field="on", label="追回到账日期", earliest=grant.dated_on, earliest_label="核定日期")
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        if grant.state == GrantState.RECOVERED:
            raise AlreadyRecorded(
                f"已登记：该笔资金已于 {grant.closed_on:%Y-%m-%d} 确认追回（凭证号 "
                f"{grant.recovery_voucher_no}），未重复登记",
                field="voucher_no",
                existing=grant,
            )
        try:
            GRANT_MACHINE.apply(
                grant,
                GrantState.RECOVERED,
                actor=actor,
                reason=reason,
                clause="13",
                extra_fields={
                    "closed_on": on,
                    "closed_reason": reason,
                    "closed_by": actor,
                    "recovery_voucher_no": voucher_no,
                },
            )
        except TransitionError as exc:
            raise FundingError(str(exc)) from exc
    return grant


def reverse_disbursement(payment: Disbursement, *, reason: str, on: date | None = None, actor) -> Disbursement:
    """Correct a wrong payment record by a reversing entry (冲正): a new row with the negative amount,
    its reason and an event; the payment itself is never edited. Finance duty, not the approver.
    A grant paid in full goes back to 已核定 (its payments no longer reach the amount); a payment
    already counted in a recovery (Art. 13) cannot be reversed here."""
    if actor is None or not actor.has_duty("finance"):
        raise FundingError("只有具有财务职责的工作人员可以冲正拨付记录")
    reason = (reason or "").strip()
    if not reason:
        raise FundingError("请填写冲正理由（哪里登记错了）", field="reason")
    on = check_money_date(
        on or today(), field="on", label="冲正日期", earliest=payment.paid_on, earliest_label="原拨付日期"
    )
    with transaction.atomic():
        grant = lock_row(Grant, payment.grant_id)
        payment = Disbursement.objects.get(pk=payment.pk)
        if payment.reversal_of_id is not None:
            raise FundingError("这是一笔冲正记录，不能再冲正")
        if Disbursement.objects.filter(reversal_of=payment).exists():
            raise AlreadyRecorded(
                f"已登记：拨付凭证号“{payment.voucher_no}”的这笔拨付已冲正，未重复冲正", existing=payment
            )
        if grant.recovery_required or grant.state in (GrantState.RECOVERED, GrantState.FROZEN):
            raise FundingError("该笔资金已列入撤销后的追回（第13条），拨付记录不能再冲正；请在资金追回中办理")
        if grant.approved_by_id is not None and grant.approved_by_id == actor.pk:
            raise FundingError("核定该笔资金的人员不能冲正其拨付记录（审批与财务分离）")
        reversal = Disbursement.objects.create(
            grant=grant,
            amount=-payment.amount,
            paid_on=on,
            voucher_no=payment.voucher_no,
            confirmed_by=actor,
            note=f"冲正 {payment.paid_on:%Y-%m-%d} 的拨付",
            reversal_of=payment,
            reason=reason,
        )
        record_event(
            "grant.payment_reversed",
            obj=grant,
            actor=actor,
            clause=grant.clause,
            reason=reason,
            data={
                "disbursement": payment.pk,
                "reversal": reversal.pk,
                "amount": str(-payment.amount),
                "voucher_no": payment.voucher_no,
                "on": on,
            },
        )
        if grant.state == GrantState.DISBURSED:
            GRANT_MACHINE.apply(
                grant,
                GrantState.APPROVED,
                actor=actor,
                clause=grant.clause,
                reason=f"冲正拨付（凭证号 {payment.voucher_no}）：{reason}",
                extra_fields={"disbursed_on": None, "voucher_no": "", "disbursed_by": None},
            )
    return reversal


def freeze_grant(grant: Grant, *, actor, reason: str, on: date) -> Grant:
    """A grant approved before the studio's revocation and not (fully) paid is frozen (Art. 13):
    no payment follows. Called by the revocation, inside its transaction."""
    grant = lock_row(Grant, grant.pk)
    if grant.state != GrantState.APPROVED:
        return grant
    GRANT_MACHINE.apply(
        grant,
        GrantState.FROZEN,
        actor=actor if getattr(actor, "pk", None) else None,
        clause="13",
        reason=reason,
        extra_fields={
            "closed_on": on,
            "closed_reason": reason,
            "closed_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    return grant


# ---------------------------------------------------------------- documents


def attach_document(grant: Grant, *, title: str, upload, actor) -> GrantDocument:
    title = (title or "").strip()
    if not title:
        raise FundingError("请填写文件名称，如“资金核定通知”“拨付凭证”", field="title")
    try:
        check_upload(upload, kinds=VOUCHER_KINDS)
    except Exception as exc:
        raise FundingError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
    with transaction.atomic():
        document = GrantDocument.objects.create(
            grant=grant, title=title, file=upload, original_name=upload.name, uploaded_by=actor
        )
        record_event(
            "grant.document",
            obj=grant,
            actor=actor,
            data={"document": document.pk, "title": title, "file": upload.name},
        )
    return document
