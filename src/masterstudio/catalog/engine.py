"""The Django side's one door to the policy engine.

The engine is pure Python and knows nothing of the database; this module hands it what staff
have entered: holiday arrangements of years the chinesecalendar package does not know, and
occupations published after the 2022 大典 edition. Every page, command and API endpoint asks the
engine through :func:`ask` (or the helpers below), so they all answer alike.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.utils import OperationalError, ProgrammingError

from masterstudio.catalog.models import CalendarYear, Occupation
from masterstudio.core import pagecache
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


_facts: tuple[Any, dict, list, float] | None = None
FACTS_RECHECK_SECONDS = 1.0


def _forget_facts() -> None:
    global _facts
    _facts = None


def staff_facts() -> tuple[dict, list]:
    """(calendar overrides, extra occupations) as staff last saved them.

    Read once per process, and again when a catalog table has been written since: this process's
    own writes drop the copy at once; another server's are seen through the ``catalog`` data
    version in the shared cache (core.pagecache), looked at once a second at most — a holiday
    arrangement or occupation saved on one server is used by every server within a second."""
    global _facts
    if not pagecache.shared_cache_outside_database() or pagecache.has_uncommitted_writes("catalog"):
        return calendar_overrides(), extra_occupations()
    cached = _facts
    now = time.monotonic()
    if cached is not None and now - cached[3] < FACTS_RECHECK_SECONDS:
        return cached[1], cached[2]
    try:
        version = pagecache.current_version("catalog")
    except Exception:  # the cache is down: read the tables every time
        return calendar_overrides(), extra_occupations()
    if cached is not None and cached[0] == version:
        _facts = (version, cached[1], cached[2], now)
        return cached[1], cached[2]
    overrides, extra = calendar_overrides(), extra_occupations()
    _facts = (version, overrides, extra, now)
    return overrides, extra


def _listen() -> None:
    pagecache.on_local_bump("catalog", _forget_facts)


_listen()


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
