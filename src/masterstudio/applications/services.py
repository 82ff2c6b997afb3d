"""Writes of the applying capability (Art. 7–10): rounds, drafts, materials, submission,
withdrawal and supplement. Every state change goes through APPLICATION_MACHINE.apply."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.applications import facts as app_facts
from masterstudio.applications.forms import ApplicationForm
from masterstudio.applications.models import (
    OPEN_STATES,
    Application,
    ApplicationSnapshot,
    AppState,
    Material,
    Round,
    SupplementRequest,
    TeamMember,
    scope_key,
)
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.crypto import seal_personal
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.notify import notify, notify_many
from masterstudio.core.uploads import check_upload
from masterstudio.policytools.versions import require_in_force
from masterstudio.units.models import Person

EDITABLE_STATES = (AppState.DRAFT, AppState.SUPPLEMENT)

# Evidence for the unit's conditions (Art. 4); Art. 9 items come from the engine's answer.
EVIDENCE_ITEMS = {
    "4.1": "依法经营证明（营业执照等）",
    "4.2": "技能人才梯队情况",
    "4.3": "技能人才培养、评价、选拔、使用和激励制度",
    "4.4": "资金支持、场所设备及工作室管理制度证明",
}
SECTION_ITEMS = {
    "scope": "申报主体",
    "leader": "领办人信息",
    "occupation": "职业（工种）与技能等级",
    "team": "团队成员",
    "conditions": "单位条件（第4条）",
}


class ApplyError(Exception):
    """A refused action; ``messages`` are Chinese, each saying what to fix."""

    def __init__(self, messages: str | Iterable[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("；".join(self.messages))


# ---------------------------------------------------------------- rounds


@transaction.atomic
def save_round(form, *, actor) -> Round:
    creating = form.instance.pk is None
    round_ = form.save(commit=False)
    require_in_force(timezone.localdate(round_.closes_at), "申报批次截止日", ApplyError)  # Art. 20: no round opens
    if creating:
        round_.created_by = actor
    round_.save()
    record_event(
        "round.created" if creating else "round.updated",
        obj=round_,
        actor=actor,
        clause="8",
        data={
            "opens_at": round_.opens_at.isoformat(),
            "closes_at": round_.closes_at.isoformat(),
            "policy_version": round_.policy_version,
        },
    )
    return round_


# ---------------------------------------------------------------- the draft


def draft_querydict(application: Application) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in (application.draft or {}).items():
        data.setlist(key, values if isinstance(values, list) else [values])
    return data


def material_items(application: Application) -> list[dict]:
    """The items a unit uploads for: Art. 4 evidence, then the Art. 9 items of the route chosen
    in the wizard, as the engine lists them."""
    from masterstudio.policy.eligibility import required_materials

    items = [{"clause": k, "title": v, "required": False, "note": ""} for k, v in EVIDENCE_ITEMS.items()]
    direct = bool((application.precheck or {}).get("direct_recognition"))
    items += [
        {"clause": m["clause"], "title": m["title"], "required": True, "note": m.get("note", "")}
        for m in required_materials(application.route, direct)
    ]
    return items


def _store_precheck(application: Application) -> dict:
    """Ask the engine about the application as it stands and store its answer."""
    _engine_input, result = app_facts.precheck(application)
    application.precheck = result
    application.precheck_outcome = result.get("outcome", "")
    Application.objects.filter(pk=application.pk).update(precheck=result, precheck_outcome=application.precheck_outcome)
    return result


_FORM_FIELDS = ["facts", "branch", "leader", "route", "occupation_code", "occupation_name"]


def _form_values(application: Application) -> dict:
    """What the wizard's form sets on the application (relations by id)."""
    return {name: getattr(application, Application._meta.get_field(name).attname) for name in _FORM_FIELDS}


