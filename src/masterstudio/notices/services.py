"""Publishing the proposed list (公示) and objections (异议) (Art. 10). The rules of an objection
are in ``notices.rules``, the period in ``notices.period``, the end of the period (recognition of
the entries) in ``notices.closing``."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.applications.models import Application, AppState, Round
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify
from masterstudio.core.uploads import check_upload
from masterstudio.notices.closing import recognise
from masterstudio.notices.models import (
    OPEN_OBJECTION_STATES,
    EntryState,
    Evidence,
    Notice,
    NoticeEntry,
    Objection,
    ObjectionState,
)
from masterstudio.notices.period import PeriodError, closes_at, is_open, notice_days
from masterstudio.notices.rules import HOW_TO_OBJECT, MAX_EVIDENCE_FILES, objection_problems
from masterstudio.notices.selectors import describe, unfinished_applications
from masterstudio.notices.states import ENTRY_MACHINE, OBJECTION_MACHINE
from masterstudio.policytools.versions import expiry_warning
from masterstudio.reviews.models import Decision, Outcome
from masterstudio.reviews.services.notifying import notify_unit, notify_units, unit_recipients


class NoticeError(Exception):
    """A refused notice action; ``str(exc)`` says in Chinese what to do."""


class ObjectionInvalid(NoticeError):
    """An objection that breaks its rules; ``problems``: the message for each field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("；".join(problems.values()))
        self.problems = problems


def _staff_handlers():
    return User.staff_with("reviewer", "approver")


# ---------------------------------------------------------------- publishing


class UnfinishedApplications(NoticeError):
    """Publishing would leave applications of the round that were never reviewed to the end:
    ``applications`` names them; publish again acknowledging them (their ids) to go ahead."""

    def __init__(self, applications: list):
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
                    recognise(entry.application, actor=actor, now=now)
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
