from __future__ import annotations

from django.db import transaction

from masterstudio.core.events import record_event
from masterstudio.units.models import Branch, Person


@transaction.atomic
def save_branch(form, *, actor) -> Branch:
    creating = form.instance.pk is None
    branch = form.save(commit=False)
    branch.unit = form.unit
    branch.save()
    record_event("branch.created" if creating else "branch.updated", obj=branch, actor=actor)
    return branch


@transaction.atomic
def save_person(form, *, actor) -> Person:
    creating = form.instance.pk is None
    person = form.save(commit=False)
    person.unit = form.unit
    person.save()
    changed = [] if creating else sorted(set(form.changed_data) - {"id_number", "phone"})
    record_event("person.created" if creating else "person.updated", obj=person, actor=actor, data={"changed": changed})
    return person
