"""The end of a notice's period (Art. 10): an entry whose period is over without a standing
objection is recognised — by the recognition app, which is given the notice's own reason for
holding an entry back as a value and returns what it recognised; the entries are marked here."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import Application
from masterstudio.core.events import appended_together, record_event
from masterstudio.notices.models import EntryState, Notice, NoticeEntry
from masterstudio.notices.period import closes_at
from masterstudio.notices.states import ENTRY_MACHINE
from masterstudio.recognition import services as recognition
from masterstudio.recognition.services import AwardError, Contended
from masterstudio.studios.models import Studio

_MARKED = "公示期满无异议"


def entry_block(entry: NoticeEntry | None, now: datetime) -> str | None:
    """Why the notice holds back the application of ``entry`` (its entry, read with its notice;
    None when it has none) at ``now``; None when it does not."""
    if entry is None:
        return "该申报未经公示，不能认定（第10条：公示无异议的，授予称号和铭牌）"
    if now < closes_at(entry.notice):
        return f"公示期至 {entry.notice.ends_on:%Y年%-m月%-d日} 结束，期满后才能认定"
    if entry.state == EntryState.FROZEN:
        return "该条目有尚未处理完毕的异议，处理完毕后才能认定"
    if entry.state != EntryState.LISTED:
        return f"公示条目状态为“{entry.get_state_display()}”，不能认定"
    return None


def _entries_of(ids) -> dict[int, NoticeEntry]:
    return {e.application_id: e for e in NoticeEntry.objects.select_related("notice").filter(application_id__in=ids)}


def recognise(application: Application, actor=None, *, now: datetime | None = None) -> Studio:
    """Recognise an application whose public notice ended without a standing objection
    (:func:`masterstudio.recognition.services.recognise`, held back by :func:`entry_block`) and
    show its entry as 已认定 on the public page, in one transaction. Raises ``AwardError``."""
    now = now or timezone.now()
    with transaction.atomic(), appended_together():
        entry = _entries_of([application.pk]).get(application.pk)
        studio = recognition.recognise(application, actor=actor, now=now, held=entry_block(entry, now))
        ENTRY_MACHINE.apply(entry, EntryState.RECOGNISED, actor=actor, reason=_MARKED)
    return studio


def recognise_many(
    applications: list[Application], actor=None, *, now: datetime | None = None
) -> tuple[list[Studio], dict[int, str]]:
    """:func:`recognise` for several applications at once, in one transaction
    (:func:`masterstudio.recognition.services.recognise_many`): the studios, in the order given,
    and why each other application was not recognised (by id). Raises ``Contended`` and
    ``AwardError`` as that does, keeping nothing."""
    now = now or timezone.now()
    with transaction.atomic(), appended_together():
        entries = _entries_of([a.pk for a in applications])
        held = {a.pk: entry_block(entries.get(a.pk), now) for a in applications}
        studios, refused = recognition.recognise_many(applications, actor=actor, now=now, held=held)
        if studios:
            ENTRY_MACHINE.apply_many(
                [entries[s.application_id] for s in studios], EntryState.RECOGNISED, actor=actor, reason=_MARKED
            )
    return studios, refused


RECOGNISE_BATCH = 100  # entries recognised per transaction by close_due


def close_due(*, now: datetime | None = None, actor=None) -> dict:
    """Recognise every entry whose notice period has ended without objection, a batch of entries
    at a time (:func:`recognise_many`; a batch that meets a recognition made meanwhile elsewhere is
    done entry by entry). Safe to run twice (and at the same time as another run): recognised
    entries are skipped."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done, waiting, errors = [], [], []
    for notice in Notice.objects.filter(closed_at__isnull=True, ends_on__lt=today).order_by("pk"):
        entries = list(
            notice.entries.filter(state=EntryState.LISTED).select_related("application").order_by("position")
        )
        for start in range(0, len(entries), RECOGNISE_BATCH):
            batch = entries[start : start + RECOGNISE_BATCH]
            try:
                studios, refused = recognise_many([entry.application for entry in batch], actor=actor, now=now)
            except Contended:
                studios, refused = _recognise_each(batch, actor=actor, now=now)
            except AwardError as exc:
                studios, refused = [], {entry.application_id: str(exc) for entry in batch}
            done.extend(studio.nameplate_no for studio in studios)
            errors.extend(
                f"{entry}：{refused[entry.application_id]}" for entry in batch if entry.application_id in refused
            )
        if notice.entries.filter(state=EntryState.FROZEN).exists():
            waiting.append(notice.pk)
        elif not notice.entries.filter(state=EntryState.LISTED).exists():
            Notice.objects.filter(pk=notice.pk, closed_at__isnull=True).update(closed_at=timezone.now())
            record_event("notice.closed", obj=notice, actor=actor, clause="10")
    return {"recognised": done, "waiting": waiting, "errors": errors}


def _recognise_each(entries: list[NoticeEntry], *, actor, now) -> tuple[list, dict[int, str]]:
    studios, refused = [], {}
    for entry in entries:
        try:
            studios.append(recognise(entry.application, actor=actor, now=now))
        except AwardError as exc:
            refused[entry.application_id] = str(exc)
    return studios, refused
