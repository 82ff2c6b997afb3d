"""Art. 16 as the engine's parameters say it (``parameters/<set>/funding.yaml``, clause 16).

The one-time grant pays for ``grant_spending_categories``; rewards for
``reward_spending_categories`` (construction plus team incentives). The unit's matching funds sit in
the same special account (专款专用) and are held to the grant's categories — the platform's reading of
"对一次性资助费用、所在单位配套费用建立专门账目（科目），专款专用", documented in docs/ARCHITECTURE.md.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from masterstudio.policy import params


def allowed_categories(source: str, on: date) -> list[str]:
    pset = params.load()
    name = "reward_spending_categories" if source == "reward" else "grant_spending_categories"
    return list(pset.get(name, on))


def fixed_asset_threshold(on: date, *, special: bool = False) -> Decimal:
    pset = params.load()
    name = "special_equipment_fixed_asset_threshold" if special else "fixed_asset_threshold"
    return Decimal(str(pset.get(name, on)))
