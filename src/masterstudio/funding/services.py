"""Writes for district money (Art. 13–15): awarding, disbursing, cancelling and recovering grants.

Every money entry passes the same two guards: :func:`check_money_date` (not after today, not
before the day it could exist, the field named) and :func:`earning_refusal` (a revoked studio
earns nothing; nothing new after the Measures' validity). Entries are corrected by reversing
entries (:func:`reverse_disbursement`), never edited; a duplicate answers "已登记"
(:class:`AlreadyRecorded`) and writes nothing. The recovery after a revocation is computed in
``recoveries.services`` from these payment records.

Amounts and clauses come from the policy engine (``masterstudio.policy.funding``); nothing here
restates an amount of the Measures. Every change goes through ``GRANT_MACHINE.apply`` or records
an event itself, inside one transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from masterstudio.core.events import record_event, record_events
from masterstudio.core.transitions import Rule, StateMachine, TransitionError
from masterstudio.core.uploads import VOUCHER_KINDS, check_upload
from masterstudio.funding.models import (
    Disbursement,
    Grant,
    GrantDocument,
    GrantKind,
    GrantState,
    StudioTitle,
)


class FundingError(Exception):
    """A refused money operation; ``str(exc)`` is a Chinese message saying what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class AlreadyRecorded(FundingError):
    """The same thing was registered before: nothing was written. ``existing`` is the earlier row."""

    def __init__(self, message: str, field: str | None = None, existing=None):
        super().__init__(message, field)
        self.existing = existing


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


# ---------------------------------------------------------------- the two guards of every money entry


def today() -> date:
    return timezone.localdate()


def check_money_date(
    value: date | None, *, field: str, label: str, earliest: date | None = None, earliest_label: str = ""
) -> date:
    """The one date check of every money entry: filled in, not after today, not before the day it
    could first exist (``earliest``: the studio's recognition, the account's opening, the grant's
    approval …). The message names the field (``label``) and says what to fix."""
    if value is None:
        raise FundingError(f"请填写{label}", field=field)
    now = today()
    if value > now:
        raise FundingError(
            f"{label} {value:%Y-%m-%d} 晚于今天（{now:%Y-%m-%d}），不能登记未来日期的款项，请核对", field=field
        )
    if earliest is not None and value < earliest:
        raise FundingError(f"{label} {value:%Y-%m-%d} 早于{earliest_label} {earliest:%Y-%m-%d}，请核对", field=field)
    return value


def earning_refusal(studio, on: date | None = None) -> str | None:
    """The one answer to "may this studio earn district money now": ``None``, or why not.

    A revoked studio earns nothing new (Art. 13): no award, no title reward, no payment — a grant
    approved before the revocation and not yet paid is frozen. Nothing is awarded under these
    Measures for a date after their validity (Art. 20, ``valid_until`` of the parameters). The
    studio's state is read from the database, not from the caller's copy."""
    from masterstudio.studios.models import Studio, StudioState

    state, revoked_on = Studio.objects.filter(pk=studio.pk).values_list("state", "revoked_on").get()
    if state == StudioState.REVOKED:
        return (
            f"工作室已于 {revoked_on:%Y-%m-%d} 撤销（第13条），不再核定、拨付任何区级资助或奖励；"
            "撤销前核定而未拨付的资金已冻结"
        )
    if on is not None and on > policy_valid_until():
        return (
            f"《办法》有效期截止 {policy_valid_until():%Y-%m-%d}（第20条），{on:%Y-%m-%d} 已超出有效期，"
            "不能再按本办法核定新的资助或奖励；请先载入新版政策"
        )
    return None


def ensure_may_earn(studio, on: date | None = None, *, field: str | None = None) -> None:
    refusal = earning_refusal(studio, on)
    if refusal:
        raise FundingError(refusal, field=field if refusal.startswith("《办法》") else None)


def excellent_grade_refusal(studio, year: int) -> str | None:
    """Art. 14: the 优秀 reward of ``year`` needs that year's annual assessment published as 优秀."""
    from masterstudio.assessments.models import Grade, Kind, StudioAssessment

    result = StudioAssessment.objects.filter(studio=studio, year=year, kind=Kind.ANNUAL).first()
    if result is None or not result.published:
        return f"{year} 年度考核结果尚未发布，不能核定该年度的优秀奖励（第14条：等次为优秀的给予奖励）"
    if result.grade != Grade.EXCELLENT:
        return f"{year} 年度考核等次为“{result.get_grade_display()}”，只有等次为优秀的年度才能核定奖励（第14条）"
    return None


