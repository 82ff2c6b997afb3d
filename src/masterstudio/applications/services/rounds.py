"""Rounds (Art. 8): opened only inside a policy version's validity (Art. 20)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import Round
from masterstudio.applications.services.base import ApplyError
from masterstudio.core.events import record_event
from masterstudio.policytools.versions import require_in_force


@transaction.atomic
def save_round(round_: Round, *, actor) -> Round:
    """Save a round as the staff member entered it (``round_``: the round with its new values, not
    yet saved; the view validates the form and passes ``form.save(commit=False)``)."""
    creating = round_.pk is None
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
