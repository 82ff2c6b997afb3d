"""Every page of issue 5 for the whole cast (habit 7), and the pages render at every stage."""

from __future__ import annotations

import pytest
from django.test import Client

from masterstudio.experts.models import Assignment
from tests.factories import PASSWORD
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


def client_for(username=None):
    client = Client()
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def world(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    assignment = Assignment.objects.first()
    return {"application": application, "notice": notice, "assignment": assignment}


STAFF_PAGES = [
    "/review/",
    "/review/{app}/",
    "/review/rounds/{round}/",
    "/review/rounds/{round}/rubric/",
    "/experts/pool/",
    "/experts/pool/new/",
    "/experts/draws/{draw}/",
    "/notices/manage/",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_by_role(world, cast, path):
    url = path.format(
        app=world["application"].pk, round=world["application"].round_id, draw=world["assignment"].draw_id
    )
    assert client_for("reviewer").get(url).status_code == 200
    assert client_for("approver").get(url).status_code == 200
    for username in ("unit_a", "unit_b", "leader_a", "expert", "evaluator", "sysadmin", "auditor", "finance"):
        assert client_for(username).get(url).status_code == 403, (username, url)
    assert client_for().get(url).status_code == 302


def test_public_notice_pages_need_no_login_and_show_no_id_numbers(world):
    application = world["application"]
    anonymous = client_for()
    listing = anonymous.get("/notices/")
    assert listing.status_code == 200 and world["notice"].title in listing.content.decode()
    page = anonymous.get(f"/notices/{world['notice'].pk}/").content.decode()
    assert application.unit.name in page and application.leader.name in page
    assert application.leader.id_number not in page
    assert application.leader.id_number[:6] + "*" not in page


def test_expert_sees_only_own_tasks(world, cast):
    mine = world["assignment"]
    other = Assignment.objects.exclude(expert=mine.expert).first()
    me = client_for(mine.expert.user.username)
    assert me.get("/experts/tasks/").status_code == 200
    assert me.get(f"/experts/tasks/{mine.pk}/").status_code == 200
    assert me.get(f"/experts/tasks/{other.pk}/").status_code == 404
    assert client_for("expert").get(f"/experts/tasks/{mine.pk}/").status_code == 404
    assert client_for("reviewer").get(f"/experts/tasks/{mine.pk}/").status_code == 403
    assert me.get("/expert/").status_code == 200


def test_expert_page_never_shows_other_scores(world):
    mine = world["assignment"]
    other = Assignment.objects.exclude(expert=mine.expert).first()
    page = client_for(mine.expert.user.username).get(f"/experts/tasks/{mine.pk}/").content.decode()
    assert other.expert.name not in page and "汇总得分" not in page


def test_publish_needs_the_approver_duty(world, cast):
    url = f"/notices/manage/rounds/{world['application'].round_id}/publish/"
    assert client_for("reviewer").post(url).status_code == 403
    response = client_for("approver").post(url, follow=True)
    assert "没有待公示" in response.content.decode()


def test_review_detail_renders_at_every_stage(cast, unit_a):
    reviewer = client_for("reviewer")
    application = f.submitted_application(unit_a, cast["unit_a"])
    assert "开始材料审核" in reviewer.get(f"/review/{application.pk}/").content.decode()
    response = reviewer.post(f"/review/{application.pk}/start/", follow=True)
    assert "申报材料（第九条）" in response.content.decode()
    review = application.material_review
    for item in review.items.all():  # line by line, from each row
        reviewer.post(f"/review/{application.pk}/checklist/", {f"result-{item.pk}": "pass", "save": item.pk})
    response = reviewer.post(
        f"/review/{application.pk}/checklist/", {"conclusion": "pass", "comment": "齐全", "conclude": "1"}, follow=True
    )
    assert "安排考察" in response.content.decode()


def test_expert_can_open_the_materials_of_an_assigned_application_only(world, cast, unit_b):
    mine = world["assignment"]
    me = client_for(mine.expert.user.username)
    page = me.get(f"/experts/tasks/{mine.pk}/").content.decode()
    material = world["application"].materials.filter(removed_at__isnull=True).first()
    assert f"/applications/materials/{material.pk}/" in page
    assert me.get(f"/applications/materials/{material.pk}/").status_code == 200
    other = f.submitted_application(unit_b, cast["unit_b"], world["application"].round, prefix="乙", seq_base=50)
    foreign = other.materials.first()
    assert me.get(f"/applications/materials/{foreign.pk}/").status_code == 404
