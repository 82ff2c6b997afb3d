"""Staff steps of the applying capability: starting material review and 退回补正."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from masterstudio.applications.models import Application, AppState, SupplementRequest
from masterstudio.applications.services.base import STAFF_UNREAD, ApplyError, locked, unit_recipients
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core.notify import notify


def notify_state_change(application: Application, event) -> None:
    """A ``then`` callback for APPLICATION_MACHINE.apply: tells the unit of any change (in the same transaction)."""
    notify(
        unit_recipients(application),
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
    application = locked(application_id, unread=STAFF_UNREAD, also=also)
    if not actor.has_duty("reviewer"):
        raise ApplyError("开始材料审核需要“业务审核”职责")
    APPLICATION_MACHINE.apply(application, AppState.MATERIAL_REVIEW, actor=actor, then=[notify_state_change])
    return application


@transaction.atomic
def return_for_supplement(application_id: int, *, actor, comment: str, items: dict[str, str]) -> SupplementRequest:
    """退回补正 with a comment per item (``{"9.1.1": "证书复印件不清晰", "team": "…"}``)."""
    application = locked(application_id)
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
        unit_recipients(application),
        "application_supplement",
        {"application": application, "request": request},
        reverse("applications:detail", args=[application.pk]),
    )
    return request
