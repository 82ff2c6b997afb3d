"""The site inspection: a visit scheduled, its record (the checklist, the findings, the result that
concludes the inspection) and its photos."""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.applications.models import Application, AppState
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.events import appended_together, record_event
from masterstudio.core.notify import notify
from masterstudio.core.uploads import PHOTO_KINDS, check_upload
from masterstudio.reviews.models import SitePhoto, SiteVisit
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.notifying import notify_unit, unit_recipients


def schedule_visit(application: Application, *, scheduled_on: date, people: str, contact: str, actor) -> SiteVisit:
    if application.state != AppState.SITE_INSPECTION:
        raise ReviewError("只有处于“实地考察”阶段的申报才能安排考察")
    if not people.strip():
        raise ReviewError("请填写考察人员")
    with transaction.atomic(), appended_together():
        visit = SiteVisit.objects.create(
            application=application,
            scheduled_on=scheduled_on,
            people=people.strip(),
            contact=contact.strip(),
            scheduled_by=actor,
        )
        record_event(
            "visit.scheduled",
            obj=application,
            actor=actor,
            clause="10",
            data={"visit": visit.pk, "date": scheduled_on.isoformat(), "people": visit.people},
        )
        notify(
            unit_recipients(application),
            "visit_scheduled",
            {"application": application, "visit": visit},
            url=reverse("applications:detail", args=[application.pk]),
        )
    return visit


def record_visit(visit: SiteVisit, *, checks: dict[str, str], findings: str, result: str, actor) -> SiteVisit:
    """Record what the visit found. A result of pass/fail concludes the site inspection."""
    application = visit.application
    if application.state != AppState.SITE_INSPECTION:
        raise ReviewError("实地考察阶段已结束，考察记录不能再修改")
    if result and not findings.strip():
        raise ReviewError("作出考察结论前请填写考察发现")
    if result and any(not checks.get(key) for key, _ in SiteVisit.CHECKS):
        raise ReviewError("作出考察结论前请逐项填写考察清单")
    if result and result not in ("pass", "fail"):
        raise ReviewError("考察结论只能是通过或不通过")
    with transaction.atomic(), appended_together():
        for key, _ in SiteVisit.CHECKS:
            setattr(visit, key, checks.get(key, ""))
        visit.findings, visit.result = findings.strip(), result
        visit.completed_by, visit.completed_at = actor, timezone.now()
        visit.save()
        record_event(
            "visit.recorded",
            obj=application,
            actor=actor,
            clause="10",
            data={"visit": visit.pk, "checks": checks, "result": result},
        )
        if result == "pass":
            APPLICATION_MACHINE.apply(
                application,
                AppState.EXPERT_REVIEW,
                actor=actor,
                reason=visit.findings,
                then=[notify_unit("application_site_passed")],
            )
        elif result == "fail":
            APPLICATION_MACHINE.apply(
                application,
                AppState.REJECTED,
                actor=actor,
                reason=f"实地考察不通过：{visit.findings}",
                then=[notify_unit("application_rejected")],
            )
    return visit


def add_photo(visit: SiteVisit, upload, *, caption: str, actor) -> SitePhoto:
    kind, _ = check_upload(upload, kinds=PHOTO_KINDS, label="考察照片")
    with transaction.atomic():
        photo = SitePhoto(
            visit=visit, token=secrets.token_hex(16), kind=kind, caption=caption.strip()[:200], uploaded_by=actor
        )
        photo.file.save(f"{photo.token}.{kind}", upload, save=False)
        photo.save()
        record_event(
            "visit.photo", obj=visit.application, actor=actor, clause="10", data={"visit": visit.pk, "photo": photo.pk}
        )
    return photo
