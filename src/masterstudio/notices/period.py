"""The public-notice period, asked of the policy engine (Art. 10: 5 working days; interpretation
4: the publication day is day 1 when it is a working day). The calendar comes through the Django
side's door to the engine (``catalog.engine.calendar``), which adds the holiday arrangements staff
entered for years the chinesecalendar package does not know."""

from __future__ import annotations

from datetime import date


class PeriodError(Exception):
    """The engine could not compute the period (e.g. a year whose holidays are unknown)."""


def notice_days(start: date) -> list[date]:
    """The working days of a notice published on ``start``."""
    from masterstudio.catalog.engine import calendar, params_on
    from masterstudio.policy import deadlines
    from masterstudio.policy.errors import PolicyInputError

    try:  # Art. 10 of the version in force on the notice's start (staff-entered successors included)
        answer = deadlines.public_notice(start, params_on(start), calendar=calendar())
    except PolicyInputError as exc:
        raise PeriodError(exc.message) from exc
    return [date.fromisoformat(d) for d in answer["days"]]
