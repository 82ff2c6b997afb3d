"""Publishing the proposed list (公示), objections (异议) and closing the notice (Art. 10)."""
from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import AppState, Application, Round
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.notify import notify
from masterstudio.funding.services import lock_row
from masterstudio.notices.models import (
    OPEN_OBJECTION_STATES,
    EntryState,
    Evidence,
    Notice,
    NoticeEntry,
    Objection,
    ObjectionState,
)
from masterstudio.notices.period import PeriodError, notice_days
from masterstudio.policytools.versions import expiry_warning
from masterstudio.notices.states import ENTRY_MACHINE, OBJECTION_MACHINE
from masterstudio.reviews.models import Decision, Outcome
from masterstudio.reviews.services import notify_unit, notify_units

MAX_EVIDENCE_FILES = 5

HOW_TO_OBJECT = (
    "公示期间，任何单位和个人对公示名单有异议的，可在本页面点击“提出异议”，以真实姓名提交异议，"
    "写明联系方式、异议事实，并可上传证据材料。匿名或无具体事实的异议不予受理。"
    "异议仅暂停所涉条目，其他条目不受影响。社会事业局调查核实后答复异议人。"
)


class NoticeError(Exception):
    """A refused notice action; ``str(exc)`` says in Chinese what to do."""


def _staff_handlers():
    from masterstudio.accounts.models import User

    return User.staff_with("reviewer", "approver")


def closes_at(notice: Notice) -> datetime:
    """Interpretation 4: objections are accepted until 23:59:59 (Asia/Shanghai) of the last day."""
    return timezone.make_aware(datetime.combine(notice.ends_on + timedelta(days=1), time.min))


def is_open(notice: Notice, now=None) -> bool:
    now = now or timezone.now()
    return notice.published_at <= now < closes_at(notice)


# ---------------------------------------------------------------- publishing

def publish(round_: Round, *, actor, title: str = "", now: datetime | None = None) -> Notice:
    """Publish every proposed application of the round and tell every decided unit. Refused when
    nothing is proposed (already published) or when an application still awaits its decision."""
    now = now or timezone.now()
    with transaction.atomic(), appended_together():
        round_ = lock_row(Round, round_.pk)  # two staff publishing at once: the second waits, then finds nothing
        proposed = list(Application.objects.filter(round=round_, state=AppState.PROPOSED)
                        .select_related("unit", "leader", "decision").order_by("decision__rank", "pk"))
        if not proposed:
            raise NoticeError("本批次没有待公示的拟认定申报：请先在综合评议中确定拟认定名单（若已公示，请勿重复发布）")
        undecided = Application.objects.filter(round=round_, state=AppState.EVALUATION, decision__isnull=True).count()
        if undecided:
            raise NoticeError(f"本批次还有 {undecided} 份申报尚未作出综合评议决定，请全部决定后再发布公示")
        start = timezone.localdate(now)
        try:
            days = notice_days(start)
        except PeriodError as exc:
            raise NoticeError(f"无法计算公示期：{exc}") from exc
        warning = expiry_warning(days[-1], "公示期截止日")  # Art. 20: computed, but flagged
        notice = Notice.objects.create(
            round=round_, title=title.strip() or f"{round_.year}年度经开区技能大师工作室拟认定名单公示",
            published_at=now, starts_on=days[0], ends_on=days[-1], days=[d.isoformat() for d in days],
            how_to_object=HOW_TO_OBJECT, published_by=actor,
        )
        NoticeEntry.objects.bulk_create([
            NoticeEntry(notice=notice, application=application, position=position, unit_name=application.unit.name,
                        occupation=application.occupation_name,
                        leader_name=application.leader.name if application.leader else "")
            for position, application in enumerate(proposed, start=1)])
        APPLICATION_MACHINE.apply_many(proposed, AppState.ON_NOTICE, actor=actor,
                                       reason=f"公示期 {days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}",
                                       then=[notify_units("application_on_notice", notice=notice)])
        rejected = list(Application.objects.filter(round=round_, state=AppState.EVALUATION,
                                                   decision__outcome=Outcome.REJECT)
                        .select_related("decision", "unit").order_by("pk"))
        APPLICATION_MACHINE.apply_many(rejected, AppState.REJECTED, actor=actor,
                                       reason=lambda application: f"综合评议不予认定：{application.decision.reason}",
                                       then=[notify_units("application_rejected")])
        Decision.objects.filter(application__in=[*proposed, *rejected]).update(published_at=now)
        record_event("notice.published", obj=notice, actor=actor, clause="10",
                     data={"round": round_.pk, "entries": [a.pk for a in proposed],
                           "rejected": [a.pk for a in rejected], "days": notice.days, "art20_warning": warning})
    notice.art20_warning = warning
    return notice


