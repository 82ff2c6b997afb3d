"""Who sees which special account: staff all (and can query them), a unit its own studios', an
evaluator the accounts of studios in an open evaluation (entries limited to its years)."""
from __future__ import annotations

from django.db.models import Count, F, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from masterstudio.core.permissions import reads_business_records
from masterstudio.evaluations.selectors import evaluator_scope
from masterstudio.ledger.models import Asset, Expense, Income, SpecialAccount

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(model, source=None):
    rows = model.objects.filter(account=OuterRef("pk"))
    if source:
        rows = rows.filter(source=source)
    return Coalesce(Subquery(rows.values("account").annotate(t=Sum("amount")).values("t")[:1], output_field=_MONEY),
                    Value(0), output_field=_MONEY)


def _warnings():
    rows = Expense.objects.filter(account=OuterRef("pk")).exclude(warning="")
    return Coalesce(Subquery(rows.values("account").annotate(n=Count("pk")).values("n")[:1]), Value(0))


def accounts_for(user):
    # every figure is a subquery: a COUNT over a join with the expenses would group the account by
    # its subqueries and run them once per expense
    queryset = SpecialAccount.objects.select_related("studio", "studio__unit").annotate(
        income_total=_sum(Income), expense_total=_sum(Expense), warnings=_warnings(),
    ).annotate(balance=F("income_total") - F("expense_total"))
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == "staff":
        return queryset if reads_business_records(user) else queryset.none()
    if user.role in ("unit", "leader") and user.unit_id:
        return queryset.filter(studio__unit_id=user.unit_id)
    if user.role == "evaluator":
        return queryset.filter(studio_id__in=evaluator_scope(user).studio_ids)
    return queryset.none()


def entries_for(user, account, model):
    """Income, Expense or Asset rows of a visible account; an evaluator only sees its years."""
    date_field = {Income: "received_on", Expense: "spent_on", Asset: "acquired_on"}[model]
    rows = model.objects.filter(account=account)
    if user.role == "evaluator":
        rows = rows.filter(evaluator_scope(user).q("account__studio", date_field))
    return rows


def expenses_for(user):
    rows = Expense.objects.select_related("account", "account__studio", "account__studio__unit")
    visible = accounts_for(user).values("pk")
    rows = rows.filter(account__in=visible)
    if user.is_authenticated and user.role == "evaluator":
        rows = rows.filter(evaluator_scope(user).q("account__studio", "spent_on"))
    return rows


def assets_for(user):
    rows = Asset.objects.select_related("account", "account__studio")
    rows = rows.filter(account__in=accounts_for(user).values("pk"))
    if user.is_authenticated and user.role == "evaluator":
        rows = rows.filter(evaluator_scope(user).q("account__studio", "acquired_on"))
    return rows
