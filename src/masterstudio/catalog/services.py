"""Writes of the staff catalogue: occupations (one, from an application's page, or an Excel file)
and a year's holiday arrangement (entered by one staff member, confirmed by another)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.catalog.models import CalendarProposal, CalendarYear, Occupation, ProposalState
from masterstudio.catalog.signals import occupations_added
from masterstudio.catalog.states import PROPOSAL_MACHINE
from masterstudio.core.events import record_event
from masterstudio.core.versions import changed
from masterstudio.policy import workdays as engine_workdays

CODE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
MARKS = ("", "L", "S", "L/S")


class CatalogRefused(Exception):
    """A refused write; ``errors`` maps a field name to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


# -- occupations ---------------------------------------------------------------------------------
def occupation_errors(*, code: str, name: str, marks: str, source: str, staff_codes: set[str] | None = None) -> dict:
    """What is wrong with one occupation as typed (field → Chinese message); empty when nothing."""
    from masterstudio.catalog.engine import catalogue

    errors: dict[str, str] = {}
    if not CODE.match(code):
        errors["code"] = "职业编码格式应为 大类-中类-小类-细类，如 6-31-07-04"
    elif catalogue(include_extra=False).get(code) is not None:
        errors["code"] = f"编码 {code} 已在《职业分类大典》目录中，无需新增"
    elif (code in staff_codes) if staff_codes is not None else Occupation.objects.filter(code=code).exists():
        errors["code"] = f"编码 {code} 已由工作人员新增过"
    if not name:
        errors["name"] = "请填写职业名称"
    elif len(name) > 100:
        errors["name"] = "职业名称最多 100 字"
    if marks not in MARKS:
        errors["marks"] = "标识只能为空、L（绿色职业）、S（数字职业）或 L/S"
    if not source:
        errors["source"] = "请填写发布依据，如：人力资源社会保障部 2025 年发布新职业"
    elif len(source) > 200:
        errors["source"] = "发布依据最多 200 字"
    return errors


def add_occupation_values(
    *, code: str, name: str, marks: str = "", aliases: str = "", source: str, actor, application_id: int | None = None
) -> Occupation:
    """Add one occupation to the staff catalogue; with ``application_id``, from that application's
    page (the event names it). The pre-check of every application waiting on the code re-runs."""
    code, name, marks, aliases, source = (
        (code or "").strip(),
        (name or "").strip(),
        (marks or "").strip(),
        (aliases or "").strip(),
        (source or "").strip(),
    )
    errors = occupation_errors(code=code, name=name, marks=marks, source=source)
    if errors:
        raise CatalogRefused(errors)
    try:
        with transaction.atomic():
            changed("catalog")  # the staff catalogue kept per process (catalog.engine.staff_facts)
            occupation = Occupation.objects.create(
                code=code, name=name, marks=marks, aliases=aliases[:300], source=source, added_by=actor
            )
            record_event(
                "catalog.occupation_added",
                obj=occupation,
                actor=actor,
                clause="2",
                data={"code": code, "name": name, "marks": marks, "source": source, "application": application_id},
            )
            rerun_prechecks([code])
    except IntegrityError:
        raise CatalogRefused({"code": f"编码 {code} 刚刚已由其他工作人员新增"}) from None
    return occupation


def rerun_prechecks(codes: list[str]) -> int:
    """Tell the apps above (``signals.occupations_added``) that ``codes`` joined the catalogue: the
    applications app asks the engine again about every application waiting on them. Returns how many
    records the receivers brought up to date."""
    return sum(count or 0 for _receiver, count in occupations_added.send(sender=Occupation, codes=list(codes)))


def import_occupations(content: bytes, *, actor, filename: str = "") -> list[Occupation]:
    """Save every row of an Excel file (``catalog.imports``), all or nothing: the file is read and
    checked again here, so what is saved is what the preview showed, never a file with errors."""
    from masterstudio.catalog import imports

    result = imports.parse(content)
    if not result.ok:
        raise CatalogRefused({"file": f"文件中有 {result.error_count} 处错误，未导入任何职业；请改正后重新上传"})
    try:
        with transaction.atomic():
            changed("catalog")
            created = Occupation.objects.bulk_create(
                [
                    Occupation(
                        code=r.values["code"],
                        name=r.values["name"],
                        marks=r.values["marks"],
                        aliases=r.values["aliases"][:300],
                        source=r.values["source"],
                        added_by=actor,
                    )
                    for r in result.rows
                ]
            )
            codes = [o.code for o in created]
            record_event(
                "catalog.occupations_imported",
                actor=actor,
                clause="2",
                data={"count": len(created), "codes": codes, "filename": filename},
            )
            rerun_prechecks(codes)
    except IntegrityError:
        raise CatalogRefused(
            {"file": "文件中的某个编码刚刚已由其他工作人员新增，未导入任何职业；请重新上传预览"}
        ) from None
    return created


