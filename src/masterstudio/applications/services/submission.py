"""Submission (Art. 7–10): full validation, the pre-check, Art. 7, the materials, the receipt number
and the frozen snapshot; and the unit's withdrawal."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from masterstudio.applications import extensions
from masterstudio.applications import facts as app_facts
from masterstudio.applications.models import OPEN_STATES, Application, ApplicationSnapshot, AppState, scope_key
from masterstudio.applications.services.base import (
    SUBMIT_UNREAD,
    ApplyError,
    ensure_editable,
    locked,
    material_items,
    reviewers,
    unit_recipients,
)
from masterstudio.applications.services.drafts import apply_draft, stored_draft
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.crypto import seal_personal
from masterstudio.core.events import appended_together
from masterstudio.core.locks import serialise
from masterstudio.core.notify import notify, notify_many
from masterstudio.core.roles import Role


def _serialise_art7(leader_key: str, scope: str) -> None:
    """Submissions that could collide under Art. 7 — the same leader or the same scope (unit or
    branch and occupation) — run one after another, and each then sees the one before it; the
    others do not wait. Within one round the partial unique constraints hold Art. 7 regardless;
    this makes the check against live studios and other rounds' applications exact as well."""
    serialise(f"art7:leader:{leader_key}", f"art7:scope:{scope}")


def _art7_conflicts(application: Application, leader_key: str, scope: str) -> list[str]:
    """Art. 7 against live studios and open applications of other rounds (the round's own open
    applications are held off by the database constraints). The live studios: the Art. 7 holders
    the studios app registers (``extensions.register_art7_holders``)."""
    near = Q(leader_key=leader_key) | Q(scope_key=scope)
    found = []
    studios = set()
    for holders in extensions.art7_holders(near):
        studios |= set(holders.values_list("leader_key", "scope_key"))
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
        application = locked(application_id, unread=SUBMIT_UNREAD)
        ensure_editable(application, actor)
        draft = stored_draft(application, final=True)  # the wizard's rules, on the draft as it now stands
        if draft.errors:
            apply_draft(application, draft)
            raise ApplyError(["填报内容尚不完整或有误，请按页面上各栏的提示修改后再提交"])
        team = apply_draft(application, draft, only_changed=True)
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
                (unit_recipients(application), told, context, url),
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
    application = locked(application_id)
    if actor.role != Role.UNIT or actor.unit_id != application.unit_id:
        raise ApplyError("只有申报单位可以撤回申报")
    if (application.state, AppState.WITHDRAWN) not in APPLICATION_MACHINE.table:
        raise ApplyError(f"申报当前为“{application.get_state_display()}”，评审已结束，不能撤回")
    APPLICATION_MACHINE.apply(application, AppState.WITHDRAWN, actor=actor, reason=reason.strip())
    if application.receipt_no:
        context = {"application": application, "reason": reason}
        notify(
            unit_recipients(application),
            "application_withdrawn",
            context,
            reverse("applications:detail", args=[application.pk]),
        )
        notify(
            reviewers(), "application_withdrawn", context, reverse("applications:staff_detail", args=[application.pk])
        )
    return application
