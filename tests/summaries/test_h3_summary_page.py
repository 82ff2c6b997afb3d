"""The annual summary page (issue 16, point 8): prefilled from the records as editable text,
length-limited, viewing creates nothing, and no summary due after the Measures expire."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from masterstudio.activities.models import StudioActivity
from masterstudio.core.models import Event
from masterstudio.summaries import services
from masterstudio.summaries.models import AnnualSummary
from masterstudio.summaries.services import SummaryError
from tests.factories.studio_life import make_studio

pytestmark = pytest.mark.django_db

YEAR = 2026


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def studio(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    StudioActivity.objects.create(
        studio=studio,
        kind="apprentice",
        title="拜师仪式",
        held_on=date(YEAR, 3, 1),
        participants=4,
        apprentices="王徒一、车工\n李徒二、车工",
        description="签订师带徒协议",
        reported_by=cast["unit_a"],
    )
    StudioActivity.objects.create(
        studio=studio,
        kind="rnd",
        title="主轴精度攻关",
        held_on=date(YEAR, 5, 9),
        participants=6,
        description="精度提升",
        reported_by=cast["unit_a"],
    )
    return studio


def test_viewing_a_years_page_creates_nothing_and_shows_the_prefilled_text(studio, cast):
    events = Event.objects.count()
    response = _client(cast["leader"]).get(f"/summaries/studio/{studio.pk}/{YEAR}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert not AnnualSummary.objects.exists() and Event.objects.count() == events
    assert "本年度开展技术攻关/创新研发 1 项：05月09日 主轴精度攻关（6 人参加）" in page
    assert "本年度带徒 2 人：李徒二、车工；王徒一、车工" in page
    assert "2022年度" not in page and 'maxlength="2000"' in page
    assert f"{YEAR - 1}年度考核" not in page  # no assessment last year: nothing invented


def test_the_prefill_reads_spending_awards_and_last_years_assessment(studio, cast):
    from masterstudio.assessments.models import Kind, StudioAssessment

    StudioAssessment.objects.create(
        studio=studio,
        year=YEAR - 1,
        kind=Kind.ANNUAL,
        grade="qualified",
        computed_grade="qualified",
        published=True,
        assessed_on=date(YEAR - 1, 12, 20),
    )
    text = services.prefill(
        studio,
        YEAR,
        dict(
            services.figures_for(studio, YEAR),
            income="12000",
            expense="3500.5",
            expense_by_category={"设备购置": "3500.50"},
        ),
    )
    assert text["social_benefit"].endswith(f"{YEAR - 1}年度考核等次：合格。")
    assert text["spending"] == "本年度专账收入 12,000.00 元，支出 3,500.50 元，其中设备购置 3,500.50 元。"
    assert Decimal("0") == Decimal(services.figures_for(studio, YEAR)["expense"])


def test_the_first_save_creates_the_draft_with_what_was_typed(studio, cast):
    client = _client(cast["leader"])
    data = {name: f"{name} 的内容" for name in services.TEXT_FIELDS}
    response = client.post(f"/summaries/studio/{studio.pk}/{YEAR}/", {**data, "action": "save"})
    assert response.status_code == 302
    summary = AnnualSummary.objects.get(studio=studio, year=YEAR)
    assert summary.projects == "projects 的内容"
    assert [e.action for e in Event.objects.filter(action__startswith="annualsummary.").order_by("seq")] == [
        "annualsummary.started",
        "annualsummary.saved",
    ]


def test_over_long_text_is_refused_naming_the_section_and_nothing_is_lost_or_created(studio, cast):
    client = _client(cast["leader"])
    data = {name: "内容" for name in services.TEXT_FIELDS}
    data["exchanges"] = "交流" * 1001
    response = client.post(f"/summaries/studio/{studio.pk}/{YEAR}/", {**data, "action": "save"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "“开展技艺交流：举办和参加的交流活动”最多 2000 个字（现有 2002 个字）" in page
    assert "交流" * 1001 in page
    assert not AnnualSummary.objects.exists()


def test_a_refused_attachment_leaves_no_draft(studio, cast):
    bad = SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>", content_type="text/html")
    with pytest.raises(SummaryError):
        services.save_for(studio, YEAR, actor=cast["leader"], data={"projects": "x"}, uploads=[("网页", bad)])
    assert not AnnualSummary.objects.exists()


def test_no_summary_for_a_year_due_after_the_measures_expire(studio, cast, monkeypatch):
    assert services.policy_covers(date(2026, 12, 15)) and not services.policy_covers(date(2027, 12, 15))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2027, 6, 1))
    with pytest.raises(SummaryError, match="2027 年度工作总结.*晚于《办法》有效期截止日 2027-01-10（第20条）"):
        services.get_or_start(studio, 2027, actor=cast["leader"])
    assert not AnnualSummary.objects.exists()


def test_no_summary_for_a_year_to_come(studio, cast, monkeypatch):
    # a year to come that the Measures still cover (the summary of 2026 falls due on 2026-12-15)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 6, 1))
    with pytest.raises(SummaryError, match="2026 年度尚未开始"):
        services.check_year(studio, 2026)
