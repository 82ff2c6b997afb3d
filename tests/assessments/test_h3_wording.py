"""Wording faults of issue 16 point 13: the role once in a log line, "2026年度考核结果" once."""

from __future__ import annotations

import pytest

from masterstudio.assessments.models import Kind, StudioAssessment
from masterstudio.core.events import record_event
from masterstudio.core.models import Notification
from tests.factories import make_user
from tests.factories.studio_life import make_expert, make_studio, run_year

pytestmark = pytest.mark.django_db


def test_a_name_that_already_ends_with_its_role_is_not_given_it_twice(unit_a):
    leader = make_user("leader_x", "leader", unit=unit_a, display_name="张师傅（领办人）")
    plain = make_user("leader_y", "leader", unit=unit_a, display_name="李师傅")
    event = record_event("test.wording", actor=leader)
    assert event.actor_label == "张师傅（领办人）"
    assert plain.display_label == "李师傅（领办人）"


def test_the_assessment_result_says_year_and_kind_once(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    make_expert("专家一")
    run_year(2026, {studio.pk: 20}, reviewer=cast["reviewer"], approver=cast["approver"])
    result = StudioAssessment.objects.get(studio=studio, kind=Kind.ANNUAL)
    assert str(result) == f"{studio.name} 2026年度考核"
    note = Notification.objects.filter(key="assessment_result").first()
    assert "2026年度考核结果" in note.title + note.body and "年度年度" not in note.title + note.body
