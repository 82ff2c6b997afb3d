"""Publishing the proposed list (公示), objections (异议) and closing the notice (Art. 10)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.applications.models import Application, AppState, Round
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
from masterstudio.notices.states import ENTRY_MACHINE, OBJECTION_MACHINE
from masterstudio.policytools.versions import expiry_warning
from masterstudio.reviews.models import Decision, Outcome
from masterstudio.reviews.services import notify_unit, notify_units

MAX_EVIDENCE_FILES = 5

# The rules of an objection, in one place: the form checks them, the service refuses what breaks
# them, and the pages state them from here (``OBJECTION_RULES``).
OBJECTION_NAME_MIN = 2  # a real name: not one character
OBJECTION_FACTS_MIN = 15  # characters of facts and reasons, blanks not counted
PLACEHOLDER_NAMES = frozenset({"匿名", "无名", "无名氏", "佚名", "不详", "某某", "群众", "网友", "市民", "知情人"})
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·•. '-]*$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
OBJECTION_RULES = [
    f"以真实姓名提出（至少 {OBJECTION_NAME_MIN} 个字；匿名、化名不予受理）",
    "留下可联系的手机号或电子邮箱，仅供社会事业局核实和答复使用",
    f"写明异议的具体事实和理由（不少于 {OBJECTION_FACTS_MIN} 字），可上传证据材料（最多 {MAX_EVIDENCE_FILES} 个）",
]

HOW_TO_OBJECT = (
    "公示期间，任何单位和个人对公示名单有异议的，可在本页面点击“提出异议”：" + "；".join(OBJECTION_RULES) + "。"
    "匿名或无具体事实的异议不予受理。异议仅暂停所涉条目，其他条目不受影响。社会事业局调查核实后答复异议人。"
)


def objection_problems(*, name: str, contact: str, content: str) -> dict[str, str]:
    """What breaks the rules of an objection, by field (empty when it follows them)."""
    problems = {}
    name = (name or "").strip()
    if len(name) < OBJECTION_NAME_MIN or not _NAME.match(name) or name in PLACEHOLDER_NAMES:
        problems["name"] = f"请填写真实姓名（至少 {OBJECTION_NAME_MIN} 个字，不含数字和符号）；匿名异议不予受理"
    if not contact_kind(contact):
        problems["contact"] = "请填写有效的手机号（11 位，如 13900001111）或电子邮箱（如 name@example.com），用于答复"
    facts = re.sub(r"\s", "", content or "")
    if len(facts) < OBJECTION_FACTS_MIN:
        problems["content"] = f"请写明异议的具体事实和理由，不少于 {OBJECTION_FACTS_MIN} 字（现有 {len(facts)} 字）"
    return problems


def contact_kind(contact: str) -> str:
    """ "mobile" or "email" when ``contact`` is a valid mobile number or e-mail address, else ""."""
    from django.core.validators import validate_email

    text = (contact or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits):
        return "mobile"
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return "email"


class NoticeError(Exception):
    """A refused notice action; ``str(exc)`` says in Chinese what to do."""


class ObjectionInvalid(NoticeError):
    """An objection that breaks its rules; ``problems``: the message for each field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("；".join(problems.values()))
        self.problems = problems


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


class UnfinishedApplications(NoticeError):
    """Publishing would leave applications of the round that were never reviewed to the end:
    ``applications`` names them; publish again acknowledging them (their ids) to go ahead."""

    def __init__(self, applications: list):
        from masterstudio.notices.selectors import describe

        self.applications = applications
        super().__init__(
            f"本批次还有 {len(applications)} 份申报未完成评审，发布公示后它们不会列入本次名单："
            + "；".join(describe(a) for a in applications)
            + "。确认后再发布"
        )


