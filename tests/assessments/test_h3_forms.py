"""Bad input on the assessment forms (issue 16, point 12): Chinese messages naming the field,
text limits, a rectification deadline after the Measures warned, and the recommendation page of a
合格 studio says it is not 优秀 instead of offering the form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterstudio.assessments import services
from masterstudio.assessments.models import Grade, LeaderRecommendation, Rectification
from tests.factories.studio_life import make_expert, make_studio, open_year, run_year, score_all

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_recommendation_page_of_a_qualified_studio_says_it_is_not_excellent(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    run_year(2026, {studio.pk: 20}, reviewer=cast["reviewer"], approver=cast["approver"])
    result = studio.assessments.get(year=2026)
    assert result.grade == Grade.QUALIFIED
    page = _client(cast["approver"]).get(f"/assessments/results/{result.pk}/recommend/").content.decode()
    assert "等次为“合格”，不是优秀" in page and "列入推荐名单" not in page
    response = _client(cast["approver"]).post(f"/assessments/results/{result.pk}/recommend/", {"note": "推荐"})
    assert response.status_code == 200 and not LeaderRecommendation.objects.exists()


def test_a_rectification_deadline_after_the_measures_is_warned(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    ay = open_year(2026, cast["reviewer"])
    score_all(ay, {studio.pk: 10})
    services.compute(ay, actor=cast["reviewer"])
    result = ay.results.get(studio=studio)
    assert services.deadline_warning(date(2027, 1, 10)) == ""
    assert "整改期限：2027-03-01 晚于《办法》有效期截止日 2027-01-10（第20条）" in services.deadline_warning(
        date(2027, 3, 1)
    )
    response = _client(cast["reviewer"]).post(
        f"/assessments/results/{result.pk}/review/",
        {"grade": "unqualified", "reason": "", "rectify_deadline": "2027-03-01", "rectify_actions": "补齐带徒台账"},
        follow=True,
    )
    page = response.content.decode()
    assert "整改期限：2027-03-01 晚于《办法》有效期截止日 2027-01-10（第20条）" in page
    result.refresh_from_db()
    assert result.rectify_deadline == date(2027, 3, 1)


def test_the_review_form_names_the_field_and_keeps_what_was_typed(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    ay = open_year(2026, cast["reviewer"])
    score_all(ay, {studio.pk: 10})
    services.compute(ay, actor=cast["reviewer"])
    result = ay.results.get(studio=studio)
    response = _client(cast["reviewer"]).post(
        f"/assessments/results/{result.pk}/review/",
        {"grade": "unqualified", "reason": "", "rectify_deadline": "明年三月", "rectify_actions": "补" * 2001},
    )
    page = response.content.decode()
    assert "“整改期限（不合格时必填）”应为日期，格式 YYYY-MM-DD" in page
    assert "“整改要求（不合格时必填）”最多 2000 个字（现有 2001 个字）" in page
    assert "明年三月" in page


def test_the_rectification_report_is_limited_and_named(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    run_year(2026, {studio.pk: 10}, reviewer=cast["reviewer"], approver=cast["approver"])
    rect = Rectification.objects.get(studio=studio)
    response = _client(cast["unit_a"]).post(
        f"/assessments/rectifications/{rect.pk}/", {"action": "report", "r-report": "改" * 2001}
    )
    page = response.content.decode()
    assert "“整改情况报告”最多 2000 个字（现有 2001 个字）" in page and "改" * 2001 in page
    rect.refresh_from_db()
    assert rect.state == "open" and rect.report == ""
    assert timezone.localdate() + timedelta(days=90) == rect.deadline
