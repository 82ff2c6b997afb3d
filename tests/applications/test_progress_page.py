"""Issue 18.1 and 18.12 from the unit's side of the page (进度查询): nothing of the evaluation before
the notice, each step in plain Chinese grouped by stage, what to do next and by when, reading
events never on the unit's timeline and once per staff session in the staff's record."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masterstudio.core.models import Event
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.visits import add_photo, schedule_visit
from tests.factories import PASSWORD
from tests.factories import selecting as f
from tests.factories.applications import png_bytes

pytestmark = pytest.mark.django_db

CODES = re.compile(
    r"\b(review\.item|review\.finding|visit\.[a-z_]+|decision\.saved|material\.[a-z_]+|"
    r"application\.[a-z_]+|panel\.[a-z_]+)\b"
)


def _unit(username="unit_a") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_evaluation_does_not_reach_the_unit_before_the_notice(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_evaluation(application, cast["reviewer"])
    decide(
        application,
        outcome="propose",
        reason="专家评分 85.3，排名第一，拟认定",
        rank=1,
        version=0,
        actor=cast["approver"],
    )
    body = _unit().get(f"/applications/{application.pk}/").content.decode()
    assert "拟认定" not in body and "85.3" not in body and "专家评分" not in body
    assert '<span class="tag" data-testid="state">综合评议</span>' in body
    assert "拟认定" not in _unit().get("/applications/").content.decode()
    staff = Client()
    staff.force_login(cast["reviewer"])  # the bureau's own record keeps all of it
    assert "专家评分 85.3" in staff.get(f"/applications/manage/{application.pk}/").content.decode()


def test_each_step_in_words_grouped_by_stage_with_the_next_step_and_its_date(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.pass_material_review(application, cast["reviewer"])
    schedule_visit(
        application, scheduled_on=date(2026, 12, 9), people="王审核、李专家", contact="联系人", actor=cast["reviewer"]
    )
    body = _unit().get(f"/applications/{application.pk}/").content.decode()
    assert CODES.findall(body) == []
    assert Event.objects.filter(action="review.item", object_id=str(application.pk)).count() >= 5
    assert "审核材料项" not in body  # the reviewer's line-by-line work stays with the bureau
    for stage in ("填报与提交", "材料审核", "实地考察"):
        assert f"<h3>{stage}" in body
    assert "提交申报" in body and "材料审核通过" in body and "社会事业局已安排实地考察" in body
    assert "考察日期 2026-12-09，考察人员：王审核、李专家" in body
    assert 'data-testid="next-step"' in body and "请在考察当天安排工作室场所" in body
    assert "期限：2026年12月9日" in body
    assert "当前阶段" in body


def test_reading_a_photo_is_never_on_the_unit_timeline_and_once_per_staff_session(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.pass_material_review(application, cast["reviewer"])
    visit = schedule_visit(
        application, scheduled_on=date(2026, 12, 9), people="王审核", contact="联系人", actor=cast["reviewer"]
    )
    photo = add_photo(visit, SimpleUploadedFile("现场.png", png_bytes()), caption="车间", actor=cast["reviewer"])
    staff = Client()
    staff.force_login(cast["reviewer"])
    for _ in range(4):
        assert staff.get(f"/review/photos/{photo.pk}/").status_code == 200
    assert Event.objects.filter(action="visit.photo_downloaded").count() == 1
    body = _unit().get(f"/applications/{application.pk}/").content.decode()
    assert "visit.photo" not in body and "查看考察照片" not in body and "上传考察照片" not in body
