"""Dashboards: figures, query counts independent of size, the public page without personal data,
and the yearly recognition list PDF."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterstudio.dashboards import stats
from masterstudio.funding import services as funding
from tests.factories import PASSWORD
from tests.factories.money import make_studio

pytestmark = pytest.mark.django_db


_seq = {"n": 0}


def _studios(unit, cast, n):
    for _ in range(n):
        _seq["n"] += 1
        i = _seq["n"]
        studio = make_studio(
            unit, occupation_code=f"6-18-01-{i:02d}", occupation_name=f"工种{i}", recognized_on=date(2025, 6, 20)
        )
        grant = funding.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
        funding.disburse(
            grant, amount="200000", paid_on=date(2025, 7, 20), voucher_no=f"CZ-{studio.pk}", actor=cast["finance"]
        )


def test_figures(unit_a, cast):
    _studios(unit_a, cast, 2)
    overview = stats.studios_overview()
    assert overview["by_state"]["运行中"] == 2
    assert overview["by_group"] == {"第六大类 生产制造及有关人员": 2}
    grants = stats.grants_by_year()
    assert grants["years"] == [2025]
    assert grants["approved_by_clause"] == {"14.1": ["400000.00"]}
    assert grants["disbursed"] == ["400000.00"]
    assert stats.fulfilment_days() == {"count": 2, "average": 30.0, "max": 30}


def _dashboard_queries(client, cast):
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    client.get("/dashboards/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboards/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow(client, unit_a, cast):
    _studios(unit_a, cast, 1)
    one = _dashboard_queries(client, cast)
    _studios(unit_a, cast, 3)
    assert _dashboard_queries(client, cast) == one


@pytest.mark.parametrize("who,status", [("unit_a", 403), ("expert", 403), ("evaluator", 403), ("finance", 200)])
def test_dashboard_is_for_staff(client, cast, who, status):
    client.login(username=cast[who].username, password=PASSWORD)
    assert client.get("/dashboards/").status_code == status


def test_public_page_shows_counts_without_personal_data(client, unit_a, cast):
    _studios(unit_a, cast, 2)
    body = client.get("/dashboards/public/").content.decode()
    assert 'data-testid="public-studios">2<' in body
    assert "领办人" not in body and unit_a.name not in body


def test_recognition_list_pdf_embeds_the_cjk_font(client, unit_a, cast):
    _studios(unit_a, cast, 1)
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    response = client.get("/data/recognition-list.pdf?year=2025")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"FontFile2" in response.content