def lock_row(model, pk, *, related: tuple[str, ...] = ()):
    """Lock one row for the rest of the transaction, on PostgreSQL and on SQLite alike, read with
    the ``related`` rows it points at (not locked).

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks; a no-op UPDATE as the first
    statement takes the database write lock, so a second writer waits instead of reading stale data.
    """
    rows = model._default_manager.select_related(*related) if related else model._default_manager.all()
    if connection.features.has_select_for_update:
        return rows.select_for_update(of=("self",) if related else ()).get(pk=pk)
    model._default_manager.filter(pk=pk).update(**{model._meta.pk.attname: pk})
    return rows.get(pk=pk)


# ---------------------------------------------------------------- the engine


def policy_valid_until() -> date:
    from masterstudio.catalog.engine import versions

    return versions().last_valid_until


def _engine_award(studio, kind: str, on: date, year: int | None):
    """Ask the engine (``policy.funding``) what the Measures give for this event: an ``Award``
    with its clause and amount. The engine refuses a date after the policy's validity (Art. 20)."""
    from masterstudio.catalog.engine import params_on
    from masterstudio.policy import funding as engine
    from masterstudio.policy.errors import POLICY_EXPIRED, PolicyInputError
    from masterstudio.policytools.versions import require_in_force

    ensure_may_earn(studio, on, field="on")
    check_money_date(
        on, field="on", label="核定依据日期", earliest=studio.recognized_on, earliest_label="工作室认定日期"
    )
    require_in_force(on, "核定资助或奖励", FundingError)  # Art. 20: no grant approved outside every version
    params = params_on(on)  # the version in force on the award's own date
    try:
        if kind == GrantKind.INITIAL:
            return engine.initial_grant(on, params)
        if kind == GrantKind.EXCELLENT:
            if year < studio.recognized_on.year or year > on.year:
                raise FundingError(
                    f"考核年度 {year} 应在认定年度 {studio.recognized_on.year} 与核定日期所在年度之间", field="year"
                )
            return engine.excellent_reward(year, on, params)
        return engine.title_reward(kind, on, params)
    except PolicyInputError as exc:
        if exc.code == POLICY_EXPIRED:
            raise FundingError(
                f"《办法》有效期截止 {policy_valid_until():%Y-%m-%d}（第20条），{on:%Y-%m-%d} 已超出有效期，"
                f"不能再按本办法核定新的资助或奖励；请先载入新版政策。（{exc.message}）",
                field="on",
            ) from exc
        raise FundingError(exc.message, field=exc.field) from exc


# ---------------------------------------------------------------- awarding


def _existing(studio, kind: str, year: int | None):
    grants = Grant.objects.filter(studio=studio, kind=kind)
    if kind == GrantKind.EXCELLENT:
        grants = grants.filter(year=year)
    return grants.first()


def award_grant(
    studio, kind: str, *, on: date, year: int | None = None, actor=None, basis: str = "", document_no: str = ""
) -> Grant:
    """Create the Grant the Measures give ``studio`` for ``kind`` (initial / excellent / national /
    beijing) dated ``on``. Idempotent: a second call for the same (studio, kind[, year]) returns the
    grant that exists. Refuses after the policy's expiry (Art. 20) and after revocation (Art. 13)."""
    if kind not in GrantKind.values:
        raise FundingError(f"未知的资助类别“{kind}”，应为首次认定、年度优秀、国家级或北京市级称号之一")
    if kind == GrantKind.EXCELLENT:
        if year is None:
            raise FundingError("年度考核优秀奖励须注明考核年度（第14条）", field="year")
    else:
        year = None
    existing = _existing(studio, kind, year)
    if existing is not None:
        existing.already_recorded = True
        return existing
    ensure_may_earn(studio, on, field="on")
    if kind == GrantKind.EXCELLENT:
        refusal = excellent_grade_refusal(studio, year)
        if refusal:
            raise FundingError(refusal, field="year")
    award = _engine_award(studio, kind, on, year)
    amount = award.amount.quantize(Decimal("0.01"))
    grant = Grant(
        studio=studio,
        kind=kind,
        clause=award.clause,
        year=year,
        amount=amount,
        dated_on=award.on,
        basis=basis,
        document_no=document_no,
        approved_by=_approver(actor),
    )
    try:
        with transaction.atomic():
            from masterstudio.studios.models import Studio

            lock_row(Studio, studio.pk)
            ensure_may_earn(studio, on, field="on")  # again under the lock: a revocation meanwhile wins
            grant.save()
            record_event(**_approved_event(grant, actor))
    except IntegrityError:
        existing = _existing(studio, kind, year)
        if existing is None:
            raise
        existing.already_recorded = True
        return existing
    grant.already_recorded = False
    return grant


