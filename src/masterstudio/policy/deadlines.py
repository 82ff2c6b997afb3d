"""Deadlines: the public notice (Art. 10), the annual summary (Art. 11), working-day counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import inputs
from .errors import PolicyInputError
from .params import ParameterSet, resolve
from .registry import rule
from .workdays import WorkCalendar, default_calendar

KINDS = {"public_notice": "公示期", "annual_summary": "年度工作总结报送截止日", "workdays": "工作日计数"}
MAX_COUNT = 250


def _include_start(params: ParameterSet, on: date) -> bool:
    """Interpretation 4: the publication day is day 1 when it is a working day."""
    return params.get("public_notice_counting", on) == "publication_day_if_working_day"


@rule("10")
def public_notice(
    start: date,
    params: ParameterSet | str | None = None,
    calendar: WorkCalendar | None = None,
    *,
    field: str | None = "start",
) -> dict:
    """第十条 ……拟定经开区技能大师工作室名单，并向社会公示，公示期为5个工作日，公示无异议的，由经开区
    社会事业局授予“经开区技能大师工作室”称号和铭牌。

    Day 1 is the publication day when it is a working day, otherwise the next working day
    (interpretation 4); objections are accepted until 23:59:59 Asia/Shanghai of the last day.
    """
    pset = resolve(params)
    cal = calendar or default_calendar()
    count = pset.get("public_notice_working_days", start)
    days = cal.working_days(start, count, include_start=_include_start(pset, start), field=field)
    end = days[-1]
    cutoff = pset.get("objection_deadline_time", start)
    return {
        "end": end.isoformat(),
        "days": [d.isoformat() for d in days],
        "objection_deadline": f"{end.isoformat()}T{cutoff}+08:00",
        "clause": "10",
        "working_days": count,
        "interpretations": ["public_notice_counting"],
        "calendar_sources": sorted({f"{d.year}:{cal.source(d.year)}" for d in days}),
        "policy": pset.policy_info(),
    }


@rule("11")
def annual_summary(year: int, params: ParameterSet | str | None = None) -> dict:
    """第十一条 ……工作室每年开展年度工作总结，经所在单位确定后，于每年12月中旬前报送社会事业局……

    "12月中旬前" = 15 December of the assessment year (interpretation 5), whatever the weekday.
    """
    pset = resolve(params)
    month, day = (int(part) for part in pset.get("annual_summary_deadline", date(year, 12, 31)).split("-"))
    end = date(year, month, day)
    return {
        "end": end.isoformat(),
        "clause": "11",
        "interpretations": ["annual_summary_deadline"],
        "policy": pset.policy_info(),
    }


@rule("10")
def working_days(
    start: date,
    count: int,
    params: ParameterSet | str | None = None,
    calendar: WorkCalendar | None = None,
    *,
    field: str | None = "start",
) -> dict:
    """``count`` working days from ``start``, counted as for a public notice (interpretation 4)."""
    pset = resolve(params)
    cal = calendar or default_calendar()
    days = cal.working_days(start, count, include_start=_include_start(pset, start), field=field)
    return {
        "end": days[-1].isoformat(),
        "days": [d.isoformat() for d in days],
        "interpretations": ["public_notice_counting"],
        "policy": pset.policy_info(),
    }


def answer(payload: Any, params: ParameterSet | str | None = None, calendar: WorkCalendar | None = None) -> dict:
    """The contract's ``deadline`` question."""
    pset = resolve(params)
    root = inputs.root_object(payload, "期限计算")
    kind = inputs.req_enum(root, "kind", "", KINDS, "期限类型")
    if kind == "annual_summary":
        inputs.req(root, "year", "", "考核年度（如 2026）")
        year = inputs.opt_int(root, "year", "", minimum=2000, maximum=2100)
        return annual_summary(year, pset)
    start = inputs.req_date(root, "start", "", "起算日（start，YYYY-MM-DD）")
    _in_force(pset, start)
    if kind == "public_notice":
        return public_notice(start, pset, calendar)
    inputs.req(root, "count", "", f"工作日数（count，1–{MAX_COUNT}）")
    count = inputs.opt_int(root, "count", "", minimum=1, maximum=MAX_COUNT)
    return working_days(start, count, pset, calendar)


def _in_force(params: ParameterSet, start: date) -> None:
    """Refuse a start date before the parameter set's first effective date, naming ``start``."""
    try:
        params.get("public_notice_working_days", start)
    except PolicyInputError as error:
        raise PolicyInputError(error.code, "start", error.message) from None
