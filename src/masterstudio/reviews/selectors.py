"""Reads for review pages: the staff pipeline and the comprehensive evaluation table."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch

from masterstudio.applications.models import Application, AppState
from masterstudio.applications.selectors import applications_for
from masterstudio.core import params as query
from masterstudio.experts.selectors import panels_for_subjects
from masterstudio.experts.services.results import panel_summary
from masterstudio.reviews.models import SiteVisit

REVIEW_STATES = [
    AppState.SUBMITTED,
    AppState.MATERIAL_REVIEW,
    AppState.SUPPLEMENT,
    AppState.SITE_INSPECTION,
    AppState.EXPERT_REVIEW,
    AppState.EVALUATION,
    AppState.PROPOSED,
    AppState.ON_NOTICE,
    AppState.RECOGNISED,
    AppState.REJECTED,
]


def review_filters(params) -> dict:
    """The queue's filters from the query string, by type (``core.params``)."""
    return {
        "round_id": query.integer(params, "round", label="批次"),
        "state": query.choice(params, "state", REVIEW_STATES, label="状态"),
    }


def review_queue(user, *, round_id=None, state=None):
    qs = applications_for(user).filter(state__in=REVIEW_STATES)
    if round_id:
        qs = qs.filter(round_id=round_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "submitted_at", "pk")


def evaluation_rows(user, round_) -> list[dict]:
    """Every application of the round past the pre-check, with everything the evaluation needs,
    ranked by aggregated expert score (highest first; unscored last). Constant query count."""
    applications = list(
        applications_for(user)
        .filter(round=round_)
        .exclude(state__in=[AppState.DRAFT, AppState.WITHDRAWN])
        .select_related("material_review", "decision")
        .prefetch_related(Prefetch("site_visits", queryset=SiteVisit.objects.order_by("-scheduled_on", "-id")))
    )
    panels = panels_for_subjects(Application, [a.pk for a in applications])
    rows = []
    for application in applications:
        panel = panels.get(application.pk)
        summary = panel_summary(panel) if panel is not None and not panel.is_sealed else None
        visits = list(application.site_visits.all())
        rows.append(
            {
                "application": application,
                "review": getattr(application, "material_review", None),
                "visit": visits[0] if visits else None,
                "panel": panel,
                "summary": summary,
                "submitted": sum(1 for a in panel.assignments.all() if a.state == "submitted") if panel else 0,
                "seated": sum(1 for a in panel.assignments.all() if a.state != "recused") if panel else 0,
                "decision": getattr(application, "decision", None),
            }
        )
    rows.sort(
        key=lambda r: (
            r["summary"] is None or r["summary"].value is None,
            -(r["summary"].value if r["summary"] and r["summary"].value is not None else Decimal(0)),
            r["application"].pk,
        )
    )
    return rows
