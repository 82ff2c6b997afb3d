"""``{% param "name" on=date %}``: a law value read from the policy parameters, never typed in a template.

The value is the one in force on ``on`` (a date, a datetime or an ISO date; today by the platform's
clock when omitted) in the version that governs that date (``catalog.engine.params_on``: the shipped
versions plus the successors staff have entered). ``unit="万元"`` shows an amount in 万元; dates show
as “2027年1月10日”, month-days as “12月15日”. An unknown parameter name is a programming error and
raises ``KeyError`` when the page renders.

    {% load policy_params %}
    应由 {% param "team_min_size" on=application.round.closes_at %} 名以上正式员工组成
    首次认定给予一次性资助 {% param "initial_grant_amount" unit="万元" %} 万元
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from masterstudio.catalog import engine
from masterstudio.policy.dates import parse_date

register = template.Library()

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000)}


def day_of(on) -> date:
    """``on`` as a date: a datetime in the platform's time zone, an ISO string parsed; None = today."""
    if on is None or on == "":
        return timezone.localdate()
    if isinstance(on, datetime):
        return timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    if isinstance(on, date):
        return on
    return parse_date(str(on), "on")


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def display(parameter, value, unit: str | None = None) -> str:
    """The text of one parameter value as a page shows it."""
    if parameter.type == "money":
        if unit is not None and unit not in MONEY_UNITS:
            raise ValueError(f"unit must be one of {sorted(MONEY_UNITS)}, not {unit!r}")
        return _number(value / MONEY_UNITS[unit or "元"])
    if parameter.type == "date":
        return f"{value.year}年{value.month}月{value.day}日"
    if parameter.type == "month_day":
        month, day = value.split("-")
        return f"{int(month)}月{int(day)}日"
    if isinstance(value, tuple):
        return "、".join(str(item) for item in value)
    return str(value)


def value_on(name: str, on=None):
    """The parameter ``name`` and its value in force on ``on``."""
    day = day_of(on)
    pset = engine.params_on(day)
    return pset.param(name), pset.get(name, day)


@register.simple_tag
def param(name: str, on=None, unit: str | None = None) -> str:
    parameter, value = value_on(name, on)
    return display(parameter, value, unit)