def _apply_form(application: Application, form: ApplicationForm, *, only_changed: bool = False) -> list | None:
    """Copy the valid part of the form onto the application (invalid fields keep old values).
    Returns the team (people, in order) as it now stands, or None when the team field was not
    valid (the team kept is then whatever is saved). ``only_changed``: write only what differs from
    the application as loaded (at submission the draft is usually saved already)."""
    data = form.cleaned_data
    before = _form_values(application)
    previous = application.facts or {}
    declared = form.declared_facts()
    for name in declared:
        if name in form.errors and name in previous:
            declared[name] = previous[name]
    application.facts = {**previous, **declared}
    if "scope" not in form.errors:
        scope = data.get("scope") or "head"
        application.branch = form.branches.get(scope) if scope != "head" else None
    if "leader" not in form.errors:
        application.leader = data.get("leader")
    if "route" not in form.errors and data.get("route"):
        application.route = data["route"]
    if not {"occupation_code", "occupation_name", "route"} & set(form.errors):
        application.occupation_code = data.get("occupation_code") or ""
        application.occupation_name = (data.get("occupation_name") or "").strip()
    if only_changed:
        after = _form_values(application)
        changed = [name for name in _FORM_FIELDS if after[name] != before[name]]
        if changed:
            application.save(update_fields=[*changed, "updated_at"])
    else:
        application.save(update_fields=[*_FORM_FIELDS, "draft", "updated_at"])
    if "team" in form.errors:
        return None
    team = list(data.get("team", []))
    saved = (
        list(
            TeamMember.objects.filter(application=application).order_by("position").values_list("person_id", flat=True)
        )
        if only_changed
        else None
    )
    if saved != [p.pk for p in team]:
        TeamMember.objects.filter(application=application).delete()
        TeamMember.objects.bulk_create(
            [TeamMember(application=application, person=p, position=i) for i, p in enumerate(team)]
        )
    return team


# What a staff step on a submitted application never reads: the wizard's draft and copy report,
# the stored pre-check (review asks the engine again) and the round's guide; left unread (a read
# would still fetch them) they spare the lock decoding the widest columns.
STAFF_UNREAD = ("draft", "copy_report", "precheck", "round__guide")
_SUBMIT_UNREAD = ("copy_report", "precheck", "round__guide")  # submission asks the engine again


def _locked(application_id: int, *, unread: tuple[str, ...] = (), also: tuple[str, ...] = ()) -> Application:
    """The application's row, locked for this transaction (only that row: a FOR UPDATE over a
    join would also lock the round and the unit in an order that can deadlock). ``also``: further
    related rows read in the same query (not locked)."""
    rows = Application.objects.select_for_update(of=("self",)).select_related(
        "round", "unit", "leader", "branch", *also
    )
    return (rows.defer(*unread) if unread else rows).get(pk=application_id)


def _serialise_art7(leader_key: str, scope: str) -> None:
    """Submissions that could collide under Art. 7 — the same leader or the same scope (unit or
    branch and occupation) — run one after another, and each then sees the one before it; the
    others do not wait. Within one round the partial unique constraints hold Art. 7 regardless;
    this makes the check against live studios and other rounds' applications exact as well."""
    from masterstudio.core.locks import serialise

    serialise(f"art7:leader:{leader_key}", f"art7:scope:{scope}")


def _editable(application: Application, actor) -> None:
    if actor.role != Role.UNIT or actor.unit_id != application.unit_id:
        raise ApplyError("申报由单位账号填报")
    if application.state not in EDITABLE_STATES:
        raise ApplyError(f"申报当前为“{application.get_state_display()}”，内容已冻结，不能修改")
    if application.state == AppState.DRAFT and not application.round.is_open():
        raise ApplyError(
            f"申报批次“{application.round.title}”已于 "
            f"{timezone.localtime(application.round.closes_at):%Y-%m-%d %H:%M} 截止，不能再填报（第8条）"
        )


def _sequence(value) -> int:
    value = value[0] if isinstance(value, list) and value else value
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _stale_autosave(application: Application, post: QueryDict) -> bool:
    """The wizard numbers its autosaves (``autosave_seq``, rising in the browser). The requests of
    quick changes run side by side and may commit out of order; one older than the draft's last is
    dropped, so an earlier state never overwrites a later one. The no-script "保存草稿" sends none."""
    seq = _sequence(post.get("autosave_seq"))
    return bool(seq) and seq < _sequence((application.draft or {}).get("autosave_seq"))


