"""Policy versions on the Django side: staff enter a successor as data, preview it, a second person
confirms it, and it governs from its effective date; and the one Art. 20 guard every service calls.

    in_force(on)                  → the version in force on ``on``, or None (Art. 20: after the last
                                    version's valid_until with no successor, or in a gap)
    require_in_force(on, what)    → raises PolicyExpired naming Art. 20 (rounds, summary and
                                    assessment years, grant approval)
    expiry_warning(on, what)      → a Chinese warning naming Art. 20, or "" (notice periods and
                                    rectification deadlines: computed, but flagged)
    expiry_notice(today)          → the countdown shown on the home page and staff dashboard from
                                    30 days before the last version's valid_until
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.utils import OperationalError, ProgrammingError
from django.utils import timezone

from masterstudio.core.events import record_event
from masterstudio.core.versions import ProcessCopy, changed
from masterstudio.policy import params as engine_params
from masterstudio.policy import versions as engine_versions
from masterstudio.policy.errors import PolicyInputError
from masterstudio.policytools.models import PolicyVersion, VersionState
from masterstudio.policytools.states import VERSION_MACHINE

NOTICE_DAYS = 30
EXPIRY_CONSEQUENCES = (
    "不能开放新的申报批次",
    "不能审定新的资助或奖励",
    "不能创建有效期外年度的年度总结和考核",
    "公示期、整改期限超出有效期时予以警示；已有工作室和资金记录照常查询、导出",
)


class PolicyExpired(Exception):
    """No policy version is in force on the date asked (Art. 20); ``str(exc)`` is Chinese."""


class VersionError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------- the chain


def _version_of(row: PolicyVersion, base) -> engine_versions.Version:
    pset = engine_params.from_entries(base, row.name, row.title, row.text, row.parameters, row.effective_from)
    return engine_versions.Version(
        name=row.name,
        title=row.title,
        document=row.document or row.title,
        effective_from=row.effective_from,
        valid_until=row.valid_until,
        params=pset,
        effective_from_text=f"工作人员录入并经复核：{row.effective_from:%Y-%m-%d}",
    )


def chain() -> engine_versions.Chain:
    """The shipped versions plus every confirmed (scheduled) successor.

    Kept per process (core.versions), as ``catalog.engine.staff_facts`` is: :func:`confirm` and
    :func:`withdraw` drop the copy and move the shared ``policytools`` version when they commit; a
    version confirmed on one server is used by every server within a second."""
    return _chain.get()


def _read_chain() -> engine_versions.Chain:
    builtin = engine_versions.builtin()
    try:
        with transaction.atomic():
            rows = list(PolicyVersion.objects.filter(state=VersionState.SCHEDULED).order_by("effective_from"))
    except (OperationalError, ProgrammingError):  # before migrate (manage.py policy on a fresh checkout)
        return builtin
    if not rows:
        return builtin
    base = builtin.params_on(builtin.last().start)
    return builtin.plus(_version_of(row, base) for row in rows)


_chain = ProcessCopy("policytools", _read_chain)


def in_force(on: date) -> engine_versions.Version | None:
    return chain().in_force(on)


def _expired_message(on: date, what: str) -> str:
    current = chain()
    until = current.last_valid_until
    if until is not None and on > until:
        return (
            f"{what}：{on:%Y-%m-%d} 晚于《办法》有效期截止日 {until:%Y-%m-%d}（第20条），且尚无新版政策施行；"
            f"请先在“政策版本”中录入并确认新版政策"
        )
    return f"{what}：{on:%Y-%m-%d} 不在任何政策版本的有效期内（第20条）；请先录入并确认适用的政策版本"


def require_in_force(on: date, what: str, error: type[Exception] = PolicyExpired) -> engine_versions.Version:
    """The version in force on ``on``; raises ``error`` (the caller's own refusal, default
    ``PolicyExpired``) with a message naming Art. 20 when there is none."""
    version = in_force(on)
    if version is None:
        raise error(_expired_message(on, what))
    return version


def expiry_warning(on: date, what: str) -> str:
    """A warning naming Art. 20 when ``on`` lies outside every version, else ""."""
    return "" if in_force(on) is not None else _expired_message(on, what)


def expiry_notice(today: date | None = None) -> dict | None:
    """The countdown to the last version's end, from ``NOTICE_DAYS`` days before it (None before, and
    when a confirmed successor follows)."""
    today = today or timezone.localdate()
    current = chain()
    version = current.in_force(today)
    if version is None:
        until = current.last_valid_until
        if until is None or today <= until:
            return None
        return {
            "expired": True,
            "valid_until": until,
            "days_left": 0,
            "title": current.last().title,
            "consequences": EXPIRY_CONSEQUENCES,
        }
    end = current.end_of(version)
    successor = current.successor_of(version)
    if successor is not None and successor.start == end + timedelta(days=1):
        return None
    if end == date.max or (end - today).days > NOTICE_DAYS:
        return None
    return {
        "expired": False,
        "valid_until": end,
        "days_left": (end - today).days,
        "title": version.title,
        "consequences": EXPIRY_CONSEQUENCES,
    }


# ---------------------------------------------------------------- entering a successor


def _base():
    current = chain()
    return current.params_on(current.last().start)


def check(*, name: str, title: str, text: str, effective_from: date, parameters) -> engine_params.ParameterSet:
    """Validate a version before anything is written: every parameter given, typed, and citing a clause
    of the version's own text; its valid_until is its ``valid_until`` parameter (Art. 20 of its text)."""
    try:
        pset = engine_params.from_entries(_base(), name, title, text, parameters, effective_from)
    except PolicyInputError as exc:
        raise VersionError(exc.message, field=exc.field) from exc
    if pset.valid_until < effective_from:
        raise VersionError(
            f"有效期截止日 {pset.valid_until:%Y-%m-%d} 早于生效日期 {effective_from:%Y-%m-%d}",
            field="parameters.valid_until",
        )
    current = chain()
    for version in current.versions:
        if version.name == name:
            raise VersionError(f"已有名为“{name}”的政策版本，请换一个版本标识", field="name")
    latest = current.last()
    if effective_from <= latest.start:
        raise VersionError(
            f"生效日期应晚于现行最新版本（{latest.title}）的生效日期 {latest.start:%Y-%m-%d}", field="effective_from"
        )
    return pset