def award_initial_grants(studios: list, *, on: date, actor=None, basis) -> list[Grant]:
    """:func:`award_grant` ``(studio, "initial", on=on, …)`` for studios recognised on ``on`` in
    the caller's transaction (new, so none has its initial grant yet): the engine asked once (its
    answer depends on the date alone), one insert, one ``grant.approved`` event each, in order.
    ``basis``: the basis text of each studio's grant (a function of the studio)."""
    if not studios:
        return []
    for studio in studios[1:]:
        ensure_may_earn(studio, on, field="on")
    award = _engine_award(studios[0], GrantKind.INITIAL, on, None)
    amount = award.amount.quantize(Decimal("0.01"))
    approved_by = _approver(actor)
    grants = Grant.objects.bulk_create(
        [
            Grant(
                studio=studio,
                kind=GrantKind.INITIAL,
                clause=award.clause,
                year=None,
                amount=amount,
                dated_on=award.on,
                basis=basis(studio),
                document_no="",
                approved_by=approved_by,
            )
            for studio in studios
        ]
    )
    record_events(_approved_event(grant, actor) for grant in grants)
    return grants


def _approver(actor):
    """The approving user recorded on a grant (none for the system or an anonymous caller)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _approved_event(grant: Grant, actor) -> dict:
    """The ``grant.approved`` event of a grant just written (:func:`record_event`'s arguments)."""
    return dict(
        action="grant.approved",
        obj=grant,
        actor=actor,
        to_state=GrantState.APPROVED,
        clause=grant.clause,
        reason=grant.basis,
        data={
            "kind": grant.kind,
            "year": grant.year,
            "amount": str(grant.amount),
            "on": grant.dated_on.isoformat(),
            "document_no": grant.document_no,
        },
    )


def record_title(studio, level: str, *, document_no: str, awarded_on: date, actor) -> tuple[StudioTitle, Grant]:
    """Record a national or Beijing-level studio title (Art. 15) and award its reward.

    Approver duty. Refused for a revoked studio, a date after today or before the recognition, and
    a title registered before (:class:`AlreadyRecorded`, "已登记": nothing is written)."""
    from masterstudio.funding.models import TitleLevel

    if actor is None or not actor.has_duty("approver"):
        raise FundingError("只有具有审批职责的工作人员可以登记称号并核定奖励")
    if level not in TitleLevel.values:
        raise FundingError("请选择称号级别（国家级或北京市级）", field="level")
    document_no = (document_no or "").strip()
    if not document_no:
        raise FundingError("请填写命名文件文号", field="document_no")
    check_money_date(
        awarded_on, field="awarded_on", label="命名日期", earliest=studio.recognized_on, earliest_label="工作室认定日期"
    )
    with transaction.atomic():
        lock_row(type(studio), studio.pk)
        ensure_may_earn(studio, awarded_on, field="awarded_on")
        title = StudioTitle.objects.filter(studio=studio, level=level).first()
        if title is not None:
            raise AlreadyRecorded(
                f"已登记：该工作室的{title.get_level_display()}称号已于 {title.awarded_on:%Y-%m-%d} 登记"
                f"（文号 {title.document_no}），未重复登记，也未重复核定奖励",
                field="level",
                existing=title,
            )
        title = StudioTitle.objects.create(
            studio=studio, level=level, document_no=document_no, awarded_on=awarded_on, recorded_by=actor
        )
        record_event(
            "studio_title.recorded",
            obj=title,
            actor=actor,
            clause="15",
            data={"level": level, "document_no": document_no, "awarded_on": awarded_on},
        )
        grant = award_grant(
            studio,
            level,
            on=title.awarded_on,
            actor=actor,
            basis=f"取得{title.get_level_display()}称号（{title.document_no}）",
            document_no=title.document_no,
        )
    return title, grant


# ---------------------------------------------------------------- paying


def parse_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise FundingError(f"金额“{value}”不是有效的数字，请填写如 50000.00", field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise FundingError("金额必须大于 0", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise FundingError("金额最多保留两位小数（分）", field=field)
    return amount.quantize(Decimal("0.01"))


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
            GRANT_MACHINE.apply(
                grant,
                GrantState.DISBURSED,
                actor=actor,
                clause=grant.clause,
                reason=f"拨付完毕，凭证号 {voucher_no}",
                extra_fields={"disbursed_on": paid_on, "voucher_no": voucher_no, "disbursed_by": actor},
            )
            from masterstudio.core.notify import notify

            notify(
                grant.studio.unit.accounts.filter(is_active=True),
                "grant_paid",
                {"grant": grant, "studio": grant.studio, "paid_on": paid_on},
                url=reverse("studios:detail", args=[grant.studio_id]),
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
