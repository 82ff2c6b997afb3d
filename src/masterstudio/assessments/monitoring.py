"""Supervision checks the daily command runs (Art. 11, 13): summary reminders and late summaries,
studios without work for over a year, leaders near retirement or gone. Each check is idempotent:
a reminder or a flag is a row with a unique key, so running twice sends and raises nothing new."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse

from masterstudio.assessments.models import FLAG_CLAUSE, Flag, FlagKind, Rectification, RectificationState
from masterstudio.assessments.services import staff_with, unit_users
from masterstudio.catalog.engine import params_on
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.policy.dates import add_years
from masterstudio.policy.retirement import retirement_for
from masterstudio.studios.lifecycle import ask_engine
from masterstudio.studios.models import LIVE_STATES, Studio
from masterstudio.summaries.models import AnnualSummary, SummaryReminder
from masterstudio.summaries.services import deadline, last_work_on

REMINDER_DAYS = (30, 7, 1)


def live_studios():
    return Studio.objects.filter(state__in=LIVE_STATES).select_related("unit", "leader").order_by("pk")


def raise_flag(studio, kind: str, key: str, detail: str, today: date) -> Flag | None:
    """Create the flag unless it exists; returns it when new (and tells the staff who handle it)."""
    if Flag.objects.filter(studio=studio, kind=kind, key=key).exists():
        return None
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                studio=studio, kind=kind, key=key, clause=FLAG_CLAUSE[kind], raised_on=today, detail=detail
            )
            record_event(
                "flag.raised",
                obj=studio,
                clause=flag.clause,
                reason=detail,
                data={"flag": flag.pk, "kind": kind, "key": key},
            )
    except IntegrityError:
        return None
    notify(
        staff_with("reviewer", "approver"),
        "studio_flag",
        {"flag": flag, "studio": studio},
        url=reverse("studios:detail", args=[studio.pk]),
    )
    return flag


def send_summary_reminders(today: date) -> list[str]:

    year = today.year
    due = deadline(year)
    left = (due - today).days
    if left < 0:
        return []
    lead = next((n for n in sorted(REMINDER_DAYS) if left <= n), None)
    if lead is None:
        return []
    confirmed = set(AnnualSummary.objects.filter(year=year, state="confirmed").values_list("studio_id", flat=True))
    sent = []
    for studio in live_studios().filter(recognized_on__lte=due):
        if studio.pk in confirmed:
            continue
        try:
            with transaction.atomic():
                SummaryReminder.objects.create(studio=studio, year=year, days_before=lead)
        except IntegrityError:
            continue
        notify(
            unit_users(studio),
            "summary_reminder",
            {"studio": studio, "year": year, "due": due, "days_left": left},
            url=reverse("summaries:edit", args=[studio.pk, year]),
        )
        record_event(
            "annualsummary.reminded", obj=studio, clause="11", data={"year": year, "days_before": lead, "due": due}
        )
        sent.append(studio.name)
    return sent


def flag_late_summaries(today: date) -> list[str]:

    raised = []
    for year in (today.year - 1, today.year):
        due = deadline(year)
        if today <= due:
            continue
        confirmed = set(AnnualSummary.objects.filter(year=year, state="confirmed").values_list("studio_id", flat=True))
        AnnualSummary.objects.filter(year=year, late=False).exclude(state="confirmed").update(late=True)
        for studio in live_studios().filter(recognized_on__lte=due):
            if studio.pk in confirmed:
                continue
            flag = raise_flag(
                studio,
                FlagKind.LATE_SUMMARY,
                str(year),
                f"{year} 年度工作总结截止 {due:%Y-%m-%d}（第11条，解释口径5），至 {today:%Y-%m-%d} 仍未经单位确认报送",
                today,
            )
            if flag:
                raised.append(studio.name)
    return raised


def flag_inactive(today: date) -> list[str]:

    raised = []
    for studio in live_studios():
        last = last_work_on(studio)
        answer = ask_engine(
            "revocation",
            {
                "as_of": today.isoformat(),
                "last_activity_on": last.isoformat(),
                "non_cooperation": False,
                "violation": False,
            },
        )
        ground = next(g for g in answer["grounds"] if g["clause"] == "13.1")
        if ground["result"] == "present":
            detail = (
                f"最后一次有记录的工作（年度总结、活动或专账记账）在 {last:%Y-%m-%d}：{ground['message']}。"
                "请核实后决定是否撤销"
            )
            if raise_flag(studio, FlagKind.INACTIVE, last.isoformat(), detail, today):
                raised.append(studio.name)
    return raised


def flag_leaders(today: date) -> list[str]:

    years = params_on(today).get("retirement_min_years", today)
    raised = []
    for studio in live_studios():
        leader = studio.leader
        if not leader.employed or leader.left_on:
            when = leader.left_on.isoformat() if leader.left_on else "left"
            detail = (
                f"领办人 {leader.name} 已离开所在单位"
                + (f"（离职日期 {leader.left_on:%Y-%m-%d}）" if leader.left_on else "")
                + "，属第13条第（三）项可能情形，请核实工作室能否继续开展工作"
            )
            if raise_flag(studio, FlagKind.LEADER_LEFT, when, detail, today):
                raised.append(studio.name)
        if leader.gender == "female" and leader.original_retirement_age is None:
            if raise_flag(
                studio,
                FlagKind.RETIREMENT_UNKNOWN,
                "unknown",
                f"领办人 {leader.name} 为女职工，未登记原法定退休年龄（50 或 55 周岁），无法计算法定退休日期；"
                "请单位在人员信息中补充",
                today,
            ):
                raised.append(studio.name)
            continue
        outcome = retirement_for(leader.birth_date, leader.gender, leader.original_retirement_age)
        retire_on = outcome.retirement_date
        if add_years(today, years) > retire_on:
            detail = (
                f"领办人 {leader.name}：{outcome.describe()}，距今已不足{years}年"
                + ("（已达到法定退休年龄）" if retire_on <= today else "")
                + "。退休后不能继续开展工作的，属第13条第（三）项情形"
            )
            if raise_flag(studio, FlagKind.RETIREMENT_NEAR, retire_on.isoformat(), detail, today):
                raised.append(studio.name)
    return raised


def flag_overdue_rectifications(today: date) -> list[str]:
    """Rectifications (限期整改) whose deadline has passed without the unit's report (Art. 12).

    Staff then decide: re-assess, or treat it as non-cooperation (Art. 13(1))."""

    raised = []
    overdue = (
        Rectification.objects.filter(state=RectificationState.OPEN, deadline__lt=today)
        .select_related("studio", "assessment")
        .order_by("pk")
    )
    for rectification in overdue:
        flag = raise_flag(
            rectification.studio,
            FlagKind.RECT_OVERDUE,
            str(rectification.pk),
            f"{rectification.assessment.year} 年度考核不合格，整改期限 {rectification.deadline:%Y-%m-%d}，"
            f"至 {today:%Y-%m-%d} 单位仍未报送整改情况（第12条）；请复评或按第13条第（一）项处理",
            today,
        )
        if flag:
            raised.append(rectification.studio.name)
    return raised
