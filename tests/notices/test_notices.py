from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from masterstudio.applications.models import Application, AppState
from masterstudio.core.models import Notification
from masterstudio.core.uploads import UploadRefused
from masterstudio.funding.models import Grant
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.notices.closing import recognise
from masterstudio.notices.models import EntryState, NoticeEntry, Objection
from masterstudio.recognition.services import AwardError
from masterstudio.reviews.services.decisions import decide
from masterstudio.studios.models import Studio
from tests.factories import selecting as f
from tests.factories.applications import pdf_bytes, zip_bytes

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"  # an objection's facts, as long as the rules ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_proposed(cast, unit_a, unit_b):
    return f.two_proposed(cast, unit_a, unit_b)


def test_publish_spans_national_day_and_tells_every_unit(two_proposed, cast, django_capture_on_commit_callbacks):
    a, b = two_proposed
    with django_capture_on_commit_callbacks(execute=True):
        notice = f.published(a.round, cast["approver"])
    assert (notice.starts_on.isoformat(), notice.ends_on.isoformat()) == ("2026-09-28", "2026-10-09")
    assert notice.days == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09"]
    assert list(notice.entries.values_list("leader_name", flat=True)) == ["张领办", "乙张领办"]
    assert Application.objects.get(pk=a.pk).state == AppState.ON_NOTICE
    recipients = set(
        Notification.objects.filter(key="application_on_notice").values_list("recipient__username", flat=True)
    )
    assert recipients == {"unit_a", "leader_a", "unit_b"}


