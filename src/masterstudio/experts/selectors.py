"""Who sees which scoring task and which scores (habit 6: one rule for every page).

* an expert sees only their own assignments, and of a panel only their own scores — never the
  other experts' scores nor any total (sealed scoring);
* staff with a business duty see the pool and the panels; the scores of a panel only once it
  has been opened (:func:`panel_results`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from masterstudio.accounts.models import Role
from masterstudio.experts.aggregate import Summary
from masterstudio.experts.models import Assignment, AssignmentState, ScoringPanel
from masterstudio.experts.services.results import panel_summary


def assignments_for(user) -> QuerySet[Assignment]:
    base = Assignment.objects.select_related("panel", "panel__rubric", "panel__content_type", "expert")
    if user is None or not user.is_authenticated or not user.is_active or user.role != Role.EXPERT:
        return base.none()
    return base.filter(expert__user=user)


def assignment_for(user, pk) -> Assignment:
    try:
        return assignments_for(user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该评审任务，或它不是分配给您的") from None


# An expert reads what they judge only after declaring no conflict of interest (Art. 10): before
# the declaration nothing of it, neither pages nor files; after recusal nothing again.
DECLARED_STATES = (AssignmentState.SCORING, AssignmentState.SUBMITTED)


def may_read_subject(assignment: Assignment) -> bool:
    """Whether the expert of ``assignment`` may read its subject's materials (the same rule as
    :func:`subject_ids_for_expert`)."""
    return assignment.state in DECLARED_STATES


def subject_ids_for_expert(user, model) -> QuerySet:
    """Primary keys of the ``model`` objects (applications, studios…) an expert is judging and
    has declared no conflict of interest for (not before the declaration, not after recusal):
    the one rule of every page and file an expert reaches through other apps' visibility rules
    (``applications.selectors.applications_for`` — materials and snapshots —,
    ``assessments.selectors.results_for`` — the dossier)."""
    content_type = ContentType.objects.get_for_model(model)
    return (
        assignments_for(user)
        .filter(panel__content_type=content_type, state__in=DECLARED_STATES)
        .values("panel__object_id")
    )


def panels_for_subjects(model, ids) -> dict[int, ScoringPanel]:
    content_type = ContentType.objects.get_for_model(model)
    panels = (
        ScoringPanel.objects.filter(content_type=content_type, object_id__in=list(ids))
        .select_related("rubric")
        .prefetch_related("assignments__expert")
    )
    return {p.object_id: p for p in panels}


def panel_results(panel: ScoringPanel) -> dict | None:
    """The unsealed results for staff, or None while the panel is sealed."""
    if panel.is_sealed:
        return None
    assignments = list(panel.assignments.select_related("expert").prefetch_related("scores__criterion"))
    summary: Summary = panel_summary(panel)
    return {"assignments": assignments, "summary": summary, "max_total": panel.rubric.max_total}
