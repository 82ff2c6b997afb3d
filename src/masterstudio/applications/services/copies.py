"""Starting an application, with what can be reused from the unit's last one copied in."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import Application, Material, Round, TeamMember
from masterstudio.applications.services.base import ApplyError
from masterstudio.applications.services.prechecks import store_precheck
from masterstudio.core.events import record_event
from masterstudio.core.roles import Role


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
    store_precheck(application)
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
