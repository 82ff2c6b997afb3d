"""Annual assessment (Art. 12) and the application of its results (Art. 12–14)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.assessments import services
from masterstudio.assessments.models import AssessmentYear, Grade, LeaderRecommendation, Rectification
from masterstudio.assessments.services import AssessmentError
from masterstudio.experts.models import Assignment
from masterstudio.funding.models import Grant
from masterstudio.studios.models import StudioState
from tests.factories.studio_life import make_expert, make_studio, open_year, run_year, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(db):
    return [make_expert("专家一"), make_expert("专家二")]


def test_open_year_builds_four_aspect_rubric_and_one_sealed_panel_per_live_studio(cast, unit_a, unit_b):
    first = make_studio(unit_a, approver=cast["approver"])
    second = make_studio(unit_b, approver=cast["approver"])
    make_studio(unit_b, grant=False, recognized_on=timezone.localdate().replace(year=2027, month=3, day=1))
    ay = open_year(2026, cast["reviewer"], weights=["2", "1", "1", "1"])
    titles = [c.title for c in ay.rubric.criteria.all()]
    assert titles == ["引领技能研发", "实行传技带徒", "开展技艺交流", "发挥社会效益"]
    assert ay.rubric.max_total == Decimal("125")
    assert sorted(ay.results.values_list("studio_id", flat=True)) == sorted([first.pk, second.pk])
    assert all(services.panel_of(r).is_sealed for r in ay.results.all())
    with pytest.raises(AssessmentError, match="已开启"):
        open_year(2026, cast["reviewer"])


@pytest.mark.parametrize("excellent, qualified", [("60", "60"), ("101", "60"), ("80", "-1")])
def test_thresholds_out_of_order_are_refused(cast, excellent, qualified):
    with pytest.raises(AssessmentError, match="分数线"):
        open_year(2026, cast["reviewer"], excellent_min=excellent, qualified_min=qualified)
    assert not AssessmentYear.objects.exists()


def test_conflicted_expert_is_never_drawn(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("同单位专家", employer=unit_a.name)
    clean = make_expert("无关专家")
    ay = open_year(2026, cast["reviewer"])
    services.draw(ay, size=1, seed="s", actor=cast["reviewer"])
    drawn = list(
        Assignment.objects.filter(panel=services.panel_of(ay.results.get(studio=studio))).values_list(
            "expert_id", flat=True
        )
    )
    assert drawn == [clean.pk]


def test_grades_follow_thresholds_and_excellent_creates_reward_once(cast, unit_a, unit_b, pool):
    good = make_studio(unit_a, approver=cast["approver"])
    fair = make_studio(unit_b, approver=cast["approver"])
    ay, published = run_year(2025, {good.pk: 23, fair.pk: 18}, reviewer=cast["reviewer"], approver=cast["approver"])
    results = {r.studio_id: r for r in ay.results.all()}
    assert results[good.pk].score == Decimal("92.00") and results[good.pk].grade == Grade.EXCELLENT
    assert results[fair.pk].score == Decimal("72.00") and results[fair.pk].grade == Grade.QUALIFIED
    assert "优秀线 90 分" in results[good.pk].reasons
    reward = Grant.objects.get(studio=good, kind="excellent")
    assert (reward.year, reward.amount, reward.clause) == (2025, Decimal("100000.00"), "14.2")
    assert not Grant.objects.filter(studio=fair, kind="excellent").exists()
    # publishing twice is refused and never pays twice; requesting again returns the same grant
    with pytest.raises(AssessmentError, match="不能重复发布"):
        services.publish(ay, actor=cast["approver"])
    assert services.request_reward(results[good.pk], actor=cast["approver"]).pk == reward.pk
    assert Grant.objects.filter(studio=good, kind="excellent").count() == 1


def test_reward_for_a_qualified_year_is_refused(cast, unit_a, pool):
    studio = make_studio(unit_a, approver=cast["approver"])
    ay, _ = run_year(2025, {studio.pk: 18}, reviewer=cast["reviewer"], approver=cast["approver"])
    with pytest.raises(AssessmentError, match="只有等次为优秀的年度才能核定奖励"):
        services.request_reward(ay.results.get(), actor=cast["approver"])
    assert not Grant.objects.filter(kind="excellent").exists()


def test_cap_on_share_of_excellent_keeps_the_best(cast, unit_a, unit_b, pool):
    a = make_studio(unit_a, approver=cast["approver"])
    b = make_studio(unit_b, approver=cast["approver"])
    ay, _ = run_year(2025, {a.pk: 23, b.pk: 24}, reviewer=cast["reviewer"], approver=cast["approver"], cap_percent=50)
    results = {r.studio_id: r for r in ay.results.all()}
    assert results[b.pk].grade == Grade.EXCELLENT
    assert results[a.pk].grade == Grade.QUALIFIED and results[a.pk].computed_grade == Grade.QUALIFIED
    assert "超出优秀比例上限 50%" in results[a.pk].reasons


def test_compute_refused_while_experts_have_not_scored(cast, unit_a, pool):
    make_studio(unit_a, approver=cast["approver"])
    ay = open_year(2026, cast["reviewer"])
    services.draw(ay, size=1, seed="x", actor=cast["reviewer"])
    with pytest.raises(AssessmentError, match="评分尚未完成"):
        services.compute(ay, actor=cast["reviewer"])


def test_unqualified_needs_rectification_plan_before_publication(cast, unit_a, pool):
    studio = make_studio(unit_a, approver=cast["approver"])
    ay = open_year(2025, cast["reviewer"])
    score_all(ay, {studio.pk: 10})
    services.compute(ay, actor=cast["reviewer"])
    with pytest.raises(AssessmentError, match="尚未填写整改期限"):
        services.publish(ay, actor=cast["approver"])
    result = ay.results.get()
    with pytest.raises(AssessmentError, match="整改期限"):
        services.review(
            result,
            grade=Grade.UNQUALIFIED,
            reason="",
            rectify_deadline=None,
            rectify_actions="x",
            actor=cast["reviewer"],
        )
    services.review(
        result,
        grade=Grade.UNQUALIFIED,
        reason="",
        rectify_deadline=timezone.localdate() + timedelta(days=60),
        rectify_actions="补齐带徒记录",
        actor=cast["reviewer"],
    )
    services.publish(ay, actor=cast["approver"])
    studio.refresh_from_db()
    assert studio.state == StudioState.RECTIFICATION
    rect = Rectification.objects.get(studio=studio)
    assert rect.required_actions == "补齐带徒记录"


def test_changing_a_computed_grade_needs_a_reason(cast, unit_a, pool):
    studio = make_studio(unit_a, approver=cast["approver"])
    ay = open_year(2025, cast["reviewer"])
    score_all(ay, {studio.pk: 18})
    services.compute(ay, actor=cast["reviewer"])
    with pytest.raises(AssessmentError, match="须填写理由"):
        services.review(ay.results.get(), grade=Grade.EXCELLENT, reason="", actor=cast["reviewer"])


def test_rectified_studio_passes_reassessment_and_returns_to_active(cast, unit_a, pool):
    studio = make_studio(unit_a, approver=cast["approver"])
    run_year(2025, {studio.pk: 10}, reviewer=cast["reviewer"], approver=cast["approver"])
    rect = Rectification.objects.get(studio=studio)
    with pytest.raises(AssessmentError, match="整改情况报告"):
        services.report_rectification(rect, report=" ", actor=cast["unit_a"])
    services.report_rectification(rect, report="已补齐带徒计划并开展交流 2 次", actor=cast["unit_a"])
    result = services.record_reassessment(rect, grade=Grade.QUALIFIED, reasons="整改到位", actor=cast["reviewer"])
    studio.refresh_from_db()
    assert studio.state == StudioState.ACTIVE and result.kind == "reassessment"
    with pytest.raises(AssessmentError, match="不能重复登记"):
        services.record_reassessment(rect, grade=Grade.QUALIFIED, reasons="再次", actor=cast["reviewer"])


def test_leader_recommendation_only_for_excellent_and_once(cast, unit_a, unit_b, pool):
    good = make_studio(unit_a, approver=cast["approver"])
    fair = make_studio(unit_b, approver=cast["approver"])
    ay, _ = run_year(2025, {good.pk: 24, fair.pk: 18}, reviewer=cast["reviewer"], approver=cast["approver"])
    results = {r.studio_id: r for r in ay.results.all()}
    with pytest.raises(AssessmentError, match="只有年度考核等次为优秀"):
        services.recommend_leader(results[fair.pk], note="推荐", actor=cast["approver"])
    item = services.recommend_leader(results[good.pk], note="技艺精湛，带徒成效显著", actor=cast["approver"])
    assert item.person == good.leader
    with pytest.raises(AssessmentError, match="不能重复推荐"):
        services.recommend_leader(results[good.pk], note="再推荐", actor=cast["approver"])
    assert LeaderRecommendation.objects.count() == 1


def test_only_approver_publishes(cast, unit_a, pool):
    studio = make_studio(unit_a, approver=cast["approver"])
    ay = open_year(2025, cast["reviewer"])
    score_all(ay, {studio.pk: 20})
    services.compute(ay, actor=cast["reviewer"])
    with pytest.raises(AssessmentError, match="审批职责"):
        services.publish(ay, actor=cast["reviewer"])


def test_daily_flags_a_rectification_past_its_deadline_once(cast, unit_a, pool, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from masterstudio.assessments.models import Flag
    from tests.factories.studio_life import at

    studio = make_studio(unit_a, approver=cast["approver"])
    run_year(2025, {studio.pk: 10}, reviewer=cast["reviewer"], approver=cast["approver"], rectify_days=30)
    rect = Rectification.objects.get(studio=studio)
    for day in (rect.deadline, rect.deadline + timedelta(days=1), rect.deadline + timedelta(days=2)):
        monkeypatch.setattr(timezone, "now", lambda day=day: at(day))
        call_command("daily", "--only", "overdue_rectifications", stdout=StringIO(), stderr=StringIO())
        flags = Flag.objects.filter(studio=studio, kind="rect_overdue")
        assert flags.count() == (0 if day == rect.deadline else 1)
    assert "仍未报送整改情况" in flags.get().detail and flags.get().clause == "12"
    services.report_rectification(rect, report="已整改", actor=cast["unit_a"])
    rect2_day = rect.deadline + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: at(rect2_day))
    call_command("daily", "--only", "overdue_rectifications", stdout=StringIO(), stderr=StringIO())
    assert Flag.objects.filter(kind="rect_overdue").count() == 1
