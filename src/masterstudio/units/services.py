from __future__ import annotations

from django.db import transaction

from masterstudio.core.events import record_event
from masterstudio.core.formvalues import set_values
from masterstudio.units.models import Branch, Person, Unit

#: what a unit's staff fill in for a branch and for a person (the forms' fields)
BRANCH_FIELDS = ("name", "credit_code", "address")
PERSON_FIELDS = (
    "name",
    "id_number",
    "original_retirement_age",
    "phone",
    "position",
    "formal_employee",
    "frontline",
    "frontline_since",
    "employed",
    "left_on",
)


@transaction.atomic
def save_branch(branch: Branch | None, *, unit: Unit, values: dict, actor) -> Branch:
    """Register a branch of ``unit`` (``branch`` None) or change one, with the checked ``values``."""
    creating = branch is None or branch.pk is None
    branch = Branch(unit=unit) if creating else Branch.objects.select_for_update().get(pk=branch.pk)
    set_values(branch, values, BRANCH_FIELDS)
    branch.unit = unit
    branch.save()
    record_event("branch.created" if creating else "branch.updated", obj=branch, actor=actor)
    return branch


@transaction.atomic
def save_person(person: Person | None, *, unit: Unit, values: dict, actor) -> Person:
    """Register a person of ``unit`` (``person`` None) or change one, with the checked ``values``;
    the event names the fields changed (never the identity number or phone themselves)."""
    creating = person is None or person.pk is None
    person = Person(unit=unit) if creating else Person.objects.select_for_update().get(pk=person.pk)
    changed = [] if creating else sorted(f for f, v in values.items() if getattr(person, f) != v)
    set_values(person, values, PERSON_FIELDS)
    person.unit = unit
    person.save()
    changed = sorted(set(changed) - {"id_number", "phone"})
    record_event("person.created" if creating else "person.updated", obj=person, actor=actor, data={"changed": changed})
    return person