# ---------------------------------------------------------------- objections

def file_objection(entry: NoticeEntry, *, name: str, contact: str, content: str, uploads=(), now=None,
                   ip: str | None = None) -> Objection:
    """Anyone may object, with real name and contact, during the period. Freezes only ``entry``."""
    from masterstudio.core.uploads import check_upload

    now = now or timezone.now()
    notice = entry.notice
    if not is_open(notice, now):
        if now < notice.published_at:
            raise NoticeError("公示尚未开始，暂不受理异议")
        raise NoticeError(f"公示期已于 {notice.ends_on:%Y年%-m月%-d日} 24时结束，不再受理异议")
    if entry.state not in (EntryState.LISTED, EntryState.FROZEN):
        raise NoticeError(f"该条目当前为“{entry.get_state_display()}”，不再受理异议")
    if not name.strip() or not contact.strip() or not content.strip():
        raise NoticeError("请填写真实姓名、联系方式和异议内容")
    uploads = list(uploads)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ValidationError(f"证据材料最多上传 {MAX_EVIDENCE_FILES} 个文件")
    checked = [(upload, *check_upload(upload)) for upload in uploads]
    with transaction.atomic():
        entry = lock_row(NoticeEntry, entry.pk)
        receipt = f"YY{timezone.localdate(now):%Y%m%d}{secrets.token_hex(4).upper()}"
        objection = Objection.objects.create(entry=entry, receipt=receipt, name=name.strip()[:50],
                                             contact=contact.strip(), content=content.strip(), filed_at=now)
        for upload, kind, digest in checked:
            evidence = Evidence(objection=objection, token=secrets.token_hex(16), kind=kind,
                                original_name=(upload.name or "证据")[:255], size=upload.size, sha256=digest)
            evidence.file.save(f"{evidence.token}.{kind}", upload, save=False)
            evidence.save()
        record_event("objection.filed", obj=objection, ip=ip, clause="10",
                     data={"entry": entry.pk, "application": entry.application_id, "files": len(checked)})
        if entry.state == EntryState.LISTED:
            ENTRY_MACHINE.apply(entry, EntryState.FROZEN, reason=f"收到异议 {receipt}", ip=ip)
        notify(_staff_handlers(), "objection_filed", {"objection": objection, "entry": entry},
               url=f"/notices/manage/objections/{objection.pk}/")
    return objection


def start_investigation(objection: Objection, *, actor) -> Objection:
    OBJECTION_MACHINE.apply(objection, ObjectionState.INVESTIGATING, actor=actor,
                            extra_fields={"handled_by": actor})
    return objection


def resolve(objection: Objection, *, upheld: bool, investigation: str, reply: str, actor,
            now: datetime | None = None) -> Objection:
    """Record the investigation, the outcome and the reply. Upheld: the entry leaves the list and
    the application is not recognised. Dismissed: the entry returns to the list and, if the period
    is over and no other objection is open, it is recognised at once."""
    if not investigation.strip() or not reply.strip():
        raise NoticeError("请填写调查核实情况和给异议人的答复")
    now = now or timezone.now()
    target = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    with transaction.atomic():
        entry = lock_row(NoticeEntry, objection.entry_id)
        OBJECTION_MACHINE.apply(objection, target, actor=actor, reason=investigation.strip(),
                                extra_fields={"investigation": investigation.strip(), "reply": reply.strip(),
                                              "handled_by": actor, "decided_at": now})
        if upheld and entry.state == EntryState.FROZEN:
            ENTRY_MACHINE.apply(entry, EntryState.REMOVED, actor=actor, reason=f"异议 {objection.receipt} 成立")
            application = Application.objects.get(pk=entry.application_id)
            APPLICATION_MACHINE.apply(application, AppState.REJECTED, actor=actor,
                                      reason=f"公示期间异议成立：{investigation.strip()}",
                                      then=[notify_unit("application_rejected")])
        elif not upheld and entry.state == EntryState.FROZEN:
            still_open = entry.objections.filter(state__in=OPEN_OBJECTION_STATES).exists()
            if not still_open:
                ENTRY_MACHINE.apply(entry, EntryState.LISTED, actor=actor, reason=f"异议 {objection.receipt} 不成立")
                if now >= closes_at(entry.notice):
                    _recognise_entry(entry, actor=actor, now=now)
    return objection