# -- a year's holiday arrangement: entered, previewed, confirmed by a second person ---------------
def propose_calendar_year(
    *, year: int, holidays: list[str], workdays: list[str], source: str, actor
) -> CalendarProposal:
    """Record a year's arrangement as entered; it waits for a second staff member's confirmation."""
    first, last = engine_workdays.package_years()
    if first <= year <= last:
        raise CatalogRefused({"year": f"{year} 年的安排已由内置日历数据提供（{first}–{last} 年），无需录入"})
    if not source.strip():
        raise CatalogRefused({"source": "请填写依据文件，如：国务院办公厅关于2027年部分节假日安排的通知"})
    try:
        with transaction.atomic():
            proposal = CalendarProposal.objects.create(
                year=year,
                holidays=sorted(holidays),
                workdays=sorted(workdays),
                source=source.strip(),
                proposed_by=actor,
            )
            record_event(
                "catalog.calendar_proposed",
                obj=proposal,
                actor=actor,
                clause="10",
                data={
                    "year": year,
                    "holidays": proposal.holidays,
                    "workdays": proposal.workdays,
                    "source": proposal.source,
                },
            )
    except IntegrityError:
        raise CatalogRefused({"year": f"{year} 年已有一份录入在等待复核：请先复核或退回它"}) from None
    return proposal


def confirm_calendar_year(proposal_id: int, *, actor) -> CalendarYear:
    """The second staff member confirms: the arrangement takes effect for every calculation."""
    with transaction.atomic():
        proposal = CalendarProposal.objects.select_for_update().get(pk=proposal_id)
        PROPOSAL_MACHINE.apply(
            proposal,
            ProposalState.CONFIRMED,
            actor=actor,
            extra_fields={"decided_by": actor, "decided_at": timezone.now()},
        )
        changed("catalog")
        row, created = CalendarYear.objects.update_or_create(
            year=proposal.year,
            defaults={
                "holidays": proposal.holidays,
                "workdays": proposal.workdays,
                "source": proposal.source,
                "entered_by_id": proposal.proposed_by_id,
                "confirmed_by": actor,
            },
        )
        record_event(
            "catalog.calendar_saved",
            obj=row,
            actor=actor,
            clause="10",
            data={
                "year": row.year,
                "holidays": row.holidays,
                "workdays": row.workdays,
                "created": created,
                "proposal": proposal.pk,
                "entered_by": proposal.proposed_by_id,
            },
        )
    return row


def withdraw_calendar_year(proposal_id: int, *, actor, reason: str) -> CalendarProposal:
    with transaction.atomic():
        proposal = CalendarProposal.objects.select_for_update().get(pk=proposal_id)
        PROPOSAL_MACHINE.apply(
            proposal,
            ProposalState.WITHDRAWN,
            actor=actor,
            reason=reason,
            extra_fields={"decided_by": actor, "decided_at": timezone.now(), "reason": reason[:200]},
        )
    return proposal


def preview(year: int, holidays: list[str], workdays: list[str]) -> dict:
    """Every holiday and 调休 day of the entry, for comparing with the State Council's notice: the
    holiday periods (each run of consecutive days off, weekends included, that holds a listed
    holiday, as the notice states them: “1月1日至1月3日放假调休，共3天”), each make-up workday with
    its weekday, and the counts. Pure: writes nothing."""
    weekday = "一二三四五六日"
    off = {date.fromisoformat(d) for d in holidays}
    worked = {date.fromisoformat(d) for d in workdays}

    def label(day: date) -> str:
        return f"{day.month}月{day.day}日（周{weekday[day.weekday()]}）"

    runs: list[list[date]] = []
    day = date(year, 1, 1)
    while day.year == year:
        if day in off or (day.weekday() >= 5 and day not in worked):
            if runs and (day - runs[-1][-1]).days == 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        day += timedelta(days=1)
    periods = [
        {
            "start": run[0],
            "end": run[-1],
            "length": len(run),
            "text": (f"{label(run[0])}至{label(run[-1])}" if len(run) > 1 else label(run[0])) + f"，共{len(run)}天",
        }
        for run in runs
        if any(d in off for d in run)
    ]
    return {
        "year": year,
        "periods": periods,
        "holidays": [{"day": d, "label": label(d), "weekday_off": d.weekday() < 5} for d in sorted(off)],
        "workdays": [{"day": d, "label": label(d)} for d in sorted(worked)],
        "weekday_holidays": sum(1 for d in off if d.weekday() < 5),
    }
