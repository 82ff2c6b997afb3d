"""Supervision visits (督导检查, Art. 11): recorded with their files, the unit told the findings."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.assessments.models import SupervisionFile, SupervisionVisit
from masterstudio.assessments.services.base import AssessmentError, unit_users
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.core.uploads import check_upload
from masterstudio.studios.models import LIVE_STATES, Studio

SUPERVISION_TEXT_LIMIT = 2000


def record_supervision(
    studio: Studio,
    *,
    visited_on,
    inspectors: str,
    findings: str,
    follow_up: str = "",
    follow_up_due=None,
    uploads=(),
    actor,
):
    """Record a supervision visit to ``studio`` and tell its unit the findings. Refused (nothing
    written) when the actor has no business duty, the studio is revoked, the date is to come or
    before the studio was recognised, a text is missing or too long, or a file is refused."""

    if actor is None or not any(actor.has_duty(d) for d in ("reviewer", "approver")):
        raise AssessmentError("只有具有审核或审批职责的工作人员可以登记督导检查")
    if studio.state not in LIVE_STATES:
        raise AssessmentError(f"{studio.name} 已撤销，不再督导检查", field="studio")
    if visited_on is None:
        raise AssessmentError("请填写“检查日期”", field="visited_on")
    if visited_on > timezone.localdate():
        raise AssessmentError("“检查日期”不能晚于今天；尚未进行的检查请检查后再登记", field="visited_on")
    if visited_on < studio.recognized_on:
        raise AssessmentError(f"“检查日期”不能早于工作室认定日期 {studio.recognized_on:%Y-%m-%d}", field="visited_on")
    inspectors, findings, follow_up = inspectors.strip(), findings.strip(), (follow_up or "").strip()
    if not inspectors:
        raise AssessmentError("请填写“检查人员”", field="inspectors")
    if len(inspectors) > 200:
        raise AssessmentError(f"“检查人员”最多 200 个字（现有 {len(inspectors)} 个字）", field="inspectors")
    if not findings:
        raise AssessmentError("请填写“检查发现”", field="findings")
    for name, label, value in (("findings", "检查发现", findings), ("follow_up", "整改或跟进要求", follow_up)):
        if len(value) > SUPERVISION_TEXT_LIMIT:
            raise AssessmentError(f"“{label}”最多 {SUPERVISION_TEXT_LIMIT} 个字（现有 {len(value)} 个字）", field=name)
    if follow_up_due is not None and not follow_up:
        raise AssessmentError("填写了跟进期限，请同时填写“整改或跟进要求”", field="follow_up")
    if follow_up_due is not None and follow_up_due < visited_on:
        raise AssessmentError("“跟进期限”不能早于检查日期", field="follow_up_due")
    uploads = list(uploads or [])
    for upload in uploads:
        try:
            check_upload(upload, label="检查材料")
        except Exception as exc:
            raise AssessmentError(getattr(exc, "messages", [str(exc)])[0], field="files") from exc
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            studio=studio,
            visited_on=visited_on,
            inspectors=inspectors,
            findings=findings,
            follow_up=follow_up,
            follow_up_due=follow_up_due,
            recorded_by=actor,
        )
        for upload in uploads:
            SupervisionFile.objects.create(visit=visit, file=upload, original_name=upload.name)
        record_event(
            "supervision.recorded",
            obj=visit,
            actor=actor,
            clause="11",
            data={
                "studio": studio.pk,
                "visited_on": visited_on,
                "files": [u.name for u in uploads],
                "follow_up_due": follow_up_due,
            },
        )
        notify(
            unit_users(studio),
            "supervision_recorded",
            {"visit": visit, "studio": studio},
            url=reverse("assessments:supervision", args=[visit.pk]),
        )
    return visit