def publish(
    round_: Round, *, actor, title: str = "", now: datetime | None = None, acknowledged: Iterable[int] = ()
) -> Notice:
    """Publish every proposed application of the round and tell every decided unit. Refused when
    nothing is proposed (already published), when an application in the evaluation still awaits
    its decision (named), and — :class:`UnfinishedApplications`, a warning — when applications of
    the round were never reviewed to the end, unless each of them is in ``acknowledged`` (the ids
    the approver was shown and confirmed)."""
    from masterstudio.notices.selectors import describe, unfinished_applications

    now = now or timezone.now()
    acknowledged = {int(pk) for pk in acknowledged}
    with transaction.atomic(), appended_together():
        round_ = lock_row(Round, round_.pk)  # two staff publishing at once: the second waits, then finds nothing
        proposed = list(
            Application.objects.filter(round=round_, state=AppState.PROPOSED)
            .select_related("unit", "leader", "decision")
            .order_by("decision__rank", "pk")
        )
        if not proposed:
            raise NoticeError("本批次没有待公示的拟认定申报：请先在综合评议中确定拟认定名单（若已公示，请勿重复发布）")
        unfinished = unfinished_applications(round_)
        undecided = [a for a in unfinished if a.state == AppState.EVALUATION]
        if undecided:
            raise NoticeError(
                f"本批次还有 {len(undecided)} 份申报尚未作出综合评议决定："
                + "；".join(describe(a) for a in undecided)
                + "。请全部决定后再发布公示"
            )
        unconfirmed = [a for a in unfinished if a.pk not in acknowledged]
        if unconfirmed:
            raise UnfinishedApplications(unfinished)
        start = timezone.localdate(now)
        try:
            days = notice_days(start)
        except PeriodError as exc:
            raise NoticeError(f"无法计算公示期：{exc}") from exc
        warning = expiry_warning(days[-1], "公示期截止日")  # Art. 20: computed, but flagged
        notice = Notice.objects.create(
            round=round_,
            title=title.strip() or f"{round_.year}年度经开区技能大师工作室拟认定名单公示",
            published_at=now,
            starts_on=days[0],
            ends_on=days[-1],
            days=[d.isoformat() for d in days],
            how_to_object=HOW_TO_OBJECT,
            published_by=actor,
        )
        NoticeEntry.objects.bulk_create(
            [
                NoticeEntry(
                    notice=notice,
                    application=application,
                    position=position,
                    unit_name=application.unit.name,
                    occupation=application.occupation_name,
                    leader_name=application.leader.name if application.leader else "",
                )
                for position, application in enumerate(proposed, start=1)
            ]
        )
        APPLICATION_MACHINE.apply_many(
            proposed,
            AppState.ON_NOTICE,
            actor=actor,
            reason=f"公示期 {days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}",
            then=[notify_units("application_on_notice", notice=notice)],
        )
        rejected = list(
            Application.objects.filter(round=round_, state=AppState.EVALUATION, decision__outcome=Outcome.REJECT)
            .select_related("decision", "unit")
            .order_by("pk")
        )
        APPLICATION_MACHINE.apply_many(
            rejected,
            AppState.REJECTED,
            actor=actor,
            reason=lambda application: f"综合评议不予认定：{application.decision.reason}",
            then=[notify_units("application_rejected")],
        )
        Decision.objects.filter(application__in=[*proposed, *rejected]).update(published_at=now)
        record_event(
            "notice.published",
            obj=notice,
            actor=actor,
            clause="10",
            data={
                "round": round_.pk,
                "entries": [a.pk for a in proposed],
                "rejected": [a.pk for a in rejected],
                "days": notice.days,
                "art20_warning": warning,
                "unfinished": [a.pk for a in unfinished],
            },
        )
    notice.art20_warning = warning
    return notice


# ---------------------------------------------------------------- objections


