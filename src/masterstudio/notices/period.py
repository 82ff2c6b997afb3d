"""The public-notice period, asked of the policy engine (Art. 10: 5 working days; interpretation
4: the publication day is day 1 when it is a working day). Staff-entered holiday arrangements for
years the package does not know (``catalog.CalendarYear``) are passed to the engine as overrides."""
from __future__ import annotations

from datetime import date

from django.apps import apps


class PeriodError(Exception):
    """The engine could not compute the period (e.g. a year whose holidays are unknown)."""


def calendar_overrides() -> dict:
    if not apps.is_installed("masterstudio.catalog"):
        return {}
    model = apps.get_model("catalog", "CalendarYear")
    return {row.year: {"holidays": row.holidays, "workdays": row.workdays} for row in model.objects.all()}


def notice_days(start: date) -> list[date]:
    """The working days of a notice published on ``start``."""
    from masterstudio.policy.errors import PolicyInputError

    try:
        answer = _engine_deadline({"kind": "public_notice", "start": start.isoformat()})
    except PolicyInputError as exc:
        raise PeriodError(exc.message) from exc
    return [date.fromisoformat(d) for d in answer["days"]]


def _engine_deadline(question: dict) -> dict:
    """The contract's ``deadline`` question, through the engine's own entry point when it has one."""
    try:
        from masterstudio.policy import deadlines as engine
    except ImportError:
        engine = None
    overrides = calendar_overrides()
    if engine is not None:
        return engine.compute(question, calendar_overrides=overrides)
    from masterstudio.policy import params, workdays

    count = params.load().get("public_notice_working_days", date.fromisoformat(question["start"]))
    calendar = workdays.calendar_for(overrides)
    days = calendar.working_days(date.fromisoformat(question["start"]), count, include_start=True, field="start")
    return {"end": days[-1].isoformat(), "days": [d.isoformat() for d in days]}