def save_draft(application_id: int, post: QueryDict, *, actor) -> tuple[Application, ApplicationForm]:
    """Autosave: keep everything as typed, apply the valid part, re-run the pre-check."""
    with transaction.atomic():
        application = _locked(application_id)
        _editable(application, actor)
        if _stale_autosave(application, post):  # an earlier keystroke's request, answered after a later one
            form = ApplicationForm(draft_querydict(application), unit=application.unit)
            form.is_valid()
            return application, form
        application.draft = {k: v for k, v in post.lists() if k != "csrfmiddlewaretoken"}
        form = ApplicationForm(post, unit=application.unit)
        form.is_valid()
        _apply_form(application, form)
        _store_precheck(application)
    return application, form


@transaction.atomic
def add_person(form, *, application: Application, actor) -> Person:
    _editable(application, actor)
    data = form.cleaned_data
    person = Person.objects.create(
        unit=application.unit,
        name=data["name"].strip(),
        id_number=data["id_number"],
        original_retirement_age=data.get("original_retirement_age"),
        position=data.get("position", ""),
        formal_employee=data.get("formal_employee", False),
        frontline=data.get("frontline", False),
    )
    record_event("person.created", obj=person, actor=actor, data={"from": f"application:{application.pk}"})
    return person


# ---------------------------------------------------------------- starting, with reuse


def _still_valid(material: Material) -> tuple[bool, str]:
    flagged = [
        r
        for r in material.application.supplement_requests.all()
        if r.created_at > material.uploaded_at and any(i.get("item") == material.item for i in r.items)
    ]
    if flagged:
        return False, "社会事业局曾要求补正此项，请重新上传"
    if not material.file.storage.exists(material.file.name):
        return False, "原文件已不存在"
    return True, ""


@transaction.atomic
def start_application(*, unit, round_: Round, actor) -> Application:
    if actor.role != Role.UNIT or actor.unit_id != unit.pk:
        raise ApplyError("申报由单位账号填报")
    if unit.status != "approved":
        raise ApplyError("单位注册尚未通过审核，审核通过后才能申报")
    if not round_.is_open():
        raise ApplyError(
            f"申报批次“{round_.title}”不在申报时间内（"
            f"{timezone.localtime(round_.opens_at):%Y-%m-%d %H:%M} 至 "
            f"{timezone.localtime(round_.closes_at):%Y-%m-%d %H:%M}，第8条）"
        )
    last = (
        Application.objects.filter(unit=unit).exclude(draft={}).select_related("round").order_by("-created_at").first()
    )
    application = Application.objects.create(round=round_, unit=unit, created_by=actor)
    if last is not None:
        _copy_from(application, last)
    record_event(
        "application.created", obj=application, actor=actor, clause="8", data={"copied_from": last.pk if last else None}
    )
    _store_precheck(application)
    return application


def _copy_from(application: Application, last: Application) -> None:
    team = [m.person for m in last.team_members.select_related("person") if m.person.employed]
    application.draft = dict(last.draft)
    if team or last.draft.get("team"):
        application.draft["team"] = [str(p.pk) for p in team]
    application.facts = dict(last.facts)
    application.leader = last.leader if last.leader_id and last.leader.employed else None
    if application.leader is None:
        application.draft.pop("leader", None)
    application.branch, application.route = last.branch, last.route
    application.occupation_code, application.occupation_name = last.occupation_code, last.occupation_name
    application.copied_from = last
    TeamMember.objects.bulk_create(
        [TeamMember(application=application, person=p, position=i) for i, p in enumerate(team)]
    )
    copied, skipped = [], []
    for material in last.materials.filter(removed_at__isnull=True).prefetch_related("application__supplement_requests"):
        ok, why = _still_valid(material)
        if not ok:
            skipped.append({"item": material.item, "name": material.original_name, "why": why})
            continue
        Material.objects.create(
            application=application,
            item=material.item,
            original_name=material.original_name,
            token=uuid.uuid4().hex,
            file=material.file.name,
            kind=material.kind,
            size=material.size,
            sha256=material.sha256,
            uploaded_by=material.uploaded_by,
            copied_from=material,
        )
        copied.append({"item": material.item, "name": material.original_name})
    facts_copied = ["申报主体", "职业（工种）", "技能等级与证书", "直接认定荣誉", "一线工作年限", "单位条件及说明"]
    if application.leader:
        facts_copied.insert(1, f"领办人（{application.leader.name}）")
    if team:
        facts_copied.append(f"团队成员 {len(team)} 人")
    application.copy_report = {
        "from_id": last.pk,
        "from_label": last.receipt_no or f"{last.round.title}草稿",
        "facts": facts_copied,
        "materials": copied,
        "skipped": skipped,
    }
    application.save()


