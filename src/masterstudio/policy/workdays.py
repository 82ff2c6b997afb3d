"""Working days under the official holiday and 调休 (make-up workday) arrangements.

A day is a working day when it is a make-up workday (a weekend day worked, e.g. 2026-02-14), or when
it is Monday–Friday and not a holiday. Sources, per year:

* the caller's overrides ``{year: {"holidays": {date, …}, "workdays": {date, …}}}`` — years staff
  entered on the platform; an override replaces the package data for its year;
* otherwise the package ``chinese_calendar`` (chinesecalendar, MIT), which knows 2004–2026.

A period that runs into a year neither knows is refused with ``calendar_year_unknown``; nothing is
guessed. (``chinese_calendar.is_in_lieu`` means a weekday taken off, not a make-up workday; the
engine reads the package's ``holidays`` and ``workdays`` tables directly.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc

from .dates import parse_date
from .errors import CALENDAR_YEAR_UNKNOWN, INVALID_INPUT, PolicyInputError

# The longest run of consecutive non-working days in any arrangement is well under 20; a search for
# the next working day that goes further means the data is broken, not the question.
_MAX_GAP = 40


@dataclass(frozen=True)
class YearArrangement:
    year: int
    holidays: frozenset  # dates off (weekdays taken off; weekend holidays may be listed too)
    workdays: frozenset  # make-up workdays (weekend days worked)
    source: str  # "chinese_calendar" or "override"


@lru_cache(maxsize=1)
def _package_years() -> dict[int, YearArrangement]:
    holidays: dict[int, set] = {}
    workdays: dict[int, set] = {}
    for day in _cc.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in _cc.workdays:
        workdays.setdefault(day.year, set()).add(day)
    first, last = min(holidays), max(holidays)
    return {
        year: YearArrangement(
            year, frozenset(holidays.get(year, ())), frozenset(workdays.get(year, ())), "chinese_calendar"
        )
        for year in range(first, last + 1)
    }


def package_years() -> tuple[int, int]:
    years = _package_years()
    return min(years), max(years)


def package_version() -> str:
    return chinese_calendar.__version__


class WorkCalendar:
    """Working-day questions over package data plus caller-supplied year overrides."""

    def __init__(self, overrides: Mapping | None = None):
        self._years: dict[int, YearArrangement] = dict(_package_years())
        self._override_years: frozenset = frozenset()
        if overrides:
            parsed = _parse_overrides(overrides)
            self._years.update(parsed)
            self._override_years = frozenset(parsed)

    def knows(self, year: int) -> bool:
        return year in self._years

    def source(self, year: int) -> str | None:
        arrangement = self._years.get(year)
        return arrangement.source if arrangement else None

    def arrangement(self, year: int, field: str | None = None) -> YearArrangement:
        try:
            return self._years[year]
        except KeyError:
            first, last = package_years()
            raise PolicyInputError(
                CALENDAR_YEAR_UNKNOWN,
                field,
                f"平台尚不知道 {year} 年的法定节假日和调休安排（内置数据为 {first}–{last} 年，工作人员也未录入 "
                f"{year} 年），"
                f"无法计算涉及 {year} 年的工作日；请工作人员先在平台录入 {year} 年的放假和调休日期后再计算",
            ) from None

    def is_workday(self, day: date, field: str | None = None) -> bool:
        arrangement = self.arrangement(day.year, field)
        if day in arrangement.workdays:
            return True
        return day.weekday() < 5 and day not in arrangement.holidays

    def next_workday(self, day: date, field: str | None = None) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        current = day
        for _ in range(_MAX_GAP):
            if self.is_workday(current, field):
                return current
            current += timedelta(days=1)
        raise RuntimeError(f"no working day within {_MAX_GAP} days of {day}: holiday data is inconsistent")

    def working_days(
        self, start: date, count: int, *, include_start: bool = True, field: str | None = None
    ) -> list[date]:
        """``count`` working days counted from ``start``.

        ``include_start``: ``start`` is day 1 when it is a working day (interpretation 4);
        otherwise counting begins on the next working day after ``start``.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        current = start if include_start else start + timedelta(days=1)
        days: list[date] = []
        while len(days) < count:
            current = self.next_workday(current, field)
            days.append(current)
            current += timedelta(days=1)
        return days


def _parse_overrides(overrides: Mapping) -> dict[int, YearArrangement]:
    if not isinstance(overrides, Mapping):
        raise PolicyInputError(
            INVALID_INPUT, "calendar_overrides", "节假日安排应为 {年份: {holidays, workdays}} 的对象"
        )
    parsed = {}
    for raw_year, entry in overrides.items():
        path = f"calendar_overrides.{raw_year}"
        year = raw_year
        if isinstance(raw_year, str) and raw_year.isdigit():
            year = int(raw_year)
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise PolicyInputError(INVALID_INPUT, path, f"年份“{raw_year}”无效，请填写四位年份，如 2027")
        if not isinstance(entry, Mapping):
            raise PolicyInputError(INVALID_INPUT, path, '每年的安排应为 {"holidays": [...], "workdays": [...]} 对象')
        holidays = _date_set(entry.get("holidays", ()), year, f"{path}.holidays")
        workdays = _date_set(entry.get("workdays", ()), year, f"{path}.workdays")
        both = holidays & workdays
        if both:
            first = min(both).isoformat()
            raise PolicyInputError(INVALID_INPUT, f"{path}.workdays", f"{first} 同时被列为放假日和调休上班日，请更正")
        parsed[year] = YearArrangement(year, frozenset(holidays), frozenset(workdays), "override")
    return parsed


def _date_set(values: Iterable, year: int, path: str) -> set[date]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise PolicyInputError(INVALID_INPUT, path, "应为日期列表（YYYY-MM-DD）")
    result = set()
    for index, value in enumerate(values):
        day = parse_date(value, f"{path}.{index}")
        if day.year != year:
            raise PolicyInputError(
                INVALID_INPUT, f"{path}.{index}", f"{day.isoformat()} 不属于 {year} 年，请放入对应年份"
            )
        result.add(day)
    return result


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return WorkCalendar()


def calendar_for(overrides: Mapping | None) -> WorkCalendar:
    return WorkCalendar(overrides) if overrides else default_calendar()
