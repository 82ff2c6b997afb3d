"""Appending to the event log. Every state change, money record, login, export and download
goes through :func:`record_event`, inside the caller's transaction."""
from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from masterstudio.core.models import ChainHead, Event


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_label", None) or str(actor)


def record_event(
    action: str,
    *,
    obj: models.Model | None = None,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    clause: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Event:
    """Append one event, chained to the previous one by hash.

    The chain head row is locked for the rest of the caller's transaction, so concurrent
    writers append one after another and the sequence has no gaps or forks.
    """
    if ip is None:
        from masterstudio.core.middleware import current_client_address

        ip = current_client_address()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        if actor is not None and not getattr(actor, "is_authenticated", False):
            actor = None
        event = Event(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_label=_actor_label(actor),
            ip=ip,
            action=action,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            clause=clause,
            data=data or {},
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save()
        ChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


def verify_chain() -> tuple[int, Event | None, str]:
    """Walk the chain in order. Returns (events checked, first broken event or None, why)."""
    previous = "0" * 64
    expected_seq = 1
    checked = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return checked, event, f"序号不连续：应为 {expected_seq}，实为 {event.seq}（有记录被删除）"
        if event.prev_hash != previous:
            return checked, event, "前序哈希不符（前一条记录被修改或删除）"
        if event.compute_hash() != event.hash:
            return checked, event, "本条记录内容与哈希不符（记录被修改）"
        previous = event.hash
        expected_seq += 1
        checked += 1
    return checked, None, ""


def events_for(obj: models.Model):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor").order_by("seq")