def file_objection(
    entry: NoticeEntry, *, name: str, contact: str, content: str, uploads=(), now=None, ip: str | None = None
) -> Objection:
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
    problems = objection_problems(name=name, contact=contact, content=content)
    if problems:
        raise ObjectionInvalid(problems)
    uploads = list(uploads)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ValidationError(f"证据材料最多上传 {MAX_EVIDENCE_FILES} 个文件")
    checked = [(upload, *check_upload(upload)) for upload in uploads]
    with transaction.atomic():
        entry = lock_row(NoticeEntry, entry.pk)
        receipt = f"YY{timezone.localdate(now):%Y%m%d}{secrets.token_hex(4).upper()}"
        objection = Objection.objects.create(
            entry=entry,
            receipt=receipt,
            name=name.strip()[:50],
            contact=contact.strip(),
            content=content.strip(),
            filed_at=now,
        )
        for upload, kind, digest in checked:
            evidence = Evidence(
                objection=objection,
                token=secrets.token_hex(16),
                kind=kind,
                original_name=(upload.name or "证据")[:255],
                size=upload.size,
                sha256=digest,
            )
            evidence.file.save(f"{evidence.token}.{kind}", upload, save=False)
            evidence.save()
        record_event(
            "objection.filed",
            obj=objection,
            ip=ip,
            clause="10",
            data={"entry": entry.pk, "application": entry.application_id, "files": len(checked)},
        )
        if entry.state == EntryState.LISTED:
            ENTRY_MACHINE.apply(entry, EntryState.FROZEN, reason=f"收到异议 {receipt}", ip=ip)
        notify(
            _staff_handlers(),
            "objection_filed",
            {"objection": objection, "entry": entry},
            url=reverse("notices:objection", args=[objection.pk]),
        )
        _tell_unit(entry, "objection_against_unit", {"objection": objection})  # never who objected, nor what
    return objection


def _tell_unit(entry: NoticeEntry, key: str, context: dict) -> None:
    """Tell the applying unit about an objection against its entry (in the caller's transaction)."""
    from masterstudio.reviews.services import unit_recipients

    application = Application.objects.select_related("unit").get(pk=entry.application_id)
    notify(
        unit_recipients(application),
        key,
        {"application": application, "entry": entry, **context},
        url=reverse("applications:detail", args=[application.pk]),
    )


def start_investigation(objection: Objection, *, actor) -> Objection:
    OBJECTION_MACHINE.apply(objection, ObjectionState.INVESTIGATING, actor=actor, extra_fields={"handled_by": actor})
    return objection


def resolve(
    objection: Objection, *, upheld: bool, investigation: str, reply: str, actor, now: datetime | None = None
) -> Objection:
    """Record the investigation, the outcome and the reply. Upheld: the entry leaves the list and
    the application is not recognised. Dismissed: the entry returns to the list and, if the period
    is over and no other objection is open, it is recognised at once."""
    if not investigation.strip() or not reply.strip():
        raise NoticeError("请填写调查核实情况和给异议人的答复")
    now = now or timezone.now()
    target = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    with transaction.atomic():
        entry = lock_row(NoticeEntry, objection.entry_id)
        OBJECTION_MACHINE.apply(
            objection,
            target,
            actor=actor,
            reason=investigation.strip(),
            extra_fields={
                "investigation": investigation.strip(),
                "reply": reply.strip(),
                "handled_by": actor,
                "decided_at": now,
            },
        )
        if upheld and entry.state == EntryState.FROZEN:
            ENTRY_MACHINE.apply(entry, EntryState.REMOVED, actor=actor, reason=f"异议 {objection.receipt} 成立")
            application = Application.objects.get(pk=entry.application_id)
            APPLICATION_MACHINE.apply(
                application,
                AppState.REJECTED,
                actor=actor,
                reason=f"公示期间异议成立：{investigation.strip()}",
                then=[notify_unit("application_rejected")],
            )
        elif not upheld and entry.state == EntryState.FROZEN:
            still_open = entry.objections.filter(state__in=OPEN_OBJECTION_STATES).exists()
            if not still_open:
                ENTRY_MACHINE.apply(entry, EntryState.LISTED, actor=actor, reason=f"异议 {objection.receipt} 不成立")
                if now >= closes_at(entry.notice):
                    _recognise_entry(entry, actor=actor, now=now)
        _tell_unit(
            entry,
            "objection_resolved_unit",
            {
                "objection": objection,
                "upheld": upheld,
                "outcome": objection.get_state_display(),
                "still_open": entry.objections.filter(state__in=OPEN_OBJECTION_STATES).exists(),
            },
        )
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
    ENTRY_MACHINE.apply_many(
        [e for e in entries if e.state == EntryState.LISTED],
        EntryState.RECOGNISED,
        actor=actor,
        reason="公示期满无异议",
    )


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
    from masterstudio.studios.services import AwardError

    studios, refused = [], {}
    for entry in entries:
        try:
            studios.append(_recognise_entry(entry, actor=actor, now=now))
        except AwardError as exc:
            refused[entry.application_id] = str(exc)
    return studios, refused
