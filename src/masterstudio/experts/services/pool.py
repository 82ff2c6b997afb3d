"""The expert pool: an expert's record, added or changed by business staff."""

from __future__ import annotations

from django.db import transaction

from masterstudio.core.events import record_event
from masterstudio.experts.models import Expert


def save_expert(
    expert: Expert | None,
    *,
    user,
    name: str,
    employer: str,
    employer_credit_code: str,
    title: str,
    max_per_year: int,
    active: bool,
    fields: list[str],
    past_employers: list[str],
    relations: list[str],
    actor,
) -> Expert:
    """Add an expert to the pool (``expert`` None) or change one, with its ``expert.saved`` event,
    in one transaction. The values are checked by the caller (the pool's form)."""
    expert = expert if expert is not None else Expert()
    values = {
        "user": user,
        "name": name,
        "employer": employer,
        "employer_credit_code": employer_credit_code,
        "title": title,
        "max_per_year": max_per_year,
        "active": active,
        "fields": list(fields),
        "past_employers": list(past_employers),
        "relations": list(relations),
    }
    with transaction.atomic():
        for field, value in values.items():
            setattr(expert, field, value)
        expert.save()
        record_event(
            "expert.saved",
            obj=expert,
            actor=actor,
            data={"fields": expert.fields, "employer": expert.employer, "active": expert.active},
        )
    return expert
