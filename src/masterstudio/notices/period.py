"""The public-notice period, asked of the policy engine (Art. 10: 5 working days; interpretation
4: the publication day is day 1 when it is a working day). The calendar comes through the Django
side's door to the engine (``catalog.engine.calendar``), which adds the holiday arrangements staff
entered for years the chinesecalendar package does not know. And when objections are accepted
(:func:`closes_at`, :func:`is_open`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from masterstudio.catalog.engine import calendar, params_on
from masterstudio.notices.models import Notice
from masterstudio.policy import deadlines
from masterstudio.policy.errors import PolicyInputError


class PeriodError(Exception):
    """The engine could not compute the period (e.g. a year whose holidays are unknown)."""


def notice_days(start: date) -> list[date]:
    """The working days of a notice published on ``start``."""
    try:  # Art. 10 of the version in force on the notice's start (staff-entered successors included)
        answer = deadlines.public_notice(start, params_on(start), calendar=calendar())
    except PolicyInputError as exc:
        raise PeriodError(exc.message) from exc
    return [date.fromisoformat(d) for d in answer["days"]]


def closes_at(notice: Notice) -> datetime:
    """Interpretation 4: objections are accepted until 23:59:59 (Asia/Shanghai) of the last day."""
    return timezone.make_aware(datetime.combine(notice.ends_on + timedelta(days=1), time.min))


def is_open(notice: Notice, now=None) -> bool:
    now = now or timezone.now()
    return notice.published_at <= now < closes_at(notice)
