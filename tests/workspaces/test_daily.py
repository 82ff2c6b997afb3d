"""``manage.py daily`` tested by moving the clock: reminders, late summaries, inactivity,
retirement and leaving warnings; safe to run twice."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from masterstudio.assessments.models import DailyRun, Flag
from masterstudio.core.models import Notification
from masterstudio.summaries import services as summaries
from masterstudio.summaries.models import SummaryReminder
from tests.factories import make_person
from tests.factories.studio_life import at, make_studio

pytestmark = pytest.mark.django_db
TEXT = {
    "projects": "攻关",
    "apprentices": "带徒 2 人",
    "exchanges": "交流",
    "social_benefit": "培训",
    "spending": "设备",
}


def run(monkeypatch, day, *args):
    monkeypatch.setattr(timezone, "now", lambda: at(day))
    out = StringIO()
    call_command("daily", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_reminders_30_7_1_days_before_once_each(cast, unit_a, monkeypatch):
    studio = make_studio(unit_a, grant=False, recognized_on=date(2025, 3, 1))
    run(monkeypatch, date(2026, 11, 14))  # 31 days before: nothing yet
    assert not SummaryReminder.objects.exists()
    run(monkeypatch, date(2026, 11, 15))
    output = run(monkeypatch, date(2026, 11, 15))  # second run the same day
    assert "跳过 年度工作总结提醒" in output
    run(monkeypatch, date(2026, 11, 15), "--force")  # forced again: still one reminder
    assert list(SummaryReminder.objects.values_list("days_before", flat=True)) == [30]
    run(monkeypatch, date(2026, 12, 8))
    run(monkeypatch, date(2026, 12, 14))
    assert sorted(SummaryReminder.objects.values_list("days_before", flat=True)) == [1, 7, 30]
    notes = Notification.objects.filter(key="summary_reminder", recipient=cast["unit_a"])
    assert notes.count() == 3 and "12月15日" in notes.first().title
    assert not Notification.objects.filter(key="summary_reminder", recipient=cast["unit_b"]).exists()
    assert studio.pk == SummaryReminder.objects.first().studio_id


def test_confirmed_summary_gets_no_reminder_and_late_one_is_flagged(cast, unit_a, unit_b, monkeypatch):
    done = make_studio(unit_a, grant=False, recognized_on=date(2025, 3, 1))
    late = make_studio(unit_b, grant=False, recognized_on=date(2025, 3, 1))
    monkeypatch.setattr(timezone, "now", lambda: at(date(2026, 11, 1)))
    summary = summaries.get_or_start(done, 2026, actor=cast["unit_a"])
    summaries.save_draft(summary, actor=cast["unit_a"], data=TEXT)
    summaries.confirm(summary, actor=cast["unit_a"], figures_checked=True)
    draft = summaries.get_or_start(late, 2026, actor=cast["unit_b"])
    run(monkeypatch, date(2026, 12, 14))
    assert list(SummaryReminder.objects.values_list("studio_id", flat=True)) == [late.pk]
    run(monkeypatch, date(2026, 12, 15))  # the deadline day itself is not late
    assert not Flag.objects.filter(kind="late_summary", key="2026").exists()
    # neither studio reported for 2025 (recognised 2025-03-01): both were flagged for that year
    assert Flag.objects.filter(kind="late_summary", key="2025").count() == 2
    run(monkeypatch, date(2026, 12, 16))
    run(monkeypatch, date(2026, 12, 17))
    flag = Flag.objects.get(kind="late_summary", key="2026")
    assert (flag.studio_id, flag.key, flag.clause) == (late.pk, "2026", "11")
    draft.refresh_from_db()
    assert draft.late
    assert (
        Notification.objects.filter(key="studio_flag", recipient=cast["approver"]).count() == Flag.objects.count() == 4
    )


def test_inactive_for_over_a_year_is_flagged_once(cast, unit_a, monkeypatch):
    studio = make_studio(unit_a, grant=False, recognized_on=date(2025, 3, 1))
    run(monkeypatch, date(2026, 3, 1), "--only", "inactive_studios")  # exactly one year: not "超过"
    assert not Flag.objects.exists()
    run(monkeypatch, date(2026, 3, 2), "--only", "inactive_studios")
    run(monkeypatch, date(2026, 3, 3), "--only", "inactive_studios")
    flag = Flag.objects.get(studio=studio)
    assert (flag.kind, flag.key, flag.clause) == ("inactive", "2025-03-01", "13.1")


def test_leader_near_retirement_and_leader_gone(cast, unit_a, unit_b, monkeypatch):
    # man born 1967-05-12 retires 2028-01-12 (60 years 8 months)
    near = make_studio(
        unit_a, grant=False, recognized_on=date(2025, 3, 1), leader=make_person(unit_a, "老师傅", "1967-05-12", seq=301)
    )
    gone = make_studio(
        unit_b,
        grant=False,
        recognized_on=date(2025, 3, 1),
        leader=make_person(unit_b, "离职者", "1980-01-01", seq=302, employed=False, left_on=date(2026, 1, 5)),
    )
    run(monkeypatch, date(2026, 1, 12), "--only", "leader_checks")
    assert not Flag.objects.filter(studio=near).exists()
    run(monkeypatch, date(2026, 1, 13), "--only", "leader_checks")
    flag = Flag.objects.get(studio=near)
    assert flag.kind == "retirement_near" and flag.key == "2028-01-12" and "2028-01-12" in flag.detail
    assert Flag.objects.get(studio=gone).kind == "leader_left"


def test_failed_task_releases_its_claim_and_exits_non_zero(cast, unit_a, monkeypatch):
    from masterstudio.assessments import monitoring

    make_studio(unit_a, grant=False)

    def broken(today):
        raise RuntimeError("数据库暂时不可用")

    monkeypatch.setattr(monitoring, "flag_inactive", broken)
    monkeypatch.setattr(timezone, "now", lambda: at(date(2026, 5, 1)))
    with pytest.raises(CommandError, match="inactive_studios"):
        call_command("daily", stdout=StringIO(), stderr=StringIO())
    assert not DailyRun.objects.filter(task="inactive_studios").exists()
    assert DailyRun.objects.filter(task="leader_checks", finished_at__isnull=False).exists()
