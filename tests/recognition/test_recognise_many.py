"""Recognition of a notice's entries together (``recognise_many``, used by ``close_due``): the
same studios, grants, entries, notices and events as recognising them one by one."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from masterstudio.applications.models import Application, AppState
from masterstudio.core.events import verify_chain
from masterstudio.core.models import Event, Notification
from masterstudio.funding.models import Grant
from masterstudio.notices import closing
from masterstudio.notices import services as notices
from masterstudio.notices.closing import recognise, recognise_many
from masterstudio.notices.models import EntryState, NoticeEntry
from masterstudio.recognition.services import AwardError
from masterstudio.studios.models import Studio
from tests.factories import selecting as f

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"  # an objection's facts, as long as the rules ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(cast, unit_a, unit_b):
    a, _b = f.two_proposed(cast, unit_a, unit_b)
    return f.published(a.round, cast["approver"])


def _entries(notice):
    return list(notice.entries.select_related("application").order_by("position"))


def _snapshot(since: int) -> dict:
    """What recognition wrote, with the ids that differ from run to run replaced by applications."""
    studios = {s.pk: s.application_id for s in Studio.objects.all()}
    grants = {g.pk: studios[g.studio_id] for g in Grant.objects.all()}

    def named(text: str) -> str:
        for pk, app in studios.items():
            text = text.replace(f"/studios/{pk}/", f"/studios/app{app}/")
        return text

    def event(e: Event) -> tuple:
        data = dict(e.data)
        if "grant" in data:
            data["grant"] = grants[data["grant"]]
        model = e.content_type.model if e.content_type else ""
        target = {"studio": studios, "grant": grants}.get(model)
        return (
            e.action,
            model,
            target[int(e.object_id)] if target else e.object_id,
            e.from_state,
            e.to_state,
            e.reason,
            e.clause,
            sorted(data.items()),
            e.actor_id,
        )

    return {
        "studios": sorted(
            (
                s.application_id,
                s.nameplate_no,
                s.name,
                s.title,
                s.recognized_on,
                s.state,
                s.leader_key,
                s.scope_key,
                s.unit_id,
                s.leader_id,
            )
            for s in Studio.objects.all()
        ),
        "grants": sorted(
            (studios[g.studio_id], g.kind, g.clause, g.amount, g.dated_on, g.basis, g.state, g.approved_by_id)
            for g in Grant.objects.all()
        ),
        "applications": sorted(Application.objects.values_list("pk", "state")),
        "entries": sorted(NoticeEntry.objects.values_list("pk", "state")),
        "notifications": sorted(
            (n.recipient_id, n.key, n.title, n.body, named(n.url), n.email_to)
            for n in Notification.objects.filter(key="application_recognised")
        ),
        "events": sorted(event(e) for e in Event.objects.filter(seq__gt=since).select_related("content_type")),
    }


class _Undo(Exception):
    pass


def test_together_writes_what_one_by_one_writes(notice, cast):
    now = f.day_after(notice)
    since = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
    with pytest.raises(_Undo), transaction.atomic():
        for entry in _entries(notice):
            recognise(entry.application, actor=cast["approver"], now=now)
        one_by_one = _snapshot(since)
        raise _Undo
    assert not Studio.objects.exists()
    studios, refused = recognise_many([e.application for e in _entries(notice)], actor=cast["approver"], now=now)
    assert refused == {}
    assert [s.nameplate_no for s in studios] == ["经开技大〔2026〕001号", "经开技大〔2026〕002号"]
    together = _snapshot(since)
    assert together == one_by_one
    assert len(together["events"]) == 8 and len(together["notifications"]) == 3
    assert verify_chain()[1] is None


def test_refused_entries_get_the_message_recognise_gives_and_the_rest_are_recognised(notice, cast):
    first, second = _entries(notice)
    notices.file_objection(first, name="张甲", contact="13900001111", content=FACTS, now=f.at("2026-10-08"))
    now = f.day_after(notice)
    with pytest.raises(AwardError) as single:
        recognise(first.application, now=now)
    studios, refused = recognise_many([first.application, second.application], actor=cast["approver"], now=now)
    assert [s.application_id for s in studios] == [second.application_id]
    assert refused == {first.application_id: str(single.value)}
    assert Grant.objects.filter(kind="initial").count() == 1
    again_studios, again = recognise_many([second.application], now=now)
    assert again_studios == [] and "不能重复认定" in again[second.application_id]
    assert Grant.objects.filter(kind="initial").count() == 1


def test_a_leader_with_a_live_studio_is_refused_as_recognise_refuses_him(notice, cast):
    first, second = _entries(notice)
    now = f.day_after(notice)
    (studio,), _ = recognise_many([first.application], now=now)
    Studio.objects.filter(pk=studio.pk).update(leader_key=second.application.leader_key)
    with pytest.raises(AwardError) as single:
        recognise(second.application, now=now)
    studios, refused = recognise_many([second.application], now=now)
    assert studios == [] and refused == {second.application_id: str(single.value)}
    assert "该领办人已领办" in refused[second.application_id]
    assert Application.objects.get(pk=second.application_id).state == AppState.ON_NOTICE
    assert Grant.objects.filter(kind="initial").count() == 1


def test_a_batch_that_meets_another_recognition_is_done_one_by_one_and_pays_once(notice, cast):
    real = Studio.objects.bulk_create
    calls = []

    def clash(rows, *args, **kwargs):
        calls.append(len(rows))
        raise IntegrityError('duplicate key value violates unique constraint "studio_nameplate"')

    with mock.patch.object(Studio.objects, "bulk_create", side_effect=clash):
        result = closing.close_due(now=f.day_after(notice), actor=cast["approver"])
    assert calls == [2] and Studio.objects.bulk_create == real
    assert result["errors"] == [] and sorted(result["recognised"]) == ["经开技大〔2026〕001号", "经开技大〔2026〕002号"]
    assert Grant.objects.filter(kind="initial").count() == 2
    assert NoticeEntry.objects.filter(state=EntryState.RECOGNISED).count() == 2
    assert Event.objects.filter(action="application.recognised").count() == 2
    assert verify_chain()[1] is None


def test_close_due_recognises_in_batches(notice, cast, monkeypatch):
    monkeypatch.setattr(closing, "RECOGNISE_BATCH", 1)
    seen = []
    real = recognise_many

    def counted(applications, **kwargs):
        seen.append(len(applications))
        return real(applications, **kwargs)

    monkeypatch.setattr("masterstudio.notices.closing.recognise_many", counted)
    result = closing.close_due(now=f.day_after(notice))
    assert seen == [1, 1] and len(result["recognised"]) == 2
    notice.refresh_from_db()
    assert notice.closed_at is not None
