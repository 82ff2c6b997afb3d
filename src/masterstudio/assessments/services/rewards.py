"""The Art. 14 consequences of an 优秀 year: the reward (through ``funding.services.award_grant``,
idempotent, unique in the database) and the recommendation of the leader."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from masterstudio.assessments.models import Grade, Kind, LeaderRecommendation, StudioAssessment
from masterstudio.assessments.services.base import AssessmentError
from masterstudio.core.events import record_event
from masterstudio.funding.services import FundingError, award_grant


def excellent_grade_refusal(studio, year: int) -> str | None:
    """Art. 14: the 优秀 reward of ``year`` needs that year's annual assessment published as 优秀
    (registered with ``funding.services`` as the condition of the "excellent" award)."""
    result = StudioAssessment.objects.filter(studio=studio, year=year, kind=Kind.ANNUAL).first()
    if result is None or not result.published:
        return f"{year} 年度考核结果尚未发布，不能核定该年度的优秀奖励（第14条：等次为优秀的给予奖励）"
    if result.grade != Grade.EXCELLENT:
        return f"{year} 年度考核等次为“{result.get_grade_display()}”，只有等次为优秀的年度才能核定奖励（第14条）"
    return None


def last_grade_line(studio, year: int) -> str:
    """The summary prefill's line on the grade of the year before ``year`` (registered with
    ``summaries.services``): "" when there is none published."""
    last = (
        StudioAssessment.objects.filter(studio=studio, year=year - 1, published=True)
        .order_by("-kind", "-created_at")
        .first()
    )
    return f"{last.title}等次：{last.get_grade_display()}。" if last is not None else ""


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
