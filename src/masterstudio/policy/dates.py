"""Date arithmetic with its month-end rule stated (architecture habit 11).

Rule: adding months or years keeps the day of the month, clamped to the last day of the target
month (2024-02-29 + 1 year = 2025-02-28; 2026-01-31 + 1 month = 2026-02-28). This is the rule the
2024 retirement decision uses ("出生日期 + 年龄", day clamped to the month's end) and the rule used
for the 3-year funding cycles and the 2-year retirement margin.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .errors import INVALID_INPUT, PolicyInputError

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value, field: str) -> date:
    """A ``YYYY-MM-DD`` string (or a ``date``) → ``date``; anything else is ``invalid_input``."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if not isinstance(value, str):
        raise PolicyInputError(INVALID_INPUT, field, f"{field} 应为日期字符串，格式 YYYY-MM-DD（如 2026-06-30）")
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # explained below: month or day out of range
    if not match:
        raise PolicyInputError(
            INVALID_INPUT, field, f"{field} 的日期格式应为 YYYY-MM-DD（如 2026-06-30），收到“{value}”"
        )
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise PolicyInputError(INVALID_INPUT, field, f"{field} 的月份 {month:02d} 不存在，请填写 01–12")
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if year < 1 or not 1 <= day <= last:
        raise PolicyInputError(
            INVALID_INPUT, field, f"{field} 的日期 {value} 不存在（{year}年{month}月只有 {last} 天），请核对"
        )
    return date(year, month, day)


def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months, the day clamped to the target month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(start.day, last_day_of_month(year, month)))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def whole_months_between(start: date, end: date) -> int:
    """The largest ``m`` with ``add_months(start, m) <= end`` (``start <= end``)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def years_months(months: int) -> tuple[int, int]:
    return divmod(months, 12)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
