"""Rubrics, the scoring panels of a subject and what each panel holds."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from masterstudio.core.events import record_event
from masterstudio.experts.models import Assignment, AssignmentState, Criterion, Rubric, ScoringPanel
from masterstudio.experts.services import ScoringError

BUSINESS_DUTIES = ("reviewer", "approver")


def require_business(actor, what: str) -> None:
    """Refuse unless ``actor`` holds a business duty (审核 or 审批)."""
    if actor is None or not any(actor.has_duty(d) for d in BUSINESS_DUTIES):
        raise ScoringError(f"只有具有审核或审批职责的工作人员可以{what}")


# ---------------------------------------------------------------- rubrics


def save_rubric(rubric: Rubric, criteria: list[dict], *, actor=None) -> Rubric:
    """Replace a rubric's criteria. Refused once any expert has scored with it."""
    if not criteria:
        raise ScoringError("评分表至少需要一个评分项")
    with transaction.atomic():
        if rubric.pk and rubric.is_locked():
            raise ScoringError("已有专家使用此评分表评分，评分表不能再修改")
        rubric.save()
        rubric.criteria.all().delete()
        for order, item in enumerate(criteria, start=1):
            Criterion.objects.create(rubric=rubric, order=order, **item)
        record_event(
            "rubric.saved",
            obj=rubric,
            actor=actor,
            clause="12" if rubric.purpose == "assessment" else "10",
            data={"aggregation": rubric.aggregation, "criteria": [{k: str(v) for k, v in c.items()} for c in criteria]},
        )
    return rubric


# ---------------------------------------------------------------- panels and draws


# ---------------------------------------------------------------- panels


def panel_for(subject, rubric: Rubric, *, opens_at, closes_at, year: int) -> ScoringPanel:
    if closes_at <= opens_at:
        raise ScoringError("评分截止时间必须晚于开始时间")
    content_type = ContentType.objects.get_for_model(subject)
    panel, created = ScoringPanel.objects.get_or_create(
        content_type=content_type,
        object_id=subject.pk,
        rubric=rubric,
        defaults={"opens_at": opens_at, "closes_at": closes_at, "year": year},
    )
    if not created and panel.opened_at is None and (panel.opens_at, panel.closes_at) != (opens_at, closes_at):
        panel.wanted_window = (opens_at, closes_at)  # moved by the draw, once it is sure to go ahead
    panel.subject = subject  # known: spares reading it back through the generic relation
    return panel


def panels_for(subjects: list, rubric: Rubric, *, opens_at, closes_at, year: int) -> list[ScoringPanel]:
    """:func:`panel_for` for several subjects of one kind at once (e.g. every studio of an
    assessment year): the panels that exist are kept, the others are created together. In the order
    of ``subjects``. A sealed panel's new window is only noted (``wanted_window``): the draw moves
    it after its checks, so a refused draw leaves the window as it was (:func:`_move_windows`)."""
    if closes_at <= opens_at:
        raise ScoringError("评分截止时间必须晚于开始时间")
    if not subjects:
        return []
    content_type = ContentType.objects.get_for_model(subjects[0])
    existing = {
        p.object_id: p
        for p in ScoringPanel.objects.filter(
            content_type=content_type, rubric=rubric, object_id__in=[s.pk for s in subjects]
        )
    }
    missing = [
        ScoringPanel(
            content_type=content_type, object_id=s.pk, rubric=rubric, opens_at=opens_at, closes_at=closes_at, year=year
        )
        for s in subjects
        if s.pk not in existing
    ]
    try:
        with transaction.atomic():
            ScoringPanel.objects.bulk_create(missing)
    except IntegrityError:  # some were created meanwhile: one by one, as panel_for does
        return [panel_for(s, rubric, opens_at=opens_at, closes_at=closes_at, year=year) for s in subjects]
    for panel in existing.values():
        if panel.opened_at is None and (panel.opens_at, panel.closes_at) != (opens_at, closes_at):
            panel.wanted_window = (opens_at, closes_at)  # moved by the draw, once it is sure to go ahead
    created = {p.object_id: p for p in missing}
    panels = []
    for subject in subjects:
        panel = existing.get(subject.pk) or created[subject.pk]
        panel.subject = subject
        panels.append(panel)
    return panels


def keep_loaded(source, target) -> None:
    """Copy the related objects already loaded on ``source`` (the same row read earlier, e.g.
    before it was read again under lock) to ``target`` where ``target`` points at the same rows,
    so describing ``target`` reads nothing again."""
    for field in type(source)._meta.get_fields():
        if not getattr(field, "is_relation", False) or not hasattr(field, "is_cached"):
            continue
        if isinstance(field, GenericForeignKey):
            keys = [field.ct_field + "_id", field.fk_field]
        elif field.concrete and (field.many_to_one or field.one_to_one):
            keys = [field.attname]
        else:
            continue
        if (
            field.is_cached(source)
            and not field.is_cached(target)
            and all(getattr(source, k) == getattr(target, k) for k in keys)
        ):
            field.set_cached_value(target, field.get_cached_value(source))


def panels_of(subject):
    return ScoringPanel.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


def panel_counts(panel_ids) -> dict[int, dict]:
    """For each panel: ``size`` (the experts it was drawn for: the sizes of its draws, replacements
    aside), ``seated`` (tasks not recused), ``recused``, ``submitted``, ``pending`` (to declare or
    score) and ``short`` (seats a replacement could fill: size − seated)."""
    counts = {pk: {"size": 0, "seated": 0, "recused": 0, "submitted": 0, "pending": 0, "short": 0} for pk in panel_ids}
    sizes: dict[int, dict[int, int]] = {}
    rows = (
        Assignment.objects.filter(panel_id__in=list(panel_ids))
        .order_by()
        .values_list("panel_id", "state", "draw_id", "draw__size", "draw__replaces_id")
    )
    for panel_id, state, draw_id, size, replaces in rows:
        row = counts[panel_id]
        if replaces is None:
            sizes.setdefault(panel_id, {})[draw_id] = size
        if state == AssignmentState.RECUSED:
            row["recused"] += 1
            continue
        row["seated"] += 1
        if state == AssignmentState.SUBMITTED:
            row["submitted"] += 1
        else:
            row["pending"] += 1
    for panel_id, row in counts.items():
        row["size"] = sum(sizes.get(panel_id, {}).values())
        row["short"] = max(0, row["size"] - row["seated"])
    return counts