# ---------------------------------------------------------------- materials


def upload_materials(application_id: int, item: str, uploads, *, actor) -> tuple[list[Material], list[str]]:
    """Store each valid file; a bad file is refused with its reason and does not stop the rest."""
    errors, stored = [], []
    with transaction.atomic():
        application = _locked(application_id)
        _editable(application, actor)
        if item not in {i["clause"] for i in material_items(application)}:
            raise ApplyError("材料项不存在，请刷新页面后重试")
        if not uploads:
            raise ApplyError("请选择要上传的文件")
        held = Material.objects.filter(application=application, item=item, removed_at__isnull=True).count()
        cap = settings.MATERIAL_MAX_FILES_PER_ITEM
        if held + len(uploads) > cap:
            raise ApplyError(
                f"每个材料项最多 {cap} 个文件：该项已有 {held} 个，本次选择了 {len(uploads)} 个。"
                "请删除不需要的文件，或把多页材料合并为一个 PDF 后上传"
            )
        for upload in uploads:
            try:
                kind, digest = check_upload(upload)
            except Exception as exc:  # ValidationError: report and go on with the next file
                errors.append(" ".join(getattr(exc, "messages", [str(exc)])))
                continue
            material = Material(
                application=application,
                item=item,
                original_name=upload.name[:255],
                token=uuid.uuid4().hex,
                kind=kind,
                size=upload.size,
                sha256=digest,
                uploaded_by=actor,
            )
            material.file.save(f"{material.token}.{kind}", upload, save=False)
            material.save()
            stored.append(material)
            record_event(
                "material.uploaded",
                obj=application,
                actor=actor,
                clause=item,
                data={"material": material.pk, "name": material.original_name, "sha256": digest},
            )
    return stored, errors


@transaction.atomic
def remove_material(material_id: int, *, actor) -> Material:
    material = Material.objects.get(pk=material_id)
    application = _locked(material.application_id)
    _editable(application, actor)
    if material.removed_at is None:
        Material.objects.filter(pk=material.pk).update(removed_at=timezone.now())
        record_event(
            "material.removed",
            obj=application,
            actor=actor,
            clause=material.item,
            data={"material": material.pk, "name": material.original_name},
        )
    return material


# ---------------------------------------------------------------- submission


def unit_accounts(application: Application):
    """The unit's active unit accounts (a query: notices that do not address their recipient are
    written from it without reading it first)."""
    from masterstudio.accounts.models import User

    return User.objects.filter(unit_id=application.unit_id, is_active=True, role=Role.UNIT)


def reviewers():
    from masterstudio.accounts.models import User

    return User.staff_with("reviewer")


