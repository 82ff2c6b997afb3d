"""What an account holds, by source, and the spending rules read from the engine (clause 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from masterstudio.ledger import rules
from masterstudio.ledger.models import (
    Category,
    Source,
    SpecialAccount,
)
from masterstudio.ledger.services.base import ZERO

# ---------------------------------------------------------------- balances


@dataclass
class SourceBalance:
    source: str
    label: str
    income: Decimal
    expense: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.expense


def balances(account: SpecialAccount) -> dict[str, SourceBalance]:
    if hasattr(account, f"income_{Source.GRANT}"):  # read with the account (accounts_for(by_source=True))
        incomes = {value: getattr(account, f"income_{value}") for value in Source.values}
        expenses = {value: getattr(account, f"expense_{value}") for value in Source.values}
    else:
        incomes = dict(account.incomes.values_list("source").annotate(total=Sum("amount")).order_by())
        expenses = dict(account.expenses.values_list("source").annotate(total=Sum("amount")).order_by())
    return {
        value: SourceBalance(value, label, incomes.get(value) or ZERO, expenses.get(value) or ZERO)
        for value, label in Source.choices
    }


def spending_warning(source: str, category: str, on: date) -> str:
    """The Art. 16 warning for spending ``source`` on ``category`` (the engine's sentence), or ''."""
    answer = rules.check(source, category, Decimal("0.00"), on)
    if answer["allowed"]:
        return ""
    extra = "团队激励只能从奖励费用中列支。" if category == Category.INCENTIVE else ""
    return f"{answer['message']}{extra}"


def asset_required(category: str, amount: Decimal, on: date, *, special_equipment: bool = False) -> bool:
    return rules.check(Source.GRANT, category, amount, on, special=special_equipment)["register_as_fixed_asset"]
