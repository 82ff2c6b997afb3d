"""The special account's shared pieces: the error, amounts and dates read, the keeper check, what the
district paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from masterstudio.funding.models import Disbursement, Grant, GrantKind
from masterstudio.funding.services import FundingError, check_money_date, parse_amount
from masterstudio.ledger.models import (
    IncomeKind,
    Source,
    SpecialAccount,
)


class LedgerError(FundingError):
    """A refused ledger entry; carries the form field it belongs to."""


ZERO = Decimal("0.00")


def _amount(value, field: str = "amount") -> Decimal:
    try:
        return parse_amount(value, field)
    except FundingError as exc:
        raise LedgerError(str(exc), field=exc.field) from None


def _dated(value, **kwargs) -> date:
    try:
        return check_money_date(value, **kwargs)
    except FundingError as exc:
        raise LedgerError(str(exc), field=exc.field) from None


def _ensure_keeper(account_or_studio, actor) -> None:
    """Art. 16: the studio's unit keeps its special account; nobody else writes in it."""
    studio = getattr(account_or_studio, "studio", account_or_studio)
    if actor is None or getattr(actor, "role", None) != "unit" or actor.unit_id != studio.unit_id:
        raise LedgerError("专账由工作室所在单位记账，只有该单位的账号可以登记")


def district_paid(studio) -> dict[str, Decimal]:
    """District money the platform records as paid to ``studio`` (payments net of reversals, imported
    payments of the former Measures included), by ledger source: the one-time grant, rewards."""

    paid = {Source.GRANT: ZERO, Source.REWARD: ZERO}
    for kind, total in (
        Disbursement.objects.filter(grant__studio=studio)
        .values_list("grant__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        source = Source.GRANT if kind == GrantKind.INITIAL else Source.REWARD
        paid[source] += total or ZERO
    return paid


def _booked_district(account: SpecialAccount, source: str) -> Decimal:
    """District money of ``source`` already in the account: its opening and the grant incomes."""
    return (
        account.incomes.filter(source=source, kind__in=[IncomeKind.OPENING, IncomeKind.GRANT]).aggregate(
            t=Sum("amount")
        )["t"]
        or ZERO
    )


def source_of_grant(grant: Grant) -> str:
    """Art. 16 separates the one-time grant (Art. 14 first part) from rewards (优秀, Art. 15)."""
    return Source.GRANT if grant.kind == GrantKind.INITIAL else Source.REWARD
