"""Writes for district money (Art. 13–15): awarding, disbursing, cancelling and recovering grants.

Amounts and clauses come from the policy engine (``masterstudio.policy.funding``); nothing here
restates an amount of the Measures. Every change goes through ``GRANT_MACHINE.apply`` or records
an event itself, inside one transaction.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from masterstudio.core.events import record_event, record_events
from masterstudio.core.transitions import Rule, StateMachine, TransitionError
from masterstudio.funding.models import (
    Disbursement,
    Grant,
    GrantDocument,
    GrantKind,
    GrantState,
    StudioTitle,
)
from masterstudio.core.uploads import VOUCHER_KINDS, check_upload


class FundingError(Exception):
    """A refused money operation; ``str(exc)`` is a Chinese message saying what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


GRANT_MACHINE = StateMachine(
    model=Grant,
    field="state",
    labels=dict(GrantState.choices),
    table={
        (GrantState.APPROVED, GrantState.DISBURSED): Rule(clause="", label="拨付完毕"),
        (GrantState.APPROVED, GrantState.CANCELLED): Rule(clause="", requires_reason=True, label="取消核定"),
        (GrantState.DISBURSED, GrantState.RECOVERED): Rule(clause="13", requires_reason=True, label="追回"),
    },
)


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

    if studio.revoked_on and on > studio.revoked_on:
        raise FundingError(f"工作室已于 {studio.revoked_on:%Y-%m-%d} 撤销（第13条），此后不再核定资助或奖励")
    if on < studio.recognized_on:
        raise FundingError(f"核定依据日期不能早于工作室认定日期 {studio.recognized_on:%Y-%m-%d}", field="on")
    require_in_force(on, "核定资助或奖励", FundingError)  # Art. 20: no grant approved outside every version
    params = params_on(on)  # the version in force on the award's own date
    try:
        if kind == GrantKind.INITIAL:
            return engine.initial_grant(on, params)
        if kind == GrantKind.EXCELLENT:
            if year < studio.recognized_on.year or year > on.year:
                raise FundingError(f"考核年度 {year} 应在认定年度 {studio.recognized_on.year} 与核定日期所在年度之间",
                                   field="year")
            return engine.excellent_reward(year, on, params)
        return engine.title_reward(kind, on, params)
    except PolicyInputError as exc:
        if exc.code == POLICY_EXPIRED:
            raise FundingError(
                f"《办法》有效期截止 {policy_valid_until():%Y-%m-%d}（第20条），{on:%Y-%m-%d} 已超出有效期，"
                f"不能再按本办法核定新的资助或奖励；请先载入新版政策。（{exc.message}）", field="on") from exc
        raise FundingError(exc.message, field=exc.field) from exc


# ---------------------------------------------------------------- awarding


def _existing(studio, kind: str, year: int | None):
    grants = Grant.objects.filter(studio=studio, kind=kind)
    if kind == GrantKind.EXCELLENT:
        grants = grants.filter(year=year)
    return grants.first()


def award_grant(studio, kind: str, *, on: date, year: int | None = None, actor=None, basis: str = "",
                document_no: str = "") -> Grant:
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
        return existing
    award = _engine_award(studio, kind, on, year)
    amount = award.amount.quantize(Decimal("0.01"))
    grant = Grant(
        studio=studio, kind=kind, clause=award.clause, year=year, amount=amount,
        dated_on=award.on, basis=basis, document_no=document_no,
        approved_by=_approver(actor),
    )
    try:
        with transaction.atomic():
            grant.save()
            record_event(**_approved_event(grant, actor))
    except IntegrityError:
        existing = _existing(studio, kind, year)
        if existing is None:
            raise
        return existing
    return grant


