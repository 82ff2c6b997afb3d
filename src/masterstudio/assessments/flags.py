"""Handling a supervision flag (监管提示) raised by the daily command: staff record how they
handled it, once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from masterstudio.assessments.models import Flag
from masterstudio.core.events import record_event


class FlagError(Exception):
    """A refused resolution; ``str(exc)`` says in Chinese why."""


def resolve_flag(flag: Flag, *, resolution: str, actor, now: datetime | None = None) -> Flag:
    """Record ``resolution`` on an open flag, with who resolved it and when, and the event; a flag
    resolved already (also meanwhile by someone else) is refused and keeps its first resolution."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise FlagError("请填写处理意见（如：已核实，领办人返聘继续工作）")
    now = now or timezone.now()
    with transaction.atomic():
        updated = Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor, resolution=resolution
        )
        if not updated:
            raise FlagError("该提示已处理")
        record_event(
            "flag.resolved",
            obj=flag.studio,
            actor=actor,
            clause=flag.clause,
            reason=resolution,
            data={"flag": flag.pk, "kind": flag.kind},
        )
    flag.resolved_at, flag.resolved_by, flag.resolution = now, actor, resolution
    return flag
