"""Annual work summary (Art. 11): drafted, confirmed once by the unit, due 15 December."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from masterstudio.activities.models import StudioActivity
from masterstudio.summaries import services
from masterstudio.summaries.services import SummaryError
from tests.factories import make_user
from tests.factories.studio_life import at, make_studio

pytestmark = pytest.mark.django_db

TEXT = {
    "projects": "主轴加工精度攻关",
    "apprentices": "带徒 3 人，2 人取得高级工",
    "exchanges": "举办交流 2 次",
    "social_benefit": "为区内企业培训 60 人次",
    "spending": "设备更新 5 万元",
}


def test_deadline_comes_from_the_engine():
    assert services.deadline(2026) == date(2026, 12, 15)


def test_figures_are_filled_from_the_studios_records(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    StudioActivity.objects.create(
        studio=studio,
        kind="apprentice",
        title="拜师仪式",
        held_on=date(2026, 3, 1),
        participants=4,
        apprentices="王徒一、车工\n李徒二、车工",
        description="签订师带徒协议",
        reported_by=cast["unit_a"],
    )
    summary = services.get_or_start(studio, 2026, actor=cast["leader"])
    assert summary.due_on == date(2026, 12, 15)
    assert summary.figures["activity_count"] == 1
    assert summary.figures["apprentices"] == ["李徒二、车工", "王徒一、车工"]


def test_leader_drafts_unit_confirms_once(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    summary = services.get_or_start(studio, 2026, actor=cast["leader"])
    with pytest.raises(SummaryError, match="请先填写"):
        services.submit(summary, actor=cast["leader"])
    services.save_draft(summary, actor=cast["leader"], data=TEXT)
    services.submit(summary, actor=cast["leader"])
    with pytest.raises(SummaryError, match="须经工作室所在单位确认"):
        services.confirm(summary, actor=cast["leader"], figures_checked=True)
    with pytest.raises(SummaryError, match="核对平台记录"):
        services.confirm(summary, actor=cast["unit_a"], figures_checked=False)
    services.confirm(summary, actor=cast["unit_a"], figures_checked=True)
    summary.refresh_from_db()
    assert summary.state == "confirmed" and not summary.late
    with pytest.raises(SummaryError, match="不能重复确认"):
        services.confirm(summary, actor=cast["unit_a"], figures_checked=True)
    with pytest.raises(SummaryError, match="不能再修改"):
        services.save_draft(summary, actor=cast["unit_a"], data=TEXT)


def test_other_unit_cannot_touch_the_summary(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    summary = services.get_or_start(studio, 2026, actor=cast["unit_a"])
    with pytest.raises(SummaryError, match="只有工作室所在单位"):
        services.save_draft(summary, actor=cast["unit_b"], data=TEXT)


def test_unit_returns_with_reason(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    summary = services.get_or_start(studio, 2026, actor=cast["leader"])
    services.save_draft(summary, actor=cast["leader"], data=TEXT)
    services.submit(summary, actor=cast["leader"])
    with pytest.raises(SummaryError, match="退回意见"):
        services.return_to_leader(summary, actor=cast["unit_a"], reason="")
    services.return_to_leader(summary, actor=cast["unit_a"], reason="请补充徒弟等级证书编号")
    summary.refresh_from_db()
    assert summary.state == "draft" and summary.return_reason == "请补充徒弟等级证书编号"


def test_confirmed_after_deadline_is_late(cast, unit_a, monkeypatch):
    studio = make_studio(unit_a, approver=cast["approver"])
    summary = services.get_or_start(studio, 2025, actor=cast["unit_a"])
    services.save_draft(summary, actor=cast["unit_a"], data=TEXT)
    monkeypatch.setattr(timezone, "now", lambda: at(date(2025, 12, 16)))
    services.confirm(summary, actor=cast["unit_a"], figures_checked=True)
    summary.refresh_from_db()
    assert summary.late


def test_no_summary_for_a_year_before_recognition(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(SummaryError, match="不能填写 2023 年度"):
        services.get_or_start(studio, 2023, actor=cast["unit_a"])


def test_last_work_on_reads_activities(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    assert services.last_work_on(studio) == date(2024, 6, 20)
    StudioActivity.objects.create(
        studio=studio,
        kind="training",
        title="培训",
        held_on=date(2025, 5, 1),
        participants=10,
        description="授课",
        reported_by=make_user("u9", "unit", unit=unit_a),
    )
    assert services.last_work_on(studio) == date(2025, 5, 1)
