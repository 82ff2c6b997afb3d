"""The expert pool's record is written by a service (values, one transaction with its event), and
the kinds of subject experts judge are contributed by the apps that own them (experts never
imports assessments)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from masterstudio.applications.models import Application
from masterstudio.assessments.models import StudioAssessment
from masterstudio.core.models import Event
from masterstudio.experts.models import Expert
from masterstudio.experts.services.pool import save_expert
from masterstudio.experts.subjects import dossier_url, subject_querysets
from tests.factories import make_user

pytestmark = pytest.mark.django_db

VALUES = {
    "name": "王专家",
    "employer": "北京某职业技术学院",
    "employer_credit_code": "",
    "title": "高级技师",
    "max_per_year": 5,
    "active": True,
    "fields": ["6-18"],
    "past_employers": [],
    "relations": ["某某公司"],
}


def test_an_expert_is_saved_with_its_event(cast):
    user = make_user("expert_w", "expert")
    expert = save_expert(None, user=user, actor=cast["reviewer"], **VALUES)
    assert Expert.objects.get(pk=expert.pk).relations == ["某某公司"]
    event = Event.objects.get(action="expert.saved")
    assert event.data["fields"] == ["6-18"]
    changed = save_expert(expert, user=user, actor=cast["reviewer"], **{**VALUES, "active": False})
    assert changed.pk == expert.pk and not Expert.objects.get(pk=expert.pk).active
    assert Event.objects.filter(action="expert.saved").count() == 2


def test_a_refused_expert_record_leaves_no_event(cast):
    user = make_user("expert_z", "expert")
    with pytest.raises(IntegrityError, match="expert_cap_positive"):
        save_expert(None, user=user, actor=cast["reviewer"], **{**VALUES, "max_per_year": 0})
    assert not Expert.objects.filter(user=user).exists()
    assert not Event.objects.filter(action="expert.saved").exists()


def test_the_pool_page_saves_through_the_service(client, cast):
    user = make_user("expert_p", "expert")
    client.force_login(cast["reviewer"])
    response = client.post(
        "/experts/pool/new/",
        {
            "user": user.pk,
            "name": "李专家",
            "employer": "某学院",
            "title": "技师",
            "max_per_year": 3,
            "active": "on",
            "fields_text": "6-18、6-19",
            "relations_text": "甲公司，乙公司",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    expert = Expert.objects.get(user=user)
    assert expert.fields == ["6-18", "6-19"] and expert.relations == ["甲公司", "乙公司"]
    assert Event.objects.filter(action="expert.saved", object_id=str(expert.pk)).exists()


def test_both_kinds_of_subject_are_contributed():
    models = {qs.model for qs in subject_querysets()}
    assert models == {Application, StudioAssessment}
    assert dossier_url(StudioAssessment(pk=7)) == reverse("assessments:dossier", args=[7])
    assert dossier_url(Application(pk=3)) == ""
