"""The notification outbox. Later capabilities call :func:`notify` and nothing else.

Messages are rendered from templates keyed by event (``notifications/<key>.txt``: first line is
the title, the rest the body). Rows are written in the caller's transaction (one insert per call).
Who sends the e-mail is ``settings.EMAIL_DELIVERY``: ``after_commit`` (demo, tests) sends it right
after commit — every message of one transaction together, claimed with one statement; ``worker``
(production) only writes the rows and ``manage.py mail_worker`` sends them (:func:`send_fresh`), so
no request waits for the SMTP relay. Either way a row is claimed before its e-mail goes out, so two
senders never send it twice, and a failed e-mail stays in the outbox (``emailed_at`` empty, the
error in ``email_error``) for the daily command's :func:`send_pending`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from masterstudio.core.models import Notification
from masterstudio.core.oncommit import transaction_callback

log = logging.getLogger(__name__)

CLAIM_CHUNK = 500
WORKER_BATCH = 100  # the mail worker's batch: a stop (SIGTERM) waits for at most this many e-mails


def render(key: str, context: dict[str, Any]) -> tuple[str, str]:
    text = render_to_string(f"notifications/{key}.txt", context).strip()
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


@cache
def _personal(key: str) -> bool:
    """Whether the message ``key`` addresses its recipient (uses ``recipient``): the others read
    the same for every recipient and are rendered once per message."""
    return "recipient" in get_template(f"notifications/{key}.txt").template.source


def notify(recipients: Iterable, key: str, context: dict[str, Any] | None = None, url: str = "") -> list[Notification]:
    return notify_many([(recipients, key, context, url)])


def notify_many(messages: Iterable[tuple]) -> list[Notification]:
    """:func:`notify` for several messages at once (``(recipients, key, context, url)`` each), e.g.
    one result to each of many units: the rows in the same order, written with one insert.

    ``recipients`` may be a list of users or a query of users. A query for a message that does not
    address its recipient (:func:`_personal`) is not read here: its rows are written straight from
    it (``INSERT … SELECT``, one statement for the read and the write), after the others."""
    rows, folded = [], []
    for recipients, key, context, url in messages:
        context = dict(context or {})
        personal, shared = _personal(key), None
        if not personal and isinstance(recipients, QuerySet) and _can_fold(recipients):
            folded.append((recipients, key, render(key, context), url or ""))
            continue
        for user in {u.pk: u for u in recipients if u is not None}.values():
            if personal:
                title, body = render(key, {**context, "recipient": user})
            else:
                shared = shared or render(key, context)
                title, body = shared
            rows.append(
                Notification(recipient=user, key=key, title=title, body=body, url=url or "", email_to=user.email or "")
            )
    if not rows and not folded:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    worker = settings.EMAIL_DELIVERY == "worker"  # the rows are the outbox: manage.py mail_worker sends them
    # Outside a transaction (and not for the worker) the rows are committed at once and the e-mails
    # go out right after: the rows are written already claimed (as a claim just before sending would mark them).
    claim_at = None if worker or connection.in_atomic_block else timezone.now()
    for row in rows:
        if row.email_to and claim_at:
            row.emailed_at = claim_at
    created = Notification.objects.bulk_create(rows) if rows else []
    for query, key, (title, body), url in folded:
        created += _insert_from(connection, query, key, title, body, url, claim_at)
    if worker:
        return created
    if connection.in_atomic_block:  # e-mail after commit, with the rest of the transaction's
        _outbox(connection).notes.extend(n for n in created if n.email_to)
    else:
        _deliver([n for n in created if n.email_to])
    return created


def _can_fold(query: QuerySet) -> bool:
    from django.contrib.auth import get_user_model

    return (
        query.model is get_user_model()
        and connections[query.db].vendor in ("postgresql", "sqlite")
        and query.db == DEFAULT_DB_ALIAS
    )


def _insert_from(
    connection, query: QuerySet, key: str, title: str, body: str, url: str, claim_at
) -> list[Notification]:
    """One message's rows written from the query of its recipients (each user once), in one
    statement; returns them as the ORM would (ids set). ``claim_at``: rows with an address are
    written claimed at that time (see :func:`notify_many`)."""
    sql, params = query.order_by().values("id", "email").distinct().query.sql_with_params()
    qn = connection.ops.quote_name
    field = Notification._meta.get_field("created_at")
    now = field.get_db_prep_value(timezone.now(), connection)
    claimed = field.get_db_prep_value(claim_at, connection) if claim_at else None
    moment = "CAST(%s AS timestamp with time zone)" if connection.vendor == "postgresql" else "%s"
    columns = ", ".join(
        qn(c)
        for c in (
            "recipient_id",
            "key",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "email_to",
            "emailed_at",
            "email_error",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(Notification._meta.db_table)} ({columns}) "
            f"SELECT r.id, %s, %s, %s, %s, %s, NULL, COALESCE(r.email, ''), "
            f"CASE WHEN COALESCE(r.email, '') <> '' THEN {moment} END, '' FROM ({sql}) r "
            f"RETURNING {qn('id')}, {qn('recipient_id')}, {qn('email_to')}",
            [key, title, body, url, now, claimed, *params],
        )
        returned = cursor.fetchall()
    created = []
    for pk, recipient_id, email_to in returned:
        note = Notification(
            pk=pk,
            recipient_id=recipient_id,
            key=key,
            title=title,
            body=body,
            url=url,
            email_to=email_to,
            emailed_at=claim_at if email_to else None,
        )
        note._state.adding, note._state.db = False, connection.alias
        created.append(note)
    return created


class _Outbox:
    """The one on-commit callback of a transaction that wrote notifications: sends them all."""

    def __init__(self):
        self.notes: list[Notification] = []

    def __call__(self):
        _send(self.notes)


def _outbox(connection) -> _Outbox:
    """The outbox of the open transaction, registered with ``on_commit`` on first use. A rollback
    (also to a savepoint) drops the callbacks registered inside it, and so an outbox registered
    there; notes of a rolled-back savepoint left in an outer outbox are never claimed (their rows
    are gone), so they are not sent."""
    return transaction_callback(connection, _Outbox, create=True)


def send_pending(ids: list[int] | None = None) -> int:
    """Send e-mails still in the outbox; safe to run repeatedly and at the same time as another
    run (a row is claimed before its e-mail is sent, and only one run can claim it)."""
    queryset = Notification.objects.filter(emailed_at__isnull=True).exclude(email_to="")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return _send(list(queryset.order_by("pk")))


def send_fresh() -> tuple[int, bool]:
    """One batch of the mail worker: the oldest e-mails never tried yet. Returns how many were sent
    and whether more may be waiting (the batch was full). A row whose e-mail failed once is left to
    the daily command's :func:`send_pending`, so a bad address is tried once a day rather than
    every few seconds. The filter is the condition of the partial index ``notification_unsent_idx``,
    so a poll reads only the waiting rows, however long the notification table grows."""
    notes = list(
        Notification.objects.filter(emailed_at__isnull=True, email_error="")
        .exclude(email_to="")
        .order_by("pk")[:WORKER_BATCH]
    )
    return _send(notes), len(notes) == WORKER_BATCH


def _send(notes: list[Notification]) -> int:
    sent = 0
    for start in range(0, len(notes), CLAIM_CHUNK):
        chunk = notes[start : start + CLAIM_CHUNK]
        claimed = _claim([note.pk for note in chunk])
        sent += _deliver([note for note in chunk if note.pk in claimed])
    return sent


def _deliver(notes: list[Notification]) -> int:
    """E-mail claimed rows; a failure puts its row back in the outbox with the error."""
    sent = 0
    for note in notes:
        try:
            send_mail(
                note.title,
                note.body + (f"\n\n{note.url}" if note.url else ""),
                settings.DEFAULT_FROM_EMAIL,
                [note.email_to],
            )
            sent += 1
        except Exception as exc:  # the mail server is outside our control: keep the row to retry
            error = (str(exc) or repr(exc))[:500]  # never empty: an empty error would read as never tried
            log.warning("通知邮件发送失败 #%s: %s", note.pk, error)
            Notification.objects.filter(pk=note.pk).update(emailed_at=None, email_error=error)
            note.emailed_at, note.email_error = None, error
    return sent


def _claim(ids: list[int]) -> set[int]:
    """Mark the rows of ``ids`` still unsent as sent now; returns the ids this call claimed (a row
    another run claimed first, or one that no longer exists, is not among them)."""
    if not ids:
        return set()
    now = timezone.now()
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor in ("postgresql", "sqlite"):  # both have UPDATE … RETURNING
        table, qn = Notification._meta.db_table, connection.ops.quote_name
        field = Notification._meta.get_field("emailed_at")
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {qn(table)} SET {qn('emailed_at')} = %s WHERE {qn('id')} IN ({placeholders}) "
                f"AND {qn('emailed_at')} IS NULL RETURNING {qn('id')}",
                [field.get_db_prep_value(now, connection), *ids],
            )
            return {row[0] for row in cursor.fetchall()}
    return {pk for pk in ids if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now)}
