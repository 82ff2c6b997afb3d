"""Grades of the annual assessment (Art. 12): the experts' sealed totals opened and aggregated,
converted to the 100-point scale, graded by the year's thresholds with the cap on 优秀, and
reviewed by staff before publication."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from masterstudio.assessments.models import AssessmentYear, Grade, Kind, StudioAssessment, YearState
from masterstudio.assessments.services.base import HUNDRED, TWO, AssessmentError, deadline_warning
from masterstudio.assessments.states import YEAR_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.locks import lock_row
from masterstudio.experts.aggregate import aggregate
from masterstudio.experts.models import Aggregation, Assignment, AssignmentState, Rubric, Score, ScoringPanel
from masterstudio.experts.services.results import open_panels


def grade_for(score: Decimal, ay: AssessmentYear) -> str:
    if score >= ay.excellent_min:
        return Grade.EXCELLENT
    if score >= ay.qualified_min:
        return Grade.QUALIFIED
    return Grade.UNQUALIFIED


def _aspect_rows(panel, points: dict[int, list]) -> list[dict]:
    """The mean of the submitted points of each criterion of the panel's rubric (``points`` by
    criterion id)."""
    rows = []
    for criterion in panel.rubric.criteria.all():
        given = points.get(criterion.pk, [])
        mean = (sum(given) / len(given)).quantize(TWO, ROUND_HALF_UP) if given else None
        rows.append(
            {
                "title": criterion.title,
                "weight": str(criterion.weight),
                "max": str(criterion.max_points),
                "mean": str(mean) if mean is not None else None,
            }
        )
    return rows


def _panels_of(results: list[StudioAssessment]) -> dict[int, object]:
    """:func:`panel_of` for every result at once (by result id), each panel with its subject and
    its rubric (criteria loaded, one rubric object shared by its panels)."""

    by_id = {r.pk: r for r in results}
    panels = {}
    for panel in ScoringPanel.objects.filter(
        content_type=ContentType.objects.get_for_model(StudioAssessment), object_id__in=list(by_id)
    ).order_by("object_id", "-created_at", "-pk"):
        panels.setdefault(panel.object_id, panel)
    rubrics = {r.pk: r for r in Rubric.objects.filter(pk__in={p.rubric_id for p in panels.values()})}
    prefetch_related_objects(list(rubrics.values()), "criteria")
    for object_id, panel in panels.items():
        panel.rubric = rubrics[panel.rubric_id]
        panel.subject = by_id[object_id]
    return panels


def compute(ay: AssessmentYear, *, actor) -> dict:
    """Open every panel (sealed until now), aggregate the experts' totals, convert to the
    100-point scale, grade by the year's thresholds and apply the cap on 优秀. Can be repeated
    until the results are published."""

    with transaction.atomic(), appended_together():
        ay = lock_row(AssessmentYear, ay.pk)
        if ay.state == YearState.PUBLISHED:
            raise AssessmentError(f"{ay.year} 年度考核结果已发布，不能重新计算")
        results = list(ay.results.select_related("studio").order_by("pk"))
        panels = _panels_of(results)
        _, refused = open_panels(
            [panels[r.pk] for r in results if r.pk in panels and panels[r.pk].is_sealed], actor=actor
        )
        panel_ids = [p.pk for p in panels.values()]
        totals: dict[int, list] = {}
        for panel_id, total in (
            Assignment.objects.filter(panel_id__in=panel_ids, state=AssignmentState.SUBMITTED)
            .order_by()
            .values_list("panel_id", "total")
        ):
            totals.setdefault(panel_id, []).append(total)
        points: dict[int, dict[int, list]] = {}
        submitted_scores = (
            Score.objects.filter(assignment__panel_id__in=panel_ids, assignment__state=AssignmentState.SUBMITTED)
            .order_by()
            .values_list("assignment__panel_id", "criterion_id", "points")
        )
        for panel_id, criterion_id, value in submitted_scores:
            points.setdefault(panel_id, {}).setdefault(criterion_id, []).append(value)
        problems = []
        scored = []
        for result in results:
            panel = panels.get(result.pk)
            if panel is None:
                problems.append(f"{result.studio.name}：没有评审组")
                continue
            if panel.pk in refused:
                problems.append(f"{result.studio.name}：{refused[panel.pk]}")
                continue
            summary = aggregate(totals.get(panel.pk, []), panel.rubric.aggregation)
            max_total = panel.rubric.max_total
            if summary.value is None or not max_total:
                problems.append(f"{result.studio.name}：尚无专家评分")
                continue
            score = (summary.value / max_total * HUNDRED).quantize(TWO, ROUND_HALF_UP)
            scored.append((result, score, summary))
        if problems:
            raise AssessmentError("以下工作室的评分尚未完成，不能计算等次：" + "；".join(problems))
        cap = None
        if ay.excellent_cap_percent:
            cap = math.floor(len(results) * ay.excellent_cap_percent / 100)
        ranked = sorted((s for s in scored if grade_for(s[1], ay) == Grade.EXCELLENT), key=lambda s: (-s[1], s[0].pk))
        capped = {s[0].pk for s in ranked[cap:]} if cap is not None else set()
        for result, score, summary in scored:
            panel = panels[result.pk]
            grade = grade_for(score, ay)
            method = dict(Aggregation.choices).get(summary.method_used, summary.method_used)
            reasons = [
                f"专家 {summary.count} 人评分，按“{method}”汇总加权总分 {summary.value}"
                f"（满分 {panel.rubric.max_total.normalize():f}），折合百分制 {score} 分"
            ]
            if summary.note:
                reasons.append(summary.note)
            reasons.append(
                f"优秀线 {ay.excellent_min.normalize():f} 分，合格线 {ay.qualified_min.normalize():f} 分（第12条）"
            )
            if result.pk in capped:
                grade = Grade.QUALIFIED
                reasons.append(
                    f"达到优秀线，但超出优秀比例上限 {ay.excellent_cap_percent}%（共 {len(results)} 个工作室，"
                    f"优秀至多 {cap} 个），按得分排序后定为合格"
                )
            result.score, result.computed_grade, result.grade = score, grade, grade
            result.aspects = _aspect_rows(panel, points.get(panel.pk, {}))
            result.reasons = "；".join(reasons)
            result.override_reason = ""
        StudioAssessment.objects.bulk_update(
            [r for r, _, _ in scored],
            ["score", "computed_grade", "grade", "aspects", "reasons", "override_reason"],
            batch_size=200,
        )
        YEAR_MACHINE.apply(
            ay,
            YearState.COMPUTED,
            actor=actor,
            data={"grades": {str(r.pk): r.grade for r, _, _ in scored}, "cap": cap},
        )
    return {"graded": len(scored), "capped": len(capped)}


def review(
    result: StudioAssessment, *, grade: str, reason: str, rectify_deadline=None, rectify_actions: str = "", actor
) -> StudioAssessment:
    """Staff review of one result before publication: change the grade (with a reason) and, for
    不合格, set the rectification deadline and required actions."""
    if result.kind != Kind.ANNUAL or result.assessment_year is None:
        raise AssessmentError("复评结果请在整改记录中登记")
    if grade not in Grade.values:
        raise AssessmentError("请选择等次：优秀、合格或不合格", field="grade")
    with transaction.atomic(), appended_together():
        result = lock_row(StudioAssessment, result.pk)
        if result.published:
            raise AssessmentError("考核结果已发布，不能再调整")
        if result.assessment_year.state != YearState.COMPUTED:
            raise AssessmentError("请先计算等次，再复核")
        if grade != result.computed_grade and not reason.strip():
            raise AssessmentError("调整计算得出的等次须填写理由", field="reason")
        if grade == Grade.UNQUALIFIED:
            if rectify_deadline is None:
                raise AssessmentError("不合格的工作室须限期整改：请填写整改期限", field="rectify_deadline")
            if rectify_deadline <= timezone.localdate():
                raise AssessmentError("整改期限应晚于今天", field="rectify_deadline")
            if not rectify_actions.strip():
                raise AssessmentError("请填写整改要求", field="rectify_actions")
        warning = deadline_warning(rectify_deadline) if grade == Grade.UNQUALIFIED else ""  # Art. 20
        before = result.grade
        result.grade = grade
        result.override_reason = reason.strip() if grade != result.computed_grade else ""
        result.rectify_deadline = rectify_deadline if grade == Grade.UNQUALIFIED else None
        result.rectify_actions = rectify_actions.strip() if grade == Grade.UNQUALIFIED else ""
        result.save(update_fields=["grade", "override_reason", "rectify_deadline", "rectify_actions"])
        record_event(
            "studioassessment.reviewed",
            obj=result,
            actor=actor,
            clause="12",
            from_state=before,
            to_state=grade,
            reason=reason.strip(),
            data={
                "rectify_deadline": rectify_deadline,
                "rectify_actions": rectify_actions.strip(),
                "art20_warning": warning,
            },
        )
    result.art20_warning = warning
    return result
