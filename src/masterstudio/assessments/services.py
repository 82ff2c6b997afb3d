"""Writes for the annual assessment (Art. 12) and the application of its results (Art. 12–14).

Experts are drawn and score through ``masterstudio.experts`` (sealed, conflicts excluded): every
``StudioAssessment`` is the subject of one ``ScoringPanel`` with the year's four-aspect rubric.
The Art. 14 reward is created only through ``funding.services.award_grant`` (idempotent, unique
in the database)."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import Role, User
from masterstudio.assessments.models import (
    ASPECTS,
    AssessmentYear,
    Grade,
    Kind,
    LeaderRecommendation,
    Rectification,
    RectificationState,
    StudioAssessment,
    YearState,
)
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.notify import notify, notify_many
from masterstudio.core.transitions import TransitionError
from masterstudio.funding.services import FundingError, award_grant, lock_row
from masterstudio.policytools.versions import expiry_warning, require_in_force
from masterstudio.studios.lifecycle import STUDIO_MACHINE
from masterstudio.studios.models import LIVE_STATES, Studio, StudioState

HUNDRED = Decimal("100")
TWO = Decimal("0.01")


class AssessmentError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def unit_users(studio):
    return unit_users_of([studio.unit_id])


def unit_users_of(unit_ids):
    return User.unit_recipients(unit_ids)


def staff_with(*duties):
    return User.staff_with(*duties)


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AssessmentError(f"{label}应为数字", field=field) from None
    if not number.is_finite():
        raise AssessmentError(f"{label}应为数字", field=field)
    return number


def measures_valid_until() -> date:
    """The last day of the last policy version (shown beside the rectification deadline)."""
    from masterstudio.catalog.engine import versions

    return versions().last_valid_until


def deadline_warning(deadline) -> str:
    """A warning for a rectification deadline outside every policy version (Art. 20: the
    re-assessment and any revocation would fall after the Measures that required them); "" when
    there is nothing to say. The one rule is ``policytools.versions.expiry_warning``."""
    return expiry_warning(deadline, "整改期限") if deadline is not None else ""


# ---------------------------------------------------------------- opening a year


def open_year(
    year: int,
    *,
    weights: list,
    max_points: list,
    excellent_min,
    qualified_min,
    cap_percent=None,
    opens_at,
    closes_at,
    actor,
    aggregation: str = "trimmed",
) -> AssessmentYear:
    """Open the year's assessment: the rubric of the four aspects of Art. 12 with their weights,
    the grade thresholds and the cap on 优秀; one result row (and one sealed panel) per live studio
    recognised by the end of the year."""
    from masterstudio.experts.models import Rubric
    from masterstudio.experts.services import ScoringError, panels_for, save_rubric

    if AssessmentYear.objects.filter(year=year).exists():
        raise AssessmentError(f"{year} 年度的绩效考核已开启，不能重复开启", field="year")
    require_in_force(date(year, 12, 31), f"开启 {year} 年度绩效考核", AssessmentError)  # Art. 20
    if len(weights) != len(ASPECTS) or len(max_points) != len(ASPECTS):
        raise AssessmentError("请为四个考核方面分别填写权重和满分")
    criteria = []
    for index, ((title, description), weight, points) in enumerate(zip(ASPECTS, weights, max_points)):
        weight = _decimal(weight, f"weight_{index}", f"“{title}”的权重")
        points = _decimal(points, f"max_{index}", f"“{title}”的满分")
        if weight <= 0 or points <= 0:
            raise AssessmentError(f"“{title}”的权重和满分都必须大于 0", field=f"weight_{index}")
        criteria.append({"title": title, "description": description, "weight": weight, "max_points": points})
    excellent_min = _decimal(excellent_min, "excellent_min", "优秀分数线")
    qualified_min = _decimal(qualified_min, "qualified_min", "合格分数线")
    if not (Decimal("0") <= qualified_min < excellent_min <= HUNDRED):
        raise AssessmentError("分数线应满足 0 ≤ 合格线 < 优秀线 ≤ 100（百分制）", field="excellent_min")
    if cap_percent not in (None, "") and not (1 <= int(cap_percent) <= 100):
        raise AssessmentError("优秀比例上限应在 1% 到 100% 之间，不限请留空", field="cap_percent")
    if closes_at <= opens_at:
        raise AssessmentError("评分截止时间必须晚于开始时间", field="closes_at")
    with transaction.atomic(), appended_together():
        rubric = save_rubric(
            Rubric(name=f"{year}年度工作室绩效考核评分表（第12条）", purpose="assessment", aggregation=aggregation),
            criteria,
            actor=actor,
        )
        try:
            with transaction.atomic():
                ay = AssessmentYear.objects.create(
                    year=year,
                    rubric=rubric,
                    excellent_min=excellent_min,
                    qualified_min=qualified_min,
                    excellent_cap_percent=int(cap_percent) if cap_percent not in (None, "") else None,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise AssessmentError(f"{year} 年度的绩效考核已开启，不能重复开启", field="year") from exc
        studios = list(
            Studio.objects.filter(state__in=LIVE_STATES, recognized_on__lte=date(year, 12, 31)).order_by("pk")
        )
        results = StudioAssessment.objects.bulk_create(
            [StudioAssessment(assessment_year=ay, studio=studio, year=year, kind=Kind.ANNUAL) for studio in studios]
        )
        try:
            panels_for(results, rubric, opens_at=opens_at, closes_at=closes_at, year=year)
        except ScoringError as exc:
            raise AssessmentError(str(exc)) from exc
        record_event(
            "assessmentyear.opened",
            obj=ay,
            actor=actor,
            clause="12",
            to_state=ay.state,
            data={
                "studios": len(studios),
                "excellent_min": str(excellent_min),
                "qualified_min": str(qualified_min),
                "cap_percent": ay.excellent_cap_percent,
                "criteria": [
                    {"title": c["title"], "weight": str(c["weight"]), "max_points": str(c["max_points"])}
                    for c in criteria
                ],
            },
        )
    return ay


def panel_of(result: StudioAssessment):
    from masterstudio.experts.services import panels_of

    return panels_of(result).select_related("rubric").first()


def draw(ay: AssessmentYear, *, size: int, seed: str = "", actor) -> dict:
    """Draw ``size`` experts for every studio of the year that has none yet (conflicts with the
    studio's unit and experts outside its occupation are excluded by the experts app)."""
    from masterstudio.experts.models import Assignment
    from masterstudio.experts.services import draw_each

    if ay.state != YearState.OPEN:
        raise AssessmentError("考核已计算或发布，不能再抽取专家")
    results = list(ay.results.select_related("studio", "studio__unit").order_by("pk"))
    panels = _panels_of(results)
    seated = set(Assignment.objects.filter(panel__in=list(panels.values())).values_list("panel_id", flat=True))
    todo = [
        (result, panels[result.pk]) for result in results if result.pk in panels and panels[result.pk].pk not in seated
    ]
    # all in one go, as if drawn studio by studio in this order (each draw counts the ones before it)
    draws, skipped = draw_each(
        [panel for _result, panel in todo],
        size,
        seeds=[f"{seed.strip()}-{result.pk}" if seed.strip() else None for result, _panel in todo],
        actor=actor,
    )
    refused = {panel.pk: reason for panel, reason in skipped}
    drawn = [result.studio.name for result, panel in todo if panel.pk not in refused]
    errors = [f"{result.studio.name}：{refused[panel.pk]}" for result, panel in todo if panel.pk in refused]
    return {"drawn": drawn, "errors": errors}


# ---------------------------------------------------------------- grades


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
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import prefetch_related_objects

    from masterstudio.experts.models import Rubric, ScoringPanel

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
    from masterstudio.experts.aggregate import aggregate
    from masterstudio.experts.models import Aggregation, Assignment, AssignmentState, Score
    from masterstudio.experts.services import open_panels

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
        AssessmentYear.objects.filter(pk=ay.pk).update(state=YearState.COMPUTED)
        record_event(
            "assessmentyear.computed",
            obj=ay,
            actor=actor,
            clause="12",
            from_state=ay.state,
            to_state=YearState.COMPUTED,
            data={"grades": {str(r.pk): r.grade for r, _, _ in scored}, "cap": cap},
        )
        ay.state = YearState.COMPUTED
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


def publish(ay: AssessmentYear, *, actor) -> dict:
    """Publish the year's results to each unit with reasons, and apply them: 优秀 → the Art. 14
    reward (once); 不合格 → 限期整改. A second publication is refused."""
    if actor is None or not actor.has_duty("approver"):
        raise AssessmentError("只有具有审批职责的工作人员可以发布考核结果")
    today = timezone.localdate()
    rewards, rectifications, reward_errors = [], [], []
    with transaction.atomic(), appended_together():
        ay = lock_row(AssessmentYear, ay.pk)
        if ay.state == YearState.PUBLISHED:
            raise AssessmentError(f"{ay.year} 年度考核结果已于 {ay.published_on:%Y-%m-%d} 发布，不能重复发布")
        if ay.state != YearState.COMPUTED:
            raise AssessmentError("请先计算等次并复核，再发布")
        results = list(ay.results.select_related("studio", "studio__unit").order_by("pk"))
        ungraded = [r.studio.name for r in results if not r.grade]
        if ungraded:
            raise AssessmentError("以下工作室尚无等次：" + "、".join(ungraded))
        unplanned = [
            r.studio.name
            for r in results
            if r.grade == Grade.UNQUALIFIED and (r.rectify_deadline is None or not r.rectify_actions)
        ]
        if unplanned:
            raise AssessmentError("以下不合格工作室尚未填写整改期限和整改要求：" + "、".join(unplanned))
        StudioAssessment.objects.filter(pk__in=[r.pk for r in results]).update(
            published=True, assessed_on=today, recorded_by=actor
        )
        for result in results:
            result.published, result.assessed_on = True, today
            record_event(
                "studioassessment.published",
                obj=result,
                actor=actor,
                clause="12",
                to_state=result.grade,
                reason=result.reasons,
                data={"score": str(result.score), "grade": result.grade, "override": result.override_reason},
            )
            if result.grade == Grade.EXCELLENT:
                try:
                    with transaction.atomic():
                        grant = award_grant(
                            result.studio,
                            "excellent",
                            on=today,
                            year=ay.year,
                            actor=actor,
                            basis=f"{ay.year} 年度绩效考核等次为优秀（第12条、第14条）",
                        )
                    rewards.append(grant)
                except FundingError as exc:
                    reward_errors.append(f"{result.studio.name}：{exc}")
            elif result.grade == Grade.UNQUALIFIED:
                rectifications.append(_open_rectification(result, actor=actor))
        users = User.unit_recipients_by_unit({r.studio.unit_id for r in results})
        notify_many(
            (
                users.get(r.studio.unit_id, []),
                "assessment_result",
                {"result": r, "studio": r.studio},
                reverse("studios:detail", args=[r.studio.pk]),
            )
            for r in results
        )
        AssessmentYear.objects.filter(pk=ay.pk).update(
            state=YearState.PUBLISHED, published_on=today, published_by=actor
        )
        record_event(
            "assessmentyear.published",
            obj=ay,
            actor=actor,
            clause="12",
            from_state=ay.state,
            to_state=YearState.PUBLISHED,
            data={
                "results": len(results),
                "rewards": [g.pk for g in rewards],
                "rectifications": [r.pk for r in rectifications],
                "reward_errors": reward_errors,
            },
        )
        ay.state, ay.published_on = YearState.PUBLISHED, today
    return {"rewards": rewards, "rectifications": rectifications, "reward_errors": reward_errors}


def _notify_result(result: StudioAssessment) -> None:
    studio = result.studio
    notify(
        unit_users(studio),
        "assessment_result",
        {"result": result, "studio": studio},
        url=reverse("studios:detail", args=[studio.pk]),
    )


def _open_rectification(result: StudioAssessment, *, actor) -> Rectification:
    studio = lock_row(Studio, result.studio_id)
    open_one = Rectification.objects.filter(studio=studio, state__in=["open", "reported"]).first()
    if open_one is not None:
        return open_one
    rectification = Rectification.objects.create(
        studio=studio, assessment=result, deadline=result.rectify_deadline, required_actions=result.rectify_actions
    )
    if studio.state == StudioState.ACTIVE:
        STUDIO_MACHINE.apply(
            studio,
            StudioState.RECTIFICATION,
            actor=actor,
            clause="12",
            reason=f"{result.year} 年度绩效考核不合格，限期 {result.rectify_deadline:%Y-%m-%d} 前整改",
            data={"assessment": result.pk, "rectification": rectification.pk},
        )
    return rectification


def request_reward(result: StudioAssessment, *, actor):
    """The Art. 14 reward for a published 优秀 year (when publication could not create it).
    Refused for any other grade; never creates a second reward."""
    if actor is None or not actor.has_duty("approver"):
        raise AssessmentError("只有具有审批职责的工作人员可以核定奖励")
    if not result.published:
        raise AssessmentError("考核结果尚未发布，不能核定奖励")
    if result.kind != Kind.ANNUAL or result.grade != Grade.EXCELLENT:
        raise AssessmentError(
            f"{result.year} 年度考核等次为“{result.get_grade_display() or '未定'}”，"
            "只有等次为优秀的年度才能核定奖励（第14条）"
        )
    try:
        return award_grant(
            result.studio,
            "excellent",
            on=result.assessed_on,
            year=result.year,
            actor=actor,
            basis=f"{result.year} 年度绩效考核等次为优秀（第12条、第14条）",
        )
    except FundingError as exc:
        raise AssessmentError(str(exc)) from exc


def recommend_leader(result: StudioAssessment, *, note: str, actor) -> LeaderRecommendation:
    """Put the leader of an 优秀 studio on the 亦城领军人才 list (Art. 14)."""
    if actor is None or not actor.has_duty("approver"):
        raise AssessmentError("只有具有审批职责的工作人员可以推荐")
    if not result.published or result.grade != Grade.EXCELLENT:
        raise AssessmentError("只有年度考核等次为优秀的工作室，其领办人才可推荐参评亦城领军人才（第14条）")
    if not note.strip():
        raise AssessmentError("请填写推荐意见", field="note")
    try:
        with transaction.atomic():
            item = LeaderRecommendation.objects.create(
                assessment=result,
                studio=result.studio,
                person=result.studio.leader,
                year=result.year,
                note=note.strip(),
                recommended_by=actor,
            )
            record_event(
                "leader.recommended",
                obj=item,
                actor=actor,
                clause="14.2",
                reason=note.strip(),
                data={"studio": result.studio_id, "year": result.year},
            )
    except IntegrityError as exc:
        raise AssessmentError("该领办人已因本年度优秀列入推荐名单，不能重复推荐") from exc
    return item


# ---------------------------------------------------------------- rectification


def report_rectification(rectification: Rectification, *, report: str, upload=None, actor) -> Rectification:
    from masterstudio.core.uploads import check_upload

    if actor.role not in (Role.UNIT, Role.LEADER) or actor.unit_id != rectification.studio.unit_id:
        raise AssessmentError("只有工作室所在单位可以报送整改情况")
    if not report.strip():
        raise AssessmentError("请填写整改情况报告，逐项说明整改要求的落实情况", field="report")
    if upload is not None:
        try:
            check_upload(upload, label="整改材料")
        except Exception as exc:
            raise AssessmentError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
    with transaction.atomic():
        rectification = lock_row(Rectification, rectification.pk)
        if rectification.state not in (RectificationState.OPEN, RectificationState.REPORTED):
            raise AssessmentError("该整改已复评，不能再报送")
        rectification.report = report.strip()
        if upload is not None:
            rectification.report_file, rectification.report_file_name = upload, upload.name
        rectification.state = RectificationState.REPORTED
        rectification.reported_at, rectification.reported_by = timezone.now(), actor
        rectification.save()
        record_event(
            "rectification.reported",
            obj=rectification,
            actor=actor,
            clause="12",
            to_state=RectificationState.REPORTED,
            data={"file": upload.name if upload else ""},
        )
    return rectification


def record_reassessment(rectification: Rectification, *, grade: str, reasons: str, actor) -> StudioAssessment:
    """Record the re-assessment of a rectified studio. 合格 brings it back to 运行中; 不合格 again
    leaves it for revocation under Art. 13(2)."""
    if actor is None or not any(actor.has_duty(d) for d in ("reviewer", "approver")):
        raise AssessmentError("只有具有审核或审批职责的工作人员可以登记复评结果")
    if grade not in (Grade.QUALIFIED, Grade.UNQUALIFIED):
        raise AssessmentError("复评结果应为合格或不合格", field="grade")
    if not reasons.strip():
        raise AssessmentError("请填写复评理由", field="reasons")
    today = timezone.localdate()
    with transaction.atomic():
        rectification = lock_row(Rectification, rectification.pk)
        if rectification.state in (RectificationState.PASSED, RectificationState.FAILED):
            raise AssessmentError("该整改已登记复评结果，不能重复登记")
        try:
            with transaction.atomic():
                result = StudioAssessment.objects.create(
                    studio=rectification.studio,
                    year=rectification.assessment.year,
                    kind=Kind.REASSESSMENT,
                    computed_grade=grade,
                    grade=grade,
                    reasons=reasons.strip(),
                    published=True,
                    assessed_on=today,
                    rectification=rectification,
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            raise AssessmentError("该整改已登记复评结果，不能重复登记") from exc
        passed = grade == Grade.QUALIFIED
        rectification.state = RectificationState.PASSED if passed else RectificationState.FAILED
        rectification.save(update_fields=["state"])
        record_event(
            "studioassessment.reassessed",
            obj=result,
            actor=actor,
            clause="12" if passed else "13.2",
            to_state=grade,
            reason=reasons.strip(),
            data={"rectification": rectification.pk},
        )
        studio = lock_row(Studio, rectification.studio_id)
        if passed and studio.state == StudioState.RECTIFICATION:
            try:
                STUDIO_MACHINE.apply(
                    studio,
                    StudioState.ACTIVE,
                    actor=actor,
                    clause="12",
                    reason=f"整改后复评合格：{reasons.strip()}",
                    data={"reassessment": result.pk},
                )
            except TransitionError as exc:
                raise AssessmentError(str(exc)) from exc
        _notify_result(result)
    return result


# ---------------------------------------------------------------- supervision (督导检查, Art. 11)


def record_supervision(
    studio: Studio,
    *,
    visited_on,
    inspectors: str,
    findings: str,
    follow_up: str = "",
    follow_up_due=None,
    uploads=(),
    actor,
):
    """Record a supervision visit to ``studio`` and tell its unit the findings. Refused (nothing
    written) when the actor has no business duty, the studio is revoked, the date is to come or
    before the studio was recognised, a text is missing or too long, or a file is refused."""
    from masterstudio.assessments.models import SupervisionFile, SupervisionVisit
    from masterstudio.core.uploads import check_upload

    if actor is None or not any(actor.has_duty(d) for d in ("reviewer", "approver")):
        raise AssessmentError("只有具有审核或审批职责的工作人员可以登记督导检查")
    if studio.state not in LIVE_STATES:
        raise AssessmentError(f"{studio.name} 已撤销，不再督导检查", field="studio")
    if visited_on is None:
        raise AssessmentError("请填写“检查日期”", field="visited_on")
    if visited_on > timezone.localdate():
        raise AssessmentError("“检查日期”不能晚于今天；尚未进行的检查请检查后再登记", field="visited_on")
    if visited_on < studio.recognized_on:
        raise AssessmentError(f"“检查日期”不能早于工作室认定日期 {studio.recognized_on:%Y-%m-%d}", field="visited_on")
    inspectors, findings, follow_up = inspectors.strip(), findings.strip(), (follow_up or "").strip()
    if not inspectors:
        raise AssessmentError("请填写“检查人员”", field="inspectors")
    if len(inspectors) > 200:
        raise AssessmentError(f"“检查人员”最多 200 个字（现有 {len(inspectors)} 个字）", field="inspectors")
    if not findings:
        raise AssessmentError("请填写“检查发现”", field="findings")
    for name, label, value in (("findings", "检查发现", findings), ("follow_up", "整改或跟进要求", follow_up)):
        if len(value) > SUPERVISION_TEXT_LIMIT:
            raise AssessmentError(f"“{label}”最多 {SUPERVISION_TEXT_LIMIT} 个字（现有 {len(value)} 个字）", field=name)
    if follow_up_due is not None and not follow_up:
        raise AssessmentError("填写了跟进期限，请同时填写“整改或跟进要求”", field="follow_up")
    if follow_up_due is not None and follow_up_due < visited_on:
        raise AssessmentError("“跟进期限”不能早于检查日期", field="follow_up_due")
    uploads = list(uploads or [])
    for upload in uploads:
        try:
            check_upload(upload, label="检查材料")
        except Exception as exc:
            raise AssessmentError(getattr(exc, "messages", [str(exc)])[0], field="files") from exc
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            studio=studio,
            visited_on=visited_on,
            inspectors=inspectors,
            findings=findings,
            follow_up=follow_up,
            follow_up_due=follow_up_due,
            recorded_by=actor,
        )
        for upload in uploads:
            SupervisionFile.objects.create(visit=visit, file=upload, original_name=upload.name)
        record_event(
            "supervision.recorded",
            obj=visit,
            actor=actor,
            clause="11",
            data={
                "studio": studio.pk,
                "visited_on": visited_on,
                "files": [u.name for u in uploads],
                "follow_up_due": follow_up_due,
            },
        )
        notify(
            unit_users(studio),
            "supervision_recorded",
            {"visit": visit, "studio": studio},
            url=reverse("assessments:supervision", args=[visit.pk]),
        )
    return visit


SUPERVISION_TEXT_LIMIT = 2000
