"""Who sees which special account: staff with a business duty all (and can query them), a unit its
own studios', a leader the studio they lead, an evaluator the accounts of studios in an open
evaluation (entries limited to its years) — the studio's rule, ``of_visible_studios``."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from masterstudio.accounts.models import Role
from masterstudio.ledger.models import Asset, Expense, Income, Source, SpecialAccount
from masterstudio.studios.selectors import of_visible_studios, studios_for

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(model, source=None):
    rows = model.objects.filter(account=OuterRef("pk"))
    if source:
        rows = rows.filter(source=source)
    return Coalesce(
        Subquery(rows.values("account").annotate(t=Sum("amount")).values("t")[:1], output_field=_MONEY),
        Value(0),
        output_field=_MONEY,
    )


def _warnings():
    rows = Expense.objects.filter(account=OuterRef("pk")).exclude(warning="")
    return Coalesce(Subquery(rows.values("account").annotate(n=Count("pk")).values("n")[:1]), Value(0))


def accounts_for(user, *, by_source: bool = False):
    """With ``by_source``, also each source's income and expense totals (``income_<source>``,
    ``expense_<source>``, read by ``ledger.services.balances``) in the same query."""
    # every figure is a subquery: a COUNT over a join with the expenses would group the account by
    # its subqueries and run them once per expense
    queryset = (
        SpecialAccount.objects.select_related("studio", "studio__unit")
        .annotate(
            income_total=_sum(Income),
            expense_total=_sum(Expense),
            warnings=_warnings(),
        )
        .annotate(balance=F("income_total") - F("expense_total"))
    )
    if by_source:
        queryset = queryset.annotate(
            **{f"income_{source}": _sum(Income, source) for source in Source.values},
            **{f"expense_{source}": _sum(Expense, source) for source in Source.values},
        )
    return of_visible_studios(queryset, user)


def entries_for(user, account, model):
    """Income, Expense or Asset rows of an account taken from ``accounts_for``; an evaluator only
    sees its years."""
    date_field = {Income: "received_on", Expense: "spent_on", Asset: "acquired_on"}[model]
    rows = model.objects.filter(account=account)
    if user.role == Role.EVALUATOR:
        rows = of_visible_studios(rows, user, "account__studio", date_field)
    return rows


def expenses_for(user):
    rows = Expense.objects.select_related("account", "account__studio", "account__studio__unit")
    visible = accounts_for(user).values("pk")
    rows = rows.filter(account__in=visible)
    if user.is_authenticated and user.role == Role.EVALUATOR:
        rows = of_visible_studios(rows, user, "account__studio", "spent_on")
    return rows


def own_studios_without_account(user):
    """The studios a unit may open a special account for (its own, none yet)."""
    if user.role != Role.UNIT:
        return studios_for(None)
    return studios_for(user).filter(special_account__isnull=True).order_by("name")


def assets_for(user):
    rows = Asset.objects.select_related("account", "account__studio")
    rows = rows.filter(account__in=accounts_for(user).values("pk"))
    if user.is_authenticated and user.role == Role.EVALUATOR:
        rows = of_visible_studios(rows, user, "account__studio", "acquired_on")
    return rows
