"""Bureau activities after the day (issue 16, points 11 and 12): staff mark who came, a unit
withdraws a sign-up before the deadline, and bad input on the forms says which field in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterstudio.activities import services
from masterstudio.activities.models import Activity, Signup
from masterstudio.core.models import Event
from tests.factories.money import make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(cast):
    now = timezone.now()
    item = Activity.objects.create(
        title="数控技能交流会",
        kind="exchange",
        description="交流",
        location="亦庄",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        signup_deadline=now + timedelta(days=5),
        capacity=5,
        created_by=cast["reviewer"],
    )
    services.change_state(item, "published", actor=cast["reviewer"])
    return item


def _held(activity):
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        signup_deadline=now - timedelta(days=2), starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=20)
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_staff_mark_who_came_and_the_record_shows_them(activity, unit_a, cast):
    studio = make_studio(unit_a)
    signup = services.sign_up(activity, studio, participants="张三\n李四\n王五", contact="王 138", actor=cast["unit_a"])
    with pytest.raises(services.ActivityError, match="开始后才能登记出勤"):
        services.mark_attendance(activity, {signup.pk: ["张三"]}, actor=cast["reviewer"])
    _held(activity)
    with pytest.raises(services.ActivityError, match="赵六 不在报名名单中"):
        services.mark_attendance(activity, {signup.pk: ["赵六"]}, actor=cast["reviewer"])
    with pytest.raises(services.ActivityError, match="审核或审批职责"):
        services.mark_attendance(activity, {signup.pk: ["张三"]}, actor=cast["finance"])
    assert Signup.objects.get(pk=signup.pk).attendance_marked_at is None
    response = _client(cast["reviewer"]).post(
        f"/activities/{activity.pk}/attendance/", {f"came-{signup.pk}": ["张三", "王五"]}
    )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert (signup.attended, signup.came) == (2, ["张三", "王五"])
    event = Event.objects.filter(action="activity.attendance").get()
    assert event.data["people"] == 2
    page = _client(cast["unit_a"]).get(f"/activities/{activity.pk}/").content.decode()
    assert "2 人：张三、王五" in page


def test_a_unit_withdraws_before_the_deadline_and_not_after(activity, unit_a, cast):
    studio = make_studio(unit_a)
    signup = services.sign_up(activity, studio, participants="张三", contact="王 138", actor=cast["unit_a"])
    with pytest.raises(services.ActivityError, match="所在单位"):
        services.withdraw_signup(signup, actor=cast["unit_b"])
    response = _client(cast["unit_a"]).post(f"/activities/{activity.pk}/signups/{signup.pk}/withdraw/")
    assert response.status_code == 302 and not Signup.objects.filter(pk=signup.pk).exists()
    assert Event.objects.filter(action="activity.signup_withdrawn").get().data["studio"] == studio.pk
    again = services.sign_up(activity, studio, participants="李四", contact="王 138", actor=cast["unit_a"])
    Activity.objects.filter(pk=activity.pk).update(signup_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.ActivityError, match="截止，不能再撤回"):
        services.withdraw_signup(again, actor=cast["unit_a"])
    assert Signup.objects.filter(pk=again.pk).exists()


def test_zero_participants_names_the_field_and_keeps_what_was_typed(unit_a, cast):
    studio = make_studio(unit_a)
    response = _client(cast["unit_a"]).post(
        "/activities/reports/new/",
        {
            "studio": studio.pk,
            "kind": "training",
            "title": "数控培训课",
            "held_on": timezone.localdate().isoformat(),
            "participants": "0",
            "description": "讲授数控编程",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“参加人数”至少为 1 人" in page and "约束" not in page
    assert "数控培训课" in page and "讲授数控编程" in page


def test_over_long_text_is_refused_at_the_forms_limit(unit_a, cast):
    studio = make_studio(unit_a)
    response = _client(cast["unit_a"]).post(
        "/activities/reports/new/",
        {
            "studio": studio.pk,
            "kind": "training",
            "title": "课" * 201,
            "held_on": timezone.localdate().isoformat(),
            "participants": "3",
            "description": "讲授" * 1001,
        },
    )
    page = response.content.decode()
    assert "“活动名称”最多 200 个字（现有 201 个字）" in page
    assert "“内容与成效”最多 2000 个字（现有 2002 个字）" in page
    assert 'maxlength="2000"' in page


def test_zero_capacity_is_refused_with_the_field_named(cast):
    now = timezone.localtime()
    response = _client(cast["reviewer"]).post(
        "/activities/new/",
        {
            "title": "交流会",
            "kind": "exchange",
            "description": "d",
            "location": "亦庄",
            "starts_at": (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=9, hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "signup_deadline": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "0",
        },
    )
    page = response.content.decode()
    assert "“名额（人）”至少为 1 人" in page and not Activity.objects.exists()
