"""Art. 16 as the engine answers it (``policy.spending.check_expense``, clause 16): which fund may
pay for which category, and which purchases go to the fixed-asset register. The ledger's source
``matching`` is the engine's fund ``unit_matching`` (所在单位配套费用)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from masterstudio.catalog.engine import params_on
from masterstudio.policy import spending

FUND = {"grant": "grant", "reward": "reward", "matching": "unit_matching"}


def check(source: str, category: str, amount: Decimal, on: date, *, special: bool = False) -> dict:
    return spending.check_expense(
        FUND[source], category, f"{amount:.2f}", special_equipment=special, on=on, params=params_on(on)
    )


def allowed_categories(source: str, on: date) -> list[str]:
    name = "reward_spending_categories" if source == "reward" else "grant_spending_categories"
    return list(params_on(on).get(name, on))


def fixed_asset_threshold(on: date, *, special: bool = False) -> Decimal:
    name = "special_equipment_fixed_asset_threshold" if special else "fixed_asset_threshold"
    return Decimal(str(params_on(on).get(name, on)))
