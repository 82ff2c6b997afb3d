"""Reads of the staff catalogue: what the calendar still lacks, and the entries awaiting review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from masterstudio.catalog.models import CalendarProposal, CalendarYear, ProposalState
from masterstudio.policy import workdays as engine_workdays

WARN_FROM = (11, 1)  # the State Council publishes the next year's arrangement in the autumn


@dataclass(frozen=True)
class CalendarWarning:
    year: int
    pending: CalendarProposal | None

    @property
    def text(self) -> str:
        if self.pending is not None:
            return (
                f"{self.year} 年的法定节假日和调休安排已由{self.pending.proposed_by.display_name}录入，"
                f"待另一名工作人员对照国务院办公厅通知复核后生效；生效前涉及 {self.year} 年的公示期、期限无法计算"
            )
        return (
            f"平台尚无 {self.year} 年的法定节假日和调休安排：国务院办公厅通知发布后，请录入并由另一名工作人员复核；"
            f"在此之前涉及 {self.year} 年的公示期、期限无法计算"
        )


def calendar_warnings(today: date | None = None) -> list[CalendarWarning]:
    """The years the staff dashboard warns about: from 1 November of the prior year (and for the
    current year too, if it is still missing) until a confirmed arrangement exists."""
    today = today or timezone.localdate()
    years = [today.year]
    if (today.month, today.day) >= WARN_FROM:
        years.append(today.year + 1)
    _first, last = engine_workdays.package_years()
    entered = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    missing = [y for y in years if y > last and y not in entered]
    if not missing:
        return []
    pending = {
        p.year: p
        for p in CalendarProposal.objects.filter(year__in=missing, state=ProposalState.PENDING).select_related(
            "proposed_by"
        )
    }
    return [CalendarWarning(year, pending.get(year)) for year in missing]


def pending_proposals():
    return CalendarProposal.objects.filter(state=ProposalState.PENDING).select_related("proposed_by")


def recent_proposals(limit: int = 20):
    return CalendarProposal.objects.select_related("proposed_by", "decided_by")[:limit]
