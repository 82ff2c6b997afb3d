"""What-if: re-evaluate the applications in the database under an edited parameter set.

The bureau is still collecting comments on the draft Measures; before changing a threshold it
wants to see which applications would change outcome, clause by clause. The same comparison is the
impact part of a policy version's preview (``policytools.versions.preview``), contributed from
``WhatifConfig.ready``: the low ``policytools`` reads no applications or studios."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from masterstudio.applications.facts import build_input
from masterstudio.applications.models import Application, AppState
from masterstudio.catalog.engine import catalogue
from masterstudio.policy import params as engine_params
from masterstudio.policy import whatif
from masterstudio.studios.models import Studio

AMOUNTS = (
    "initial_grant_amount",
    "excellent_reward_amount",
    "national_title_reward_amount",
    "beijing_title_reward_amount",
)


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``["team_min_size=4", "valid_until=2027-12-31"]`` → ``{"team_min_size": 4, ...}``.

    A value is read as JSON when it is JSON (numbers, lists), else taken as text."""
    overrides = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"“{pair}”应写作 参数名=新值，如 team_min_size=4")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw.strip()
        overrides[name.strip()] = value
    return overrides


def applications_for_whatif(round_id: int | None = None):
    queryset = Application.objects.exclude(state__in=[AppState.DRAFT, AppState.WITHDRAWN]).select_related(
        "round", "unit", "branch", "leader"
    )
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    return queryset.order_by("round_id", "receipt_no", "pk")


def _report(items, base, alternative) -> dict:
    inputs = [build_input(app) for app in items]
    labels = [f"{app.receipt_no or app.pk} {app.unit.name} {app.occupation_name}" for app in items]
    return whatif.compare(inputs, base, alternative, catalogue=catalogue(), labels=labels)


def compare(applications, overrides: dict[str, Any], *, base_set: str | None = None) -> dict:
    """The engine's what-if report for these applications (base set vs the edited copy)."""
    base = engine_params.resolve(base_set)
    return _report(list(applications), base, base.with_overrides(overrides))


render = whatif.render


# ---------------------------------------------------------------- a policy version's preview


def applications_impact(proposal) -> dict:
    """This year's applications under the proposed version (the rules of its text applied to this
    year's facts), clause by clause: the ``applications`` part of ``policytools.versions.preview``."""
    items = list(applications_for_whatif().filter(round__year=proposal.year))
    report = _report(items, proposal.base, proposal.alternative)
    return {
        "evaluated": report["evaluated"],
        "outcome_changes": report["outcome_changes"],
        "outcomes_before": report["outcomes_before"],
        "outcomes_after": report["outcomes_after"],
        "changes": report["changes"],
        "errors": report["errors"],
    }


def studios_impact(proposal) -> dict:
    """This year's studios and the amounts that change: the ``studios`` part of the preview."""
    money = {}
    for name in AMOUNTS:
        before, after = proposal.before[name]["value"], proposal.after[name]["value"]
        if before != after:
            money[name] = {"before": before, "after": after}
    studios = Studio.objects.filter(recognized_on__year=proposal.year).count()
    return {"recognised_this_year": studios, "amount_changes": money}