def test_publish_on_a_holiday_starts_on_the_next_working_day(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"], on="2026-10-03")
    # 10-10 (Saturday) is a make-up workday in 2026
    assert notice.days == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"]


def test_publishing_twice_is_refused(two_proposed, cast):
    f.published(two_proposed[0].round, cast["approver"])
    with pytest.raises(notices.NoticeError, match="没有待公示"):
        f.published(two_proposed[0].round, cast["approver"])
    assert NoticeEntry.objects.count() == 2


def test_publish_refused_while_a_decision_is_missing(cast, unit_a, unit_b):
    a = f.submitted_application(unit_a, cast["unit_a"])
    b = f.submitted_application(unit_b, cast["unit_b"], a.round, prefix="乙", seq_base=50)
    f.to_proposed(a, cast["reviewer"], cast["approver"])
    f.to_evaluation(b, cast["reviewer"])
    with pytest.raises(notices.NoticeError, match="还有 1 份申报尚未作出综合评议决定"):
        f.published(a.round, cast["approver"])


def test_rejection_is_published_with_its_reason(cast, unit_a, unit_b, django_capture_on_commit_callbacks):
    a = f.submitted_application(unit_a, cast["unit_a"])
    b = f.submitted_application(unit_b, cast["unit_b"], a.round, prefix="乙", seq_base=50)
    f.to_proposed(a, cast["reviewer"], cast["approver"])
    f.to_evaluation(b, cast["reviewer"])
    decide(b, outcome="reject", reason="专家评分低于拟认定分数线", rank=None, version=0, actor=cast["approver"])
    assert not Notification.objects.filter(recipient=cast["unit_b"], key="application_rejected").exists()
    with django_capture_on_commit_callbacks(execute=True):
        f.published(a.round, cast["approver"])
    assert Application.objects.get(pk=b.pk).state == AppState.REJECTED
    note = Notification.objects.get(recipient=cast["unit_b"], key="application_rejected")
    assert "专家评分低于拟认定分数线" in note.body


def test_publish_into_an_unknown_year_is_refused(two_proposed, cast):
    with pytest.raises(notices.NoticeError, match="2027 年"):
        f.published(two_proposed[0].round, cast["approver"], on="2026-12-28")


def test_objection_freezes_only_its_entry_and_upheld_removes_it(two_proposed, cast):
    a, b = two_proposed
    notice = f.published(a.round, cast["approver"])
    entry_a, entry_b = notice.entries.order_by("position")
    objection = notices.file_objection(
        entry_a,
        name="李某",
        contact="13900001111",
        content=FACTS,
        uploads=[SimpleUploadedFile("证据.pdf", pdf_bytes())],
        now=f.at("2026-09-30"),
    )
    entry_a.refresh_from_db()
    entry_b.refresh_from_db()
    assert (entry_a.state, entry_b.state) == (EntryState.FROZEN, EntryState.LISTED)
    assert objection.evidence.count() == 1
    notices.resolve(
        objection,
        upheld=True,
        investigation="经核实，领办人已调离一线",
        reply="异议成立，已撤出名单",
        actor=cast["approver"],
        now=f.at("2026-10-09"),
    )
    result = closing.close_due(now=f.day_after(notice))
    assert len(result["recognised"]) == 1
    assert Application.objects.get(pk=a.pk).state == AppState.REJECTED
    assert Studio.objects.get().application_id == b.pk


def test_objection_after_the_period_is_refused(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"])
    entry = notice.entries.first()
    notices.file_objection(entry, name="张甲", contact="13900001111", content=FACTS, now=f.at("2026-10-09", 23, 59))
    with pytest.raises(notices.NoticeError, match="公示期已于 2026年10月9日 24时结束"):
        notices.file_objection(entry, name="李乙", contact="13900002222", content=FACTS, now=f.at("2026-10-10", 0, 0))


def test_objection_evidence_must_be_a_real_document(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"])
    with pytest.raises(UploadRefused, match="内容不是"):
        notices.file_objection(
            notice.entries.first(),
            name="张甲",
            contact="13900001111",
            content=FACTS,
            uploads=[SimpleUploadedFile("a.pdf", zip_bytes())],
            now=f.at("2026-09-29"),
        )
    assert not Objection.objects.exists()


def test_dismissed_after_the_period_recognises_at_once(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"])
    entry = notice.entries.first()
    objection = notices.file_objection(entry, name="张甲", contact="13900001111", content=FACTS, now=f.at("2026-10-08"))
    result = closing.close_due(now=f.day_after(notice))
    assert result["waiting"] == [notice.pk] and len(result["recognised"]) == 1
    notices.start_investigation(objection, actor=cast["reviewer"])
    notices.resolve(
        objection,
        upheld=False,
        investigation="核实无误",
        reply="异议不成立",
        actor=cast["approver"],
        now=f.day_after(notice) + timedelta(days=2),
    )
    assert Studio.objects.count() == 2
    assert NoticeEntry.objects.filter(state=EntryState.RECOGNISED).count() == 2


def test_closing_twice_pays_once_and_recognising_again_is_refused(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"])
    first = closing.close_due(now=f.day_after(notice))
    second = closing.close_due(now=f.day_after(notice))
    assert len(first["recognised"]) == 2 and second["recognised"] == []
    assert Grant.objects.filter(kind="initial").count() == 2
    with pytest.raises(AwardError, match="不能重复认定"):
        recognise(two_proposed[0], now=f.day_after(notice))
    assert sorted(Studio.objects.values_list("nameplate_no", flat=True)) == [
        "经开技大〔2026〕001号",
        "经开技大〔2026〕002号",
    ]


def test_recognising_before_the_period_ends_is_refused(two_proposed, cast):
    f.published(two_proposed[0].round, cast["approver"])
    with pytest.raises(AwardError, match="期满后才能认定"):
        recognise(two_proposed[0], now=f.at("2026-10-09", 23, 0))
    assert closing.close_due(now=f.at("2026-10-09", 23, 0))["recognised"] == []
    assert not Studio.objects.exists()


def test_close_notices_command_runs_twice(two_proposed, cast):
    notice = f.published(two_proposed[0].round, cast["approver"], on=timezone.localdate().isoformat())
    type(notice).objects.filter(pk=notice.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1),
        starts_on=timezone.localdate() - timedelta(days=7),
        published_at=timezone.now() - timedelta(days=7),
    )
    call_command("close_notices")
    call_command("close_notices")
    assert Studio.objects.count() == 2 and Grant.objects.count() == 2
