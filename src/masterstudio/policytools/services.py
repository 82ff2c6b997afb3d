"""What-if: re-evaluate the applications in the database under an edited parameter set.

The bureau is still collecting comments on the draft Measures; before changing a threshold it
wants to see which applications would change outcome, clause by clause."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from masterstudio.catalog.engine import catalogue
from masterstudio.policy import params as engine_params
from masterstudio.policy import whatif


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
    from masterstudio.applications.models import Application, AppState

    queryset = Application.objects.exclude(state__in=[AppState.DRAFT, AppState.WITHDRAWN]).select_related(
        "round", "unit", "branch", "leader"
    )
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    return queryset.order_by("round_id", "receipt_no", "pk")


def compare(applications, overrides: dict[str, Any], *, base_set: str | None = None) -> dict:
    """The engine's what-if report for these applications (base set vs the edited copy)."""
    from masterstudio.applications.facts import build_input

    base = engine_params.resolve(base_set)
    alternative = base.with_overrides(overrides)
    items = list(applications)
    inputs = [build_input(app) for app in items]
    labels = [f"{app.receipt_no or app.pk} {app.unit.name} {app.occupation_name}" for app in items]
    return whatif.compare(inputs, base, alternative, catalogue=catalogue(), labels=labels)


render = whatif.render
