"""The notification outbox. Later capabilities call :func:`notify` and nothing else.

Messages are rendered from templates keyed by event (``notifications/<key>.txt``: first line is
the title, the rest the body). Rows are written in the caller's transaction; e-mail goes out after
commit, and a failed e-mail stays in the outbox (``emailed_at`` empty) for the daily command.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from masterstudio.core.models import Notification

log = logging.getLogger(__name__)


def render(key: str, context: dict[str, Any]) -> tuple[str, str]:
    text = render_to_string(f"notifications/{key}.txt", context).strip()
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


def notify(recipients: Iterable, key: str, context: dict[str, Any] | None = None, url: str = "") -> list[Notification]:
    context = dict(context or {})
    created = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        title, body = render(key, {**context, "recipient": user})
        created.append(
            Notification.objects.create(
                recipient=user, key=key, title=title, body=body, url=url, email_to=user.email or ""
            )
        )
    ids = [n.pk for n in created if n.email_to]
    if ids:
        transaction.on_commit(lambda: send_pending(ids))
    return created


def send_pending(ids: list[int] | None = None) -> int:
    """Send e-mails still in the outbox; safe to run repeatedly (rows are claimed one by one)."""
    queryset = Notification.objects.filter(emailed_at__isnull=True).exclude(email_to="")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    sent = 0
    for note in queryset.order_by("pk"):
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            send_mail(note.title, note.body + (f"\n\n{note.url}" if note.url else ""),
                      settings.DEFAULT_FROM_EMAIL, [note.email_to])
            sent += 1
        except Exception as exc:  # the mail server is outside our control: keep the row to retry
            log.warning("通知邮件发送失败 #%s: %s", note.pk, exc)
            Notification.objects.filter(pk=note.pk).update(emailed_at=None, email_error=str(exc)[:500])
    return sent