def _art7_conflicts(application: Application, leader_key: str, scope: str) -> list[str]:
    """Art. 7 against live studios and open applications of other rounds (the round's own open
    applications are held off by the database constraints)."""
    from django.db.models import Q

    from masterstudio.studios.models import LIVE_STATES, Studio

    near = Q(leader_key=leader_key) | Q(scope_key=scope)
    found = []
    studios = set(Studio.objects.filter(near, state__in=LIVE_STATES).values_list("leader_key", "scope_key"))
    if any(key == leader_key for key, _ in studios):
        found.append("第7条：该领办人已领办一个经开区技能大师工作室，同一领办人只能领办一个工作室")
    if any(key == scope for _, key in studios):
        found.append("第7条：本单位（分厂/分公司）该职业已建立工作室，相同职业只能建立一个工作室")
    others = set(
        Application.objects.filter(near, state__in=OPEN_STATES)
        .exclude(round=application.round)
        .exclude(pk=application.pk)
        .values_list("leader_key", "scope_key")
    )
    if any(key == leader_key for key, _ in others):
        found.append("第7条：该领办人已有另一批次的申报正在办理，同一领办人只能领办一个工作室")
    if any(key == scope for _, key in others):
        found.append("第7条：本单位（分厂/分公司）该职业已有另一批次的申报正在办理")
    return found


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc)
    if "leader" in text:
        return "第7条：本批次已有该领办人的申报（可能刚由他人提交），同一领办人只能领办一个工作室"
    if "scope" in text:
        return "第7条：本批次已有本单位（分厂/分公司）相同职业的申报（可能刚由他人提交），相同职业只能建立一个工作室"
    raise exc


def submit(application_id: int, *, actor) -> ApplicationSnapshot:
    """Submit (or resubmit after 退回补正): full validation, the pre-check, Art. 7, the materials,
    then the state change, the receipt number and the frozen snapshot, in one transaction."""
    with transaction.atomic(), appended_together():
        application = _locked(application_id, unread=_SUBMIT_UNREAD)
        _editable(application, actor)
        form = ApplicationForm(draft_querydict(application), unit=application.unit, final=True)
        if not form.is_valid():
            _apply_form(application, form)
            raise ApplyError(["填报内容尚不完整或有误，请按页面上各栏的提示修改后再提交"])
        team = _apply_form(application, form, only_changed=True)
        # the pre-check of the application as submitted, stored with the state change below
        engine_input, result = app_facts.precheck(application, team=team)
        application.precheck, application.precheck_outcome = result, result.get("outcome", "")
        blockers = app_facts.submission_blockers(result)
        current = list(application.materials.filter(removed_at__isnull=True))
        active = {m.item for m in current}
        for item in material_items(application):
            if item["required"] and item["clause"] not in active:
                blockers.append(f"第{item['clause']}条：请上传“{item['title']}”")
        leader_key = application.leader.id_index
        scope = scope_key(
            application.unit_id, application.branch_id, application.occupation_code, application.occupation_name
        )
        _serialise_art7(leader_key, scope)
        blockers += _art7_conflicts(application, leader_key, scope)
        if blockers:
            raise ApplyError(blockers)
        resubmission = application.state == AppState.SUPPLEMENT
        receipt = application.receipt_no or f"JK{application.round.year}-{application.pk:06d}"
        version = application.version + 1
        now = timezone.now()
        try:
            APPLICATION_MACHINE.apply(
                application,
                AppState.SUBMITTED,
                actor=actor,
                data={"receipt_no": receipt, "version": version, "outcome": application.precheck_outcome},
                extra_fields={
                    "leader_key": leader_key,
                    "scope_key": scope,
                    "receipt_no": receipt,
                    "version": version,
                    "submitted_at": now,
                    "precheck": application.precheck,
                    "precheck_outcome": application.precheck_outcome,
                },
            )
        except IntegrityError as exc:
            raise ApplyError(_integrity_message(exc)) from None
        # engine_input: what the pre-check above asked, which nothing since has changed
        materials = [
            {"id": m.pk, "item": m.item, "name": m.original_name, "kind": m.kind, "size": m.size, "sha256": m.sha256}
            for m in current
        ]
        snapshot = ApplicationSnapshot.objects.create(
            application=application,
            version=version,
            receipt_no=receipt,
            facts=_snapshot_facts(application, team),
            engine_input=seal_personal(engine_input),
            precheck=application.precheck,
            materials=materials,
            created_by=actor,
        )
        if resubmission:
            application.supplement_requests.filter(resolved_at__isnull=True).update(resolved_at=now)
        url = reverse("applications:detail", args=[application.pk])
        context = {"application": application, "receipt_no": receipt, "version": version}
        told = "application_resubmitted" if resubmission else "application_submitted"
        notify_many(
            [
                (unit_accounts(application), told, context, url),
                (
                    reviewers(),
                    "application_received",
                    context,
                    reverse("applications:staff_detail", args=[application.pk]),
                ),
            ]
        )
    return snapshot


