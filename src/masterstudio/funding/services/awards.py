"""Awarding district money (Art. 14, 15): the amounts and clauses from the policy engine
(``masterstudio.policy.funding``), each award idempotent and unique in the database, every one
recorded as a ``grant.approved`` event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from masterstudio.core.events import record_event, record_events
from masterstudio.core.locks import lock_row
from masterstudio.funding.models import Grant, GrantKind, GrantState, StudioTitle, TitleLevel
from masterstudio.funding.services.guards import (
    AlreadyRecorded,
    FundingError,
    award_condition_refusal,
    check_money_date,
    ensure_may_earn,
    policy_valid_until,
)
from masterstudio.studios.models import Studio


def _engine_award(studio, kind: str, on: date, year: int | None):
    """Ask the engine (``policy.funding``) what the Measures give for this event: an ``Award``
    with its clause and amount. The engine refuses a date after the policy's validity (Art. 20)."""
    # inside: the engine and its parameters load the policy files on first use
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
    refusal = award_condition_refusal(studio, kind, year)
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
