"""The Django side's one door to the policy engine.

The engine is pure Python and knows nothing of the database; this module hands it what staff
have entered: holiday arrangements of years the chinesecalendar package does not know, and
occupations published after the 2022 大典 edition. Every page, command and API endpoint asks the
engine through :func:`ask` (or the helpers below), so they all answer alike.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.utils import OperationalError, ProgrammingError

from masterstudio.catalog.models import CalendarYear, Occupation
from masterstudio.core import versions as versions_copies
from masterstudio.policy import occupations as engine_occupations
from masterstudio.policy import run as policy_run
from masterstudio.policy import workdays as engine_workdays
from masterstudio.policytools.versions import chain


def calendar_overrides() -> dict[int, dict[str, list[str]]]:
    try:
        with transaction.atomic():
            return {
                row.year: {"holidays": row.holidays, "workdays": row.workdays}
                for row in CalendarYear.objects.only("year", "holidays", "workdays")
            }
    except (OperationalError, ProgrammingError):
        # The calculator also runs from a fresh checkout (manage.py policy) before migrate has
        # created the staff tables: then staff have entered nothing yet.
        return {}


def extra_occupations() -> list[dict[str, Any]]:
    try:
        with transaction.atomic():
            rows = list(Occupation.objects.all())
    except (OperationalError, ProgrammingError):  # before migrate, as above
        return []
    entries = []
    for row in rows:
        aliases = [a.strip() for a in row.aliases.replace("，", "、").replace(",", "、").split("、") if a.strip()]
        entries.append(
            {"code": row.code, "name": row.name, "marks": row.marks, "aliases": aliases, "source": row.source}
        )
    return entries


def catalogue(*, include_extra: bool = True):
    base = engine_occupations.load_catalogue()
    if not include_extra:
        return base
    extra = staff_facts()[1]
    return base.with_extra(extra) if extra else base


def calendar():
    return engine_workdays.calendar_for(staff_facts()[0])


def _read_facts() -> tuple[dict, list]:
    return calendar_overrides(), extra_occupations()


_facts = versions_copies.ProcessCopy("catalog", _read_facts)


def staff_facts() -> tuple[dict, list]:
    """(calendar overrides, extra occupations) as staff last saved them.

    Kept per process (core.versions): the catalog services (catalog/services.py) drop the copy when
    they change an occupation or a calendar year, and move the shared ``catalog`` version when the
    change commits; other servers look at that version once a second at most — a holiday
    arrangement or occupation saved on one server is used by every server within a second."""
    return _facts.get()


def versions():
    """The policy versions: the shipped ones (former Measures, the draft) plus the successors staff
    have entered and a second person confirmed (``policytools.PolicyVersion``). Which one governs a
    fact is decided by the fact's date (``versions().governing(on)``), never by a constant."""
    return chain()


def params_on(on):
    """The parameter set of the version in force on ``on`` (the nearest one with known parameters)."""
    return versions().params_on(on)


def ask(name: str, payload: Any, *, params=None) -> dict:
    """Ask the engine one of the contract's questions with the platform's own facts added.

    ``params`` None: each date is answered by the version in force on it (``versions()``); a name: that
    version's parameters (a round's ``policy_version``, a staff-entered successor included).
    Raises ``masterstudio.policy.errors.PolicyInputError`` for a question it cannot answer.
    """
    overrides, extra = staff_facts()
    chain = versions()
    if isinstance(params, str):  # a version's name (a round's policy_version): staff successors included
        try:
            params = chain.get(params).params or params
        except KeyError:
            pass  # the engine names the unknown set
    return policy_run(
        name,
        payload,
        params=params,
        calendar_overrides=overrides or None,
        extra_occupations=extra or None,
        versions=chain if params is None else None,
    )
