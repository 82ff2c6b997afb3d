"""Activities (Art. 17): publishing, sign-up with capacity and deadline, studio reports, summary feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from masterstudio.activities import selectors, services
from masterstudio.activities.models import Activity
from tests.factories.money import make_studio, png_upload

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
        capacity=3,
        created_by=cast["reviewer"],
    )
    services.change_state(item, "published", actor=cast["reviewer"])
    return item


def test_signup_counts_people_and_respects_capacity(activity, unit_a, cast):
    a, b = make_studio(unit_a), make_studio(unit_a, occupation_code="6-18-01-02", occupation_name="铣工")
    signup = services.sign_up(
        activity, a, participants="张三 车工\n\n李四 技师", contact="王 138", actor=cast["unit_a"]
    )
    assert signup.headcount == 2
    with pytest.raises(services.ActivityError, match="剩余 1 人"):
        services.sign_up(activity, b, participants="甲\n乙", contact="王 138", actor=cast["unit_a"])
    with pytest.raises(services.ActivityError, match="已报名"):
        services.sign_up(activity, a, participants="丙", contact="王 138", actor=cast["unit_a"])


def test_signup_refused_for_another_units_studio(activity, unit_a, cast):
    with pytest.raises(services.ActivityError, match="本单位"):
        services.sign_up(activity, make_studio(unit_a), participants="甲", contact="x", actor=cast["unit_b"])


def test_signup_after_deadline_is_refused(activity, unit_a, cast):
    Activity.objects.filter(pk=activity.pk).update(signup_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.ActivityError, match="截止"):
        services.sign_up(activity, make_studio(unit_a), participants="甲", contact="x", actor=cast["unit_a"])


def test_draft_activity_is_invisible_to_units(cast):
    now = timezone.now()
    Activity.objects.create(
        title="草稿",
        kind="learning",
        description="d",
        location="l",
        starts_at=now,
        ends_at=now,
        signup_deadline=now,
        created_by=cast["reviewer"],
    )
    assert selectors.activities_for(cast["unit_a"]).count() == 0
    assert selectors.activities_for(cast["reviewer"]).count() == 1


def test_cancel_needs_reason(activity, cast):
    with pytest.raises(services.ActivityError, match="理由"):
        services.change_state(activity, "cancelled", actor=cast["reviewer"])


def test_reports_feed_the_annual_summary(activity, unit_a, cast):
    studio = make_studio(unit_a)
    services.sign_up(activity, studio, participants="张三", contact="x", actor=cast["unit_a"])
    today = timezone.localdate()
    services.report_activity(
        studio,
        data={
            "kind": "apprentice",
            "title": "师带徒",
            "held_on": today,
            "participants": 3,
            "apprentices": "徒弟甲\n徒弟乙",
            "description": "签订师徒协议",
        },
        photos=[png_upload()],
        actor=cast["unit_a"],
    )
    with pytest.raises(services.ActivityError, match="带徒名单"):
        services.report_activity(
            studio,
            data={
                "kind": "apprentice",
                "title": "x",
                "held_on": today,
                "participants": 1,
                "apprentices": "",
                "description": "d",
            },
            photos=[],
            actor=cast["unit_a"],
        )
    with pytest.raises(services.ActivityError, match="晚于今天"):
        services.report_activity(
            studio,
            data={
                "kind": "training",
                "title": "x",
                "held_on": today + timedelta(days=1),
                "participants": 1,
                "apprentices": "",
                "description": "d",
            },
            photos=[],
            actor=cast["unit_a"],
        )
    summary = selectors.summary_for(studio, activity.starts_at.year)
    assert summary["apprentices"] == (["徒弟乙", "徒弟甲"] if today.year == activity.starts_at.year else [])
    assert summary["joined_people"] == 1
    assert selectors.reports_for(cast["unit_b"]).count() == 0
    assert selectors.reports_for(cast["unit_a"]).get().photo_count == 1


def test_other_unit_cannot_report_for_a_studio(unit_a, cast):
    with pytest.raises(services.ActivityError, match="本单位"):
        services.report_activity(
            make_studio(unit_a),
            data={
                "kind": "training",
                "title": "x",
                "held_on": date(2025, 1, 1),
                "participants": 1,
                "apprentices": "",
                "description": "d",
            },
            photos=[],
            actor=cast["unit_b"],
        )


def test_signup_contact_phone_is_encrypted_at_rest(activity, unit_a, cast):
    from django.db import connection

    signup = services.sign_up(
        activity, make_studio(unit_a), participants="张三 车工", contact="王老师 13912345678", actor=cast["unit_a"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM activities_signup WHERE id = %s", [signup.pk])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored and stored.startswith("gAAAAA")
    signup.refresh_from_db()
    assert signup.contact == "王老师 13912345678"
