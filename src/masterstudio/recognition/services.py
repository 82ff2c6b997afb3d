"""The award (Art. 10, Art. 14): recognition creates the studio with its title and nameplate
number and the initial grant, exactly once.

The caller (the notices app) says why it holds an application back — its notice period not over,
an objection open — as a value (``held``); recognition refuses with its own reasons first (already
recognised, not on notice), then with the caller's, and returns what it recognised and what it
refused. Marking the notice's entries is the caller's business."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.applications.models import Application, AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event, record_events
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify, notify_many
from masterstudio.core.transitions import TransitionError
from masterstudio.funding.services import FundingError, award_grant, award_initial_grants
from masterstudio.recognition.nameplates import TITLE, hold_nameplates, nameplate, next_number, studio_name
from masterstudio.reviews.services.notifying import unit_recipients
from masterstudio.studios.models import LIVE_STATES, Studio


class AwardError(Exception):
    """A refused recognition; ``str(exc)`` says in Chinese why."""


class Contended(Exception):
    """:func:`recognise_many` met a studio written meanwhile by another recognition (a unique
    constraint): nothing of the batch was kept; recognise its applications one by one."""


_ALREADY = "该申报已于 {:%Y-%m-%d} 认定为工作室（铭牌编号 {}），不能重复认定"
_LEADER_TAKEN = "该领办人已领办一个经开区技能大师工作室（第7条），不能再认定"
_SCOPE_TAKEN = "同一单位（分厂/分公司）相同职业已有工作室（第7条），不能再认定"
_REASON = "公示期满无异议，授予称号和铭牌"


def _refusal(app: Application, existing: Studio | None, held: str | None) -> str | None:
    """Why the locked application ``app`` may not be recognised now (None when it may), given its
    studio if one exists and the caller's reason for holding it back."""
    if existing is not None:
        return _ALREADY.format(existing.recognized_on, existing.nameplate_no)
    if app.state != AppState.ON_NOTICE:
        return f"申报当前状态为“{app.get_state_display()}”，只有公示期满且无异议的申报才能认定"
    return held


def _new_studio(app: Application, on: date, nameplate_no: str) -> Studio:
    return Studio(
        application=app,
        unit=app.unit,
        branch=app.branch,
        leader=app.leader,
        occupation_code=app.occupation_code,
        occupation_name=app.occupation_name,
        name=studio_name(app),
        title=TITLE,
        nameplate_no=nameplate_no,
        recognized_on=on,
        leader_key=app.leader_key,
        scope_key=app.scope_key,
    )


def _recognised_event(studio: Studio, grant, app: Application, on: date, actor) -> dict:
    return dict(
        action="studio.recognised",
        obj=studio,
        actor=actor,
        clause="10",
        to_state=studio.state,
        reason="公示期满无异议，授予“经开区技能大师工作室”称号和铭牌",
        data={
            "application": app.pk,
            "nameplate_no": studio.nameplate_no,
            "recognized_on": on.isoformat(),
            "grant": grant.pk,
            "amount": str(grant.amount),
            "grant_clause": grant.clause,
        },
    )


def _grant_basis(studio: Studio) -> str:
    return f"首次认定为{TITLE}（第14条），铭牌编号 {studio.nameplate_no}"


def _certificate_url(studio: Studio) -> str:
    return reverse("studios:certificate", args=[studio.pk])


def recognise(application: Application, actor=None, *, now: datetime | None = None, held: str | None = None) -> Studio:
    """Recognise an application on notice: the application becomes 已认定, the Studio is created
    with title 经开区技能大师工作室 and the next nameplate number, and the Art. 14 initial grant is
    approved through the funding service. All of it in one transaction (the caller's, when it has
    one); a second call is refused and pays nothing. ``held``: why the caller holds the application
    back (its notice), refused with after recognition's own reasons; None when it does not."""
    now = now or timezone.now()
    on: date = timezone.localdate(now)
    with transaction.atomic(), appended_together():
        app = lock_row(Application, application.pk, related=("unit", "leader", "branch"))
        refusal = _refusal(app, Studio.objects.filter(application=app).first(), held)
        if refusal:
            raise AwardError(refusal)
        try:
            APPLICATION_MACHINE.apply(app, AppState.RECOGNISED, actor=actor, reason=_REASON)
        except TransitionError as exc:
            raise AwardError(str(exc)) from exc
        hold_nameplates(on.year)
        studio = None
        for _ in range(5):  # two recognitions at once may reach for the same number: take the next
            try:
                with transaction.atomic():
                    studio = _new_studio(app, on, nameplate(on.year, next_number(on.year)))
                    studio.save()
                break
            except IntegrityError as exc:
                if Studio.objects.filter(application=app).exists():
                    raise AwardError("该申报已被认定，不能重复认定") from exc
                if Studio.objects.filter(leader_key=app.leader_key, state__in=["active", "rectification"]).exists():
                    raise AwardError(_LEADER_TAKEN) from exc
                if Studio.objects.filter(scope_key=app.scope_key, state__in=["active", "rectification"]).exists():
                    raise AwardError(_SCOPE_TAKEN) from exc
        if studio is None:
            raise AwardError("铭牌编号分配冲突，请稍后重试")
        try:
            grant = award_grant(studio, "initial", on=on, actor=actor, basis=_grant_basis(studio))
        except FundingError as exc:
            raise AwardError(str(exc)) from exc
        record_event(**_recognised_event(studio, grant, app, on, actor))
        notify(
            unit_recipients(app),
            "application_recognised",
            {"application": app, "studio": studio, "grant": grant},
            url=_certificate_url(studio),
        )
    return studio