def award_initial_grants(studios: list, *, on: date, actor=None, basis) -> list[Grant]:
    """:func:`award_grant` ``(studio, "initial", on=on, …)`` for studios recognised on ``on`` in
    the caller's transaction (new, so none has its initial grant yet): the engine asked once (its
    answer depends on the date alone), one insert, one ``grant.approved`` event each, in order.
    ``basis``: the basis text of each studio's grant (a function of the studio)."""
    if not studios:
        return []
    award = _engine_award(studios[0], GrantKind.INITIAL, on, None)
    amount = award.amount.quantize(Decimal("0.01"))
    approved_by = _approver(actor)
    grants = Grant.objects.bulk_create([
        Grant(studio=studio, kind=GrantKind.INITIAL, clause=award.clause, year=None, amount=amount, dated_on=award.on,
              basis=basis(studio), document_no="", approved_by=approved_by)
        for studio in studios])
    record_events(_approved_event(grant, actor) for grant in grants)
    return grants


def _approver(actor):
    """The approving user recorded on a grant (none for the system or an anonymous caller)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _approved_event(grant: Grant, actor) -> dict:
    """The ``grant.approved`` event of a grant just written (:func:`record_event`'s arguments)."""
    return dict(action="grant.approved", obj=grant, actor=actor, to_state=GrantState.APPROVED, clause=grant.clause,
                reason=grant.basis, data={"kind": grant.kind, "year": grant.year, "amount": str(grant.amount),
                                          "on": grant.dated_on.isoformat(), "document_no": grant.document_no})


def record_title(studio, level: str, *, document_no: str, awarded_on: date, actor) -> tuple[StudioTitle, Grant]:
    """Record a national or Beijing-level studio title (Art. 15) and award its reward."""
    document_no = (document_no or "").strip()
    if not document_no:
        raise FundingError("请填写命名文件文号", field="document_no")
    with transaction.atomic():
        lock_row(type(studio), studio.pk)
        title = StudioTitle.objects.filter(studio=studio, level=level).first()
        if title is None:
            title = StudioTitle.objects.create(studio=studio, level=level, document_no=document_no,
                                               awarded_on=awarded_on, recorded_by=actor)
            record_event("studio_title.recorded", obj=title, actor=actor, clause="15",
                         data={"level": level, "document_no": document_no, "awarded_on": awarded_on})
        grant = award_grant(studio, level, on=title.awarded_on, actor=actor,
                            basis=f"取得{title.get_level_display()}称号（{title.document_no}）",
                            document_no=title.document_no)
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
    if paid_on is None:
        raise FundingError("请填写拨付日期", field="paid_on")
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        if grant.approved_by_id is not None and grant.approved_by_id == actor.pk:
            raise FundingError("核定该笔资金的人员不能再确认拨付（审批与财务分离），请由其他财务人员确认")
        if grant.state != GrantState.APPROVED:
            raise FundingError(f"该笔资金当前状态为“{grant.get_state_display()}”，不能再拨付")
        if paid_on < grant.dated_on:
            raise FundingError(f"拨付日期不能早于核定日期 {grant.dated_on:%Y-%m-%d}", field="paid_on")
        if Disbursement.objects.filter(voucher_no=voucher_no).exists():
            raise FundingError(f"拨付凭证号“{voucher_no}”已登记过，请勿重复登记同一笔拨付", field="voucher_no")
        paid = disbursed_total(grant)
        remaining = grant.amount - paid
        if amount > remaining:
            raise FundingError(
                f"拨付金额 {amount:,.2f} 元超过核定未拨付金额 {remaining:,.2f} 元"
                f"（核定 {grant.amount:,.2f} 元，已拨付 {paid:,.2f} 元）", field="amount")
        payment = Disbursement.objects.create(grant=grant, amount=amount, paid_on=paid_on, voucher_no=voucher_no,
                                              confirmed_by=actor, note=note)
        record_event("grant.payment", obj=grant, actor=actor, clause=grant.clause,
                     data={"amount": str(amount), "paid_on": paid_on, "voucher_no": voucher_no,
                           "disbursement": payment.pk})
        if paid + amount == grant.amount:
            GRANT_MACHINE.apply(grant, GrantState.DISBURSED, actor=actor, clause=grant.clause,
                                reason=f"拨付完毕，凭证号 {voucher_no}",
                                extra_fields={"disbursed_on": paid_on, "voucher_no": voucher_no,
                                              "disbursed_by": actor})
            from masterstudio.core.notify import notify

            notify(grant.studio.unit.accounts.filter(is_active=True), "grant_paid",
                   {"grant": grant, "studio": grant.studio, "paid_on": paid_on},
                   url=f"/studios/{grant.studio_id}/")
    return payment


def cancel_grant(grant: Grant, *, actor, reason: str, on: date, clause: str = "") -> Grant:
    """Cancel a grant not yet (fully) paid. Approver duty."""
    if actor is None or not actor.has_duty("approver"):
        raise FundingError("只有具有审批职责的工作人员可以取消核定")
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        if grant.disbursements.exists():
            raise FundingError("该笔资金已有拨付记录，不能取消；已拨付的资金应办理追回")
        try:
            GRANT_MACHINE.apply(grant, GrantState.CANCELLED, actor=actor, reason=reason, clause=clause or grant.clause,
                                extra_fields={"closed_on": on, "closed_reason": reason, "closed_by": actor})
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
    with transaction.atomic():
        grant = lock_row(Grant, grant.pk)
        try:
            GRANT_MACHINE.apply(grant, GrantState.RECOVERED, actor=actor, reason=reason, clause="13",
                                extra_fields={"closed_on": on, "closed_reason": reason, "closed_by": actor,
                                              "recovery_voucher_no": voucher_no})
        except TransitionError as exc:
            raise FundingError(str(exc)) from exc
    return grant


def apply_revocation(studio, *, actor, reason: str = "") -> dict:
    """After a studio is revoked (Art. 13): the engine names the clauses of the funding cycle to
    recover; grants dated in that cycle are cancelled if unpaid and flagged for recovery if paid.

    Returns ``{"cycle_start", "cycle_end", "amount", "cancelled": [...], "to_recover": [...]}``."""
    if studio.revoked_on is None:
        raise FundingError("工作室尚未撤销，不能办理资金追回")
    from masterstudio.catalog.engine import params_on
    from masterstudio.policy import funding as engine

    grants = list(studio.grants.exclude(state__in=[GrantState.CANCELLED, GrantState.RECOVERED]))
    awards = {engine.Award(g.kind, g.clause, g.dated_on, g.amount, year=g.year): g for g in grants}
    answer = engine.recovery(list(awards), studio.recognized_on, studio.revoked_on,
                             params_on(studio.revoked_on))
    cycle_start, cycle_end = answer.cycle_start, answer.cycle_end
    inside = {awards[a].pk for a in answer.awards}
    result = {"cycle_start": cycle_start, "cycle_end": cycle_end, "amount": answer.amount,
              "clauses": answer.clauses, "cancelled": [], "to_recover": []}
    clause_note = reason or f"工作室撤销（第13条），追回 {cycle_start:%Y-%m-%d} 起资助周期内的区级资金"
    with transaction.atomic():
        for grant in grants:
            if grant.pk not in inside:
                continue
            grant = lock_row(Grant, grant.pk)
            if grant.state == GrantState.APPROVED and not grant.disbursements.exists():
                GRANT_MACHINE.apply(grant, GrantState.CANCELLED, actor=actor, reason=clause_note, clause="13",
                                    extra_fields={"closed_on": studio.revoked_on, "closed_reason": clause_note,
                                                  "closed_by": actor if getattr(actor, "pk", None) else None})
                result["cancelled"].append(grant)
            elif not grant.recovery_required:
                Grant.objects.filter(pk=grant.pk).update(recovery_required=True)
                grant.recovery_required = True
                record_event("grant.recovery_required", obj=grant, actor=actor, clause="13", reason=clause_note,
                             data={"paid": str(disbursed_total(grant))})
                result["to_recover"].append(grant)
    return result


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
        document = GrantDocument.objects.create(grant=grant, title=title, file=upload, original_name=upload.name,
                                                uploaded_by=actor)
        record_event("grant.document", obj=grant, actor=actor, data={"document": document.pk, "title": title,
                                                                     "file": upload.name})
    return document
