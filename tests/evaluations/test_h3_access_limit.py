"""The evaluator's access grant (issue 16, point 12): limited to EVALUATION_ACCESS_MAX_DAYS, bad
input named in Chinese, nothing typed lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masterstudio.evaluations import services
from masterstudio.evaluations.models import Evaluation
from tests.factories.money import make_studio

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _grant(cast, studio, days, **extra):
    now = timezone.now()
    values = dict(
        title="政策实施评估",
        purpose="评估资金使用",
        evaluator=cast["evaluator"],
        studios=[studio],
        year_from=2024,
        year_to=2026,
        access_from=now,
        access_until=now + timedelta(days=days),
        actor=cast["reviewer"],
    )
    values.update(extra)
    return services.open_evaluation(**values)


def test_access_longer_than_the_setting_is_refused(cast, unit_a, settings):
    studio = make_studio(unit_a)
    with pytest.raises(services.EvaluationError, match="不能超过 366 天"):
        _grant(cast, studio, 367)
    settings.EVALUATION_ACCESS_MAX_DAYS = 30
    with pytest.raises(services.EvaluationError, match="不能超过 30 天"):
        _grant(cast, studio, 31)
    assert _grant(cast, studio, 30).pk
    assert Evaluation.objects.count() == 1


def test_the_form_names_the_field_and_keeps_what_was_typed(cast, unit_a):
    studio = make_studio(unit_a)
    now = timezone.localtime()
    response = _client(cast["reviewer"]).post(
        "/evaluations/new/",
        {
            "title": "评" * 201,
            "purpose": "评估第三年资金使用",
            "evaluator": cast["evaluator"].pk,
            "studios": [studio.pk],
            "year_from": "2024",
            "year_to": "1999",
            "access_from": now.strftime("%Y-%m-%dT%H:%M"),
            "access_until": (now + timedelta(days=800)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“评估项目名称”最多 200 个字（现有 201 个字）" in page
    assert "“截止年度”至少为 2020" in page
    assert "评估第三年资金使用" in page and not Evaluation.objects.exists()
    response = _client(cast["reviewer"]).post(
        "/evaluations/new/",
        {
            "title": "评估",
            "purpose": "评估第三年资金使用",
            "evaluator": cast["evaluator"].pk,
            "studios": [studio.pk],
            "year_from": "2024",
            "year_to": "2026",
            "access_from": now.strftime("%Y-%m-%dT%H:%M"),
            "access_until": (now + timedelta(days=800)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "距授权开始不能超过 366 天" in response.content.decode() and not Evaluation.objects.exists()