def _snapshot_facts(application: Application, team: list | None = None) -> dict:
    """The facts frozen at submission; ``team``: the team's people in order, when already loaded."""
    leader = application.leader
    if team is None:
        team = [m.person for m in application.team_members.select_related("person")]
    return {
        **application.facts,
        "unit": {"name": application.unit.name, "credit_code": application.unit.credit_code},
        "branch": application.branch.name if application.branch_id else None,
        "leader": {"id": leader.pk, "name": leader.name, "masked_id_number": leader.masked_id_number}
        if leader
        else None,
        "occupation_code": application.occupation_code,
        "occupation_name": application.occupation_name,
        "route": application.route,
        "team": [{"id": p.pk, "name": p.name, "formal_employee": p.formal_employee} for p in team],
    }


@transaction.atomic
def withdraw(application_id: int, *, actor, reason: str = "") -> Application:
    application = _locked(application_id)
    if actor.role != Role.UNIT or actor.unit_id != application.unit_id:
        raise ApplyError("只有申报单位可以撤回申报")
    if (application.state, AppState.WITHDRAWN) not in APPLICATION_MACHINE.table:
        raise ApplyError(f"申报当前为“{application.get_state_display()}”，评审已结束，不能撤回")
    APPLICATION_MACHINE.apply(application, AppState.WITHDRAWN, actor=actor, reason=reason.strip())
    if application.receipt_no:
        context = {"application": application, "reason": reason}
        notify(
            unit_accounts(application),
            "application_withdrawn",
            context,
            reverse("applications:detail", args=[application.pk]),
        )
        notify(
            reviewers(), "application_withdrawn", context, reverse("applications:staff_detail", args=[application.pk])
        )
    return application


# ---------------------------------------------------------------- staff


def notify_state_change(application: Application, event) -> None:
    """A ``then`` callback for APPLICATION_MACHINE.apply: tells the unit of any change (in the same transaction)."""
    notify(
        unit_accounts(application),
        "application_state_changed",
        {"application": application, "event": event, "state": application.get_state_display()},
        reverse("applications:detail", args=[application.pk]),
    )


@transaction.atomic
def start_material_review(application_id: int, *, actor) -> Application:
    return start_material_review_within(application_id, actor=actor)


def start_material_review_within(application_id: int, *, actor, also: tuple[str, ...] = ()) -> Application:
    """:func:`start_material_review` inside the caller's transaction (which must be open); ``also``:
    related rows the caller reads next, read with the application."""
    application = _locked(application_id, unread=STAFF_UNREAD, also=also)
    if not actor.has_duty("reviewer"):
        raise ApplyError("开始材料审核需要“业务审核”职责")
    APPLICATION_MACHINE.apply(application, AppState.MATERIAL_REVIEW, actor=actor, then=[notify_state_change])
    return application


@transaction.atomic
def return_for_supplement(application_id: int, *, actor, comment: str, items: dict[str, str]) -> SupplementRequest:
    """退回补正 with a comment per item (``{"9.1.1": "证书复印件不清晰", "team": "…"}``)."""
    application = _locked(application_id)
    if not actor.has_duty("reviewer"):
        raise ApplyError("退回补正需要“业务审核”职责")
    listed = [{"item": k, "comment": v.strip()} for k, v in items.items() if v and v.strip()]
    if not listed:
        raise ApplyError("请至少对一项写明需要补正的内容")
    reason = comment.strip() or "；".join(f"{i['item']}：{i['comment']}" for i in listed)
    APPLICATION_MACHINE.apply(application, AppState.SUPPLEMENT, actor=actor, reason=reason, data={"items": listed})
    request = SupplementRequest.objects.create(
        application=application, version=application.version, comment=comment.strip(), items=listed, created_by=actor
    )
    notify(
        unit_accounts(application),
        "application_supplement",
        {"application": application, "request": request},
        reverse("applications:detail", args=[application.pk]),
    )
    return request


def settings_max_mb() -> int:
    from django.conf import settings

    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)
