"""The expert review of applications: panels with the round's rubric, experts drawn (for a group
or each application), the sealed scores opened and the applications moved to the evaluation.
The scoring itself is the experts app's (reviews is above experts)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef

from masterstudio.applications.models import Application, AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together
from masterstudio.experts.models import Criterion, ScoringPanel
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.draws import draw_each, draw_experts
from masterstudio.experts.services.panels import panel_for, panels_for
from masterstudio.experts.services.results import open_panels
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.notifying import notify_units


def _draw_rubric(applications: list[Application]):
    """The round's application rubric, after checking that ``applications`` may have experts drawn."""
    if not applications:
        raise ReviewError("请选择要抽取专家的申报")
    rounds = {a.round_id for a in applications}
    if len(rounds) != 1:
        raise ReviewError("同一次抽取只能针对同一批次的申报")
    for application in applications:
        if application.state != AppState.EXPERT_REVIEW:
            raise ReviewError(f"{application}：只有处于“专家评审”阶段的申报才能抽取专家")
    rubric = (
        applications[0]
        .round.rubrics.filter(purpose="application")
        .annotate(scored=Exists(Criterion.objects.filter(rubric=OuterRef("pk"))))
        .first()
    )
    if rubric is None or not rubric.scored:
        raise ReviewError("本批次尚未设置评分表，请先在“评分表”中设置评分项、权重和满分")
    return rubric


def draw_for(applications: list[Application], *, size: int, seed: str, opens_at: datetime, closes_at: datetime, actor):
    """Create the panels (the round's rubric) and draw the experts for one application or a group."""
    rubric = _draw_rubric(applications)
    try:
        with transaction.atomic():  # a refused draw leaves no empty panel behind (check before write)
            panels = [
                panel_for(a, rubric, opens_at=opens_at, closes_at=closes_at, year=a.round.year) for a in applications
            ]
            return draw_experts(panels, size, seed=seed, actor=actor)
    except ScoringError as exc:
        raise ReviewError(str(exc)) from exc


def draw_each_for(
    applications: list[Application], *, size: int, seed: str, opens_at: datetime, closes_at: datetime, actor
) -> tuple[list, list]:
    """Each application its own panel and its own ``size`` experts, drawn for all of them in one
    go (the bureau drawing for every application in expert review at once): the same draws,
    tasks, events and notices as drawing for each application in turn, in one transaction. Each
    draw's seed is ``seed`` followed by the receipt number (``seed`` left blank: each its own
    random seed), so every draw can be replayed. Returns (the draws made, (application, reason)
    for each application that could not be drawn, e.g. too few experts without a conflict)."""
    rubric = _draw_rubric(applications)
    seed = (seed or "").strip()
    try:
        panels = panels_for(
            applications, rubric, opens_at=opens_at, closes_at=closes_at, year=applications[0].round.year
        )
        draws, skipped = draw_each(
            panels, size, seeds=[f"{seed}-{a.receipt_no or a.pk}" if seed else None for a in applications], actor=actor
        )
    except ScoringError as exc:
        raise ReviewError(str(exc)) from exc
    return draws, [(panel.subject, reason) for panel, reason in skipped]


def finish_expert_review(application: Application, *, actor) -> Application:
    """Open the sealed scores and move to the comprehensive evaluation: :func:`finish_expert_reviews`
    for one application, all or nothing (a panel that cannot be opened refuses, and none is opened)."""
    with transaction.atomic():
        _ready, reasons = finish_expert_reviews([application], actor=actor)
        if reasons:
            raise ReviewError(reasons[application.pk])
    return application


def finish_expert_reviews(applications: list[Application], *, actor) -> tuple[list[Application], dict[int, str]]:
    """:func:`finish_expert_review` for every application given that is ready (the evaluation
    page's "开封全部已评完的申报"): their panels opened together, each with its own event, the
    applications moved to 综合评议 with one event each and their units told, in one transaction.
    The others are left as they are. Returns (the applications moved on, why each other one was
    not, by application id)."""
    waiting = [a for a in applications if a.state == AppState.EXPERT_REVIEW]
    reasons = {
        a.pk: f"申报当前状态为“{a.get_state_display()}”，不在专家评审阶段"
        for a in applications
        if a.state != AppState.EXPERT_REVIEW
    }
    by_pk = {a.pk: a for a in waiting}
    panels: dict[int, list] = {}
    for panel in ScoringPanel.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id__in=list(by_pk)
    ).order_by("pk"):
        panel.subject = by_pk[panel.object_id]
        panels.setdefault(panel.object_id, []).append(panel)
    for application in waiting:
        if application.pk not in panels:
            reasons[application.pk] = "尚未抽取评审专家"
    with transaction.atomic(), appended_together():
        sealed = [p for pk in by_pk if pk in panels for p in panels[pk] if p.is_sealed]
        _opened, refused = open_panels(sealed, actor=actor)
        for panel in sealed:
            if panel.pk in refused:
                reasons.setdefault(panel.object_id, refused[panel.pk])
        ready = [a for a in waiting if a.pk not in reasons]
        APPLICATION_MACHINE.apply_many(
            ready, AppState.EVALUATION, actor=actor, then=[notify_units("application_expert_done")]
        )
    return ready, reasons