def propose(
    *, actor, name: str, title: str, document: str, text: str, effective_from: date, parameters
) -> PolicyVersion:
    """Staff enter a successor (state proposed): checked, previewed, stored; nothing governs yet."""
    if not (actor.has_duty("approver") or actor.has_duty("reviewer")):
        raise VersionError("只有承担审核或审批职责的工作人员可以录入政策版本")
    pset = check(name=name, title=title, text=text, effective_from=effective_from, parameters=parameters)
    report = preview(pset)
    with transaction.atomic():
        try:
            row = PolicyVersion.objects.create(
                name=name,
                title=title,
                document=document,
                text=text,
                effective_from=effective_from,
                valid_until=pset.valid_until,
                parameters=parameters,
                preview=report,
                proposed_by=actor,
            )
        except IntegrityError:
            raise VersionError(f"已有名为“{name}”的政策版本，请换一个版本标识", field="name") from None
        record_event(
            "policyversion.proposed",
            obj=row,
            actor=actor,
            clause="20",
            to_state=row.state,
            data={
                "effective_from": effective_from.isoformat(),
                "valid_until": pset.valid_until.isoformat(),
                "parameters": pset.version,
            },
        )
    return row


def confirm(version: PolicyVersion, *, actor) -> PolicyVersion:
    """A second staff member (an approver, not the one who entered it) confirms: from its effective date
    the version governs."""
    if not actor.has_duty("approver"):
        raise VersionError("只有承担审批职责的工作人员可以确认政策版本")
    if version.proposed_by_id == actor.pk:
        raise VersionError("录入人不能确认自己录入的政策版本（双人复核），请由另一位审批人员确认")
    current = chain()
    if version.effective_from <= current.last().start:
        raise VersionError(f"已有更晚生效的版本（{current.last().title}），该版本不能再排定施行")
    try:
        check(
            name=version.name,
            title=version.title,
            text=version.text,
            effective_from=version.effective_from,
            parameters=version.parameters,
        )
    except VersionError as exc:
        raise VersionError(f"该版本的参数已不能通过校验：{exc}") from exc
    with transaction.atomic():
        changed("policytools")
        return VERSION_MACHINE.apply(
            version,
            VersionState.SCHEDULED,
            actor=actor,
            clause="20",
            reason=f"复核确认，自 {version.effective_from:%Y-%m-%d} 起施行",
            extra_fields={"confirmed_by": actor, "confirmed_at": timezone.now()},
        )


def withdraw(version: PolicyVersion, *, actor, reason: str) -> PolicyVersion:
    if not actor.has_duty("approver"):
        raise VersionError("只有承担审批职责的工作人员可以撤回政策版本")
    with transaction.atomic():
        changed("policytools")
        return VERSION_MACHINE.apply(version, VersionState.WITHDRAWN, actor=actor, reason=reason, clause="20")


# ---------------------------------------------------------------- preview


@dataclass(frozen=True)
class Proposal:
    """What a version's preview compares: the set in force today (``base``) and the proposed one with
    its values re-dated to the base's start (``alternative``: the rules of the new text applied to
    this year's facts), with both sets' entries (``before``/``after``: name → value, citation)."""

    year: int
    base: engine_params.ParameterSet
    alternative: engine_params.ParameterSet
    before: dict
    after: dict


# name → estimate(Proposal) → dict: the preview's impact sections, contributed by the apps that hold
# the records (the what-if app: this year's applications and studios) from their AppConfig.ready().
_IMPACTS: dict[str, Callable[[Proposal], dict]] = {}


def register_impact(name: str, estimate: Callable[[Proposal], dict]) -> None:
    """Add a section ``name`` to every preview: ``estimate(proposal)``'s answer."""
    _IMPACTS[name] = estimate


def preview(pset: engine_params.ParameterSet, *, year: int | None = None) -> dict:
    """What changes under ``pset`` compared with the version in force today: its parameters, then each
    registered impact (the what-if app: this year's applications clause by clause, and this year's
    studios' amounts)."""
    today = timezone.localdate()
    year = year or today.year
    base = chain().params_on(today)
    old, new = engine_params.entries_of(base, min(today, base.valid_until)), engine_params.entries_of(pset)
    changes = [
        {
            "name": n,
            "description": base.param(n).description,
            "before": old[n]["value"],
            "after": new[n]["value"],
            "citation": new[n]["citation"],
        }
        for n in base.names()
        if old[n]["value"] != new[n]["value"]
    ]
    start = base.param("valid_until").values[0].effective_from
    proposal = Proposal(year=year, base=base, alternative=engine_params.redated(pset, start), before=old, after=new)
    report = {"year": year, "base": base.version, "alternative": pset.version, "parameter_changes": changes}
    for name, estimate in _IMPACTS.items():
        report[name] = estimate(proposal)
    return report