def recognise_many(
    applications: list[Application],
    actor=None,
    *,
    now: datetime | None = None,
    held: Mapping[int, str | None] | None = None,
) -> tuple[list[Studio], dict[int, str]]:
    """:func:`recognise` for several applications at once (the entries of a notice whose period
    is over), in one transaction: the same checks, rows, events and notices, written together
    (the events grouped by kind: the applications, the studios' grants, the studios). ``held``:
    the caller's reason for holding back each application (by id; None or absent: none). Returns
    the studios, in the order given, and why each other application was not recognised (by id),
    with the message :func:`recognise` would give. The nameplates are numbered in the order given.
    Raises :class:`Contended` (and keeps nothing) when another recognition wrote a colliding
    studio meanwhile; :class:`AwardError` (keeping nothing) when the engine refuses the initial
    grant, which it then refuses to every studio of that day."""
    now = now or timezone.now()
    on: date = timezone.localdate(now)
    held = held or {}
    ids = list(dict.fromkeys(a.pk for a in applications))
    refused: dict[int, str] = {}
    with transaction.atomic(), appended_together():
        locked = {
            a.pk: a
            for a in Application.objects.select_for_update(of=("self",))
            .select_related("unit", "leader", "branch")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        existing = {s.application_id: s for s in Studio.objects.filter(application_id__in=ids)}
        ready = []
        for pk in ids:
            refusal = _refusal(locked[pk], existing.get(pk), held.get(pk))
            if refusal:
                refused[pk] = refusal
            else:
                ready.append(locked[pk])
        taken = Studio.objects.filter(
            Q(leader_key__in=[a.leader_key for a in ready]) | Q(scope_key__in=[a.scope_key for a in ready]),
            state__in=LIVE_STATES,
        ).values_list("leader_key", "scope_key")
        leaders, scopes = {k for k, _ in taken}, {k for _, k in taken}
        apps = []
        for app in ready:  # Art. 7 against the live studios and the batch itself
            if app.leader_key in leaders:
                refused[app.pk] = _LEADER_TAKEN
            elif app.scope_key in scopes:
                refused[app.pk] = _SCOPE_TAKEN
            else:
                leaders.add(app.leader_key)
                scopes.add(app.scope_key)
                apps.append(app)
        if not apps:
            return [], refused
        APPLICATION_MACHINE.apply_many(apps, AppState.RECOGNISED, actor=actor, reason=_REASON)
        hold_nameplates(on.year)
        first = next_number(on.year)
        studios = [_new_studio(app, on, nameplate(on.year, first + k)) for k, app in enumerate(apps)]
        try:
            with transaction.atomic():
                Studio.objects.bulk_create(studios)
        except IntegrityError as exc:
            raise Contended(str(exc)) from exc
        try:
            grants = award_initial_grants(studios, on=on, actor=actor, basis=_grant_basis)
        except FundingError as exc:
            raise AwardError(str(exc)) from exc
        recognised = list(zip(studios, grants, apps, strict=True))
        record_events(_recognised_event(studio, grant, app, on, actor) for studio, grant, app in recognised)
        accounts = User.unit_recipients_by_unit({app.unit_id for app in apps})
        notify_many(
            [
                (
                    accounts.get(app.unit_id, []),
                    "application_recognised",
                    {"application": app, "studio": studio, "grant": grant},
                    _certificate_url(studio),
                )
                for studio, grant, app in recognised
            ]
        )
    return studios, refused