# ---------------------------------------------------------------- closing

def _recognise_entry(entry: NoticeEntry, *, actor=None, now=None):
    from masterstudio.studios.services import recognise

    return recognise(entry.application, actor=actor, now=now)


_UNREAD = object()


def mark_recognised(application: Application, *, actor=None, entry=_UNREAD) -> None:
    """Called by the award inside its transaction: the entry shows 已认定 on the public page
    (``entry``: the application's entry, when the caller has just read it)."""
    if entry is _UNREAD:
        entry = NoticeEntry.objects.filter(application=application).first()
    if entry is not None and entry.state == EntryState.LISTED:
        ENTRY_MACHINE.apply(entry, EntryState.RECOGNISED, actor=actor, reason="公示期满无异议")


def mark_recognised_many(entries: list[NoticeEntry], *, actor=None) -> None:
    """:func:`mark_recognised` for the entries of several applications recognised together."""
    ENTRY_MACHINE.apply_many([e for e in entries if e.state == EntryState.LISTED], EntryState.RECOGNISED, actor=actor,
                             reason="公示期满无异议")


def recognition_block(application: Application, now=None, *, entry=_UNREAD) -> str | None:
    """Why ``application`` may not be recognised yet (None when it may). ``entry``: the
    application's entry with its notice, when the caller has just read it."""
    if entry is _UNREAD:
        entry = NoticeEntry.objects.select_related("notice").filter(application=application).first()
    if entry is None:
        return "该申报未经公示，不能认定（第10条：公示无异议的，授予称号和铭牌）"
    if now is None:
        now = timezone.now()
    if now < closes_at(entry.notice):
        return f"公示期至 {entry.notice.ends_on:%Y年%-m月%-d日} 结束，期满后才能认定"
    if entry.state == EntryState.FROZEN:
        return "该条目有尚未处理完毕的异议，处理完毕后才能认定"
    if entry.state != EntryState.LISTED:
        return f"公示条目状态为“{entry.get_state_display()}”，不能认定"
    return None


RECOGNISE_BATCH = 100  # entries recognised per transaction by close_due


def close_due(*, now: datetime | None = None, actor=None) -> dict:
    """Recognise every entry whose notice period has ended without objection, a batch of entries
    at a time (:func:`~masterstudio.studios.services.recognise_many`; a batch that meets a
    recognition made meanwhile elsewhere is done entry by entry). Safe to run twice (and at the
    same time as another run): recognised entries are skipped."""
    from masterstudio.studios.services import AwardError, Contended, recognise_many

    now = now or timezone.now()
    today = timezone.localdate(now)
    done, waiting, errors = [], [], []
    for notice in Notice.objects.filter(closed_at__isnull=True, ends_on__lt=today).order_by("pk"):
        entries = list(notice.entries.filter(state=EntryState.LISTED).select_related("application").order_by("position"))
        for start in range(0, len(entries), RECOGNISE_BATCH):
            batch = entries[start:start + RECOGNISE_BATCH]
            try:
                studios, refused = recognise_many([entry.application for entry in batch], actor=actor, now=now)
            except Contended:
                studios, refused = _recognise_each(batch, actor=actor, now=now)
            except AwardError as exc:
                studios, refused = [], {entry.application_id: str(exc) for entry in batch}
            done.extend(studio.nameplate_no for studio in studios)
            errors.extend(f"{entry}：{refused[entry.application_id]}" for entry in batch if entry.application_id in refused)
        if notice.entries.filter(state=EntryState.FROZEN).exists():
            waiting.append(notice.pk)
        elif not notice.entries.filter(state=EntryState.LISTED).exists():
            Notice.objects.filter(pk=notice.pk, closed_at__isnull=True).update(closed_at=timezone.now())
            record_event("notice.closed", obj=notice, actor=actor, clause="10")
    return {"recognised": done, "waiting": waiting, "errors": errors}


def _recognise_each(entries: list[NoticeEntry], *, actor, now) -> tuple[list, dict[int, str]]:
    from masterstudio.studios.services import AwardError

    studios, refused = [], {}
    for entry in entries:
        try:
            studios.append(_recognise_entry(entry, actor=actor, now=now))
        except AwardError as exc:
            refused[entry.application_id] = str(exc)
    return studios, refused
