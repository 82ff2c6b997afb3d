"""Opening a year's assessment (Art. 12), drawing its experts, and publishing its results with
their application: 优秀 → the Art. 14 reward, 不合格 → 限期整改."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.assessments.models import ASPECTS, AssessmentYear, Grade, Kind, StudioAssessment, YearState
from masterstudio.assessments.services.base import HUNDRED, AssessmentError, _decimal
from masterstudio.assessments.services.grading import _panels_of
from masterstudio.assessments.services.rectifications import _open_rectification
from masterstudio.assessments.states import YEAR_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify_many
from masterstudio.experts.models import Assignment, Rubric
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.draws import draw_each
from masterstudio.experts.services.panels import panels_for, panels_of, save_rubric
from masterstudio.funding.services import FundingError, award_grant
from masterstudio.policytools.versions import require_in_force
from masterstudio.studios.models import LIVE_STATES, Studio


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

    if AssessmentYear.objects.filter(year=year).exists():
        raise AssessmentError(f"{year} 年度的绩效考核已开启，不能重复开启", field="year")
    require_in_force(date(year, 12, 31), f"开启 {year} 年度绩效考核", AssessmentError)  # Art. 20
    if len(weights) != len(ASPECTS) or len(max_points) != len(ASPECTS):
        raise AssessmentError("请为四个考核方面分别填写权重和满分")
    criteria = []
    for index, ((title, description), weight, points) in enumerate(zip(ASPECTS, weights, max_points, strict=False)):
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

    return panels_of(result).select_related("rubric").first()


def draw(ay: AssessmentYear, *, size: int, seed: str = "", actor) -> dict:
    """Draw ``size`` experts for every studio of the year that has none yet (conflicts with the
    studio's unit and experts outside its occupation are excluded by the experts app)."""

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

        def tell_units(_ay, _event):  # each unit its studio's result with reasons, with the publication
            notify_many(
                (
                    users.get(r.studio.unit_id, []),
                    "assessment_result",
                    {"result": r, "studio": r.studio},
                    reverse("studios:detail", args=[r.studio.pk]),
                )
                for r in results
            )

        YEAR_MACHINE.apply(
            ay,
            YearState.PUBLISHED,
            actor=actor,
            extra_fields={"published_on": today, "published_by": actor},
            data={
                "results": len(results),
                "rewards": [g.pk for g in rewards],
                "rectifications": [r.pk for r in rectifications],
                "reward_errors": reward_errors,
            },
            then=[tell_units],
        )
    return {"rewards": rewards, "rectifications": rectifications, "reward_errors": reward_errors}
