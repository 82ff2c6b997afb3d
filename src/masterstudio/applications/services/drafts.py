"""The draft: the wizard's autosave and the people it adds."""

from __future__ import annotations

from django.db import transaction

from masterstudio.applications.models import Application, TeamMember
from masterstudio.applications.services.base import ensure_editable, locked
from masterstudio.applications.services.prechecks import store_precheck
from masterstudio.applications.wizard import Draft, declared_facts, read_draft, sequence
from masterstudio.core.events import record_event
from masterstudio.units.models import Person

_FORM_FIELDS = ["facts", "branch", "leader", "route", "occupation_code", "occupation_name"]


def _form_values(application: Application) -> dict:
    """What the wizard sets on the application (relations by id)."""
    return {name: getattr(application, Application._meta.get_field(name).attname) for name in _FORM_FIELDS}


def stored_draft(application: Application, *, final: bool = False) -> Draft:
    """The application's stored draft, read by the wizard's rules."""
    return read_draft(application.draft or {}, unit=application.unit, final=final)


def apply_draft(application: Application, draft: Draft, *, only_changed: bool = False) -> list | None:
    """Copy the valid part of the draft onto the application (fields to fix keep old values).
    Returns the team (people, in order) as it now stands, or None when the team field was not
    valid (the team kept is then whatever is saved). ``only_changed``: write only what differs from
    the application as loaded (at submission the draft is usually saved already)."""
    data, errors = draft.values, draft.errors
    before = _form_values(application)
    application.facts = declared_facts(draft, application.facts or {})
    if "scope" not in errors:
        application.branch = data.get("branch")
    if "leader" not in errors:
        application.leader = data.get("leader")
    if "route" not in errors and data.get("route"):
        application.route = data["route"]
    if not {"occupation_code", "occupation_name", "route"} & set(errors):
        application.occupation_code = data.get("occupation_code") or ""
        application.occupation_name = (data.get("occupation_name") or "").strip()
    if only_changed:
        after = _form_values(application)
        changed = [name for name in _FORM_FIELDS if after[name] != before[name]]
        if changed:
            application.save(update_fields=[*changed, "updated_at"])
    else:
        application.save(update_fields=[*_FORM_FIELDS, "draft", "updated_at"])
    if "team" in errors:
        return None
    team = list(data.get("team", []))
    saved = (
        list(
            TeamMember.objects.filter(application=application).order_by("position").values_list("person_id", flat=True)
        )
        if only_changed
        else None
    )
    if saved != [p.pk for p in team]:
        TeamMember.objects.filter(application=application).delete()
        TeamMember.objects.bulk_create(
            [TeamMember(application=application, person=p, position=i) for i, p in enumerate(team)]
        )
    return team


def _stale_autosave(application: Application, autosave_seq: int) -> bool:
    """The wizard numbers its autosaves (``autosave_seq``, rising in the browser). The requests of
    quick changes run side by side and may commit out of order; one older than the draft's last is
    dropped, so an earlier state never overwrites a later one. The no-script "保存草稿" sends none."""
    return bool(autosave_seq) and autosave_seq < sequence((application.draft or {}).get("autosave_seq"))


def save_draft(application_id: int, draft: Draft, *, actor) -> tuple[Application, Draft]:
    """Autosave: keep everything as typed, apply the valid part, re-run the pre-check. ``draft``:
    what the unit typed, read by the view (``wizard.read_draft``, through the wizard's form).
    Returns the application and the draft it now holds: ``draft`` itself, or, when ``draft`` was an
    earlier keystroke's autosave answered after a later one, the stored draft, read again."""
    with transaction.atomic():
        application = locked(application_id)
        ensure_editable(application, actor)
        if _stale_autosave(application, draft.autosave_seq):
            return application, stored_draft(application)
        application.draft = draft.typed
        apply_draft(application, draft)
        store_precheck(application)
    return application, draft


@transaction.atomic
def add_person(
    *,
    application: Application,
    actor,
    name: str,
    id_number: str,
    original_retirement_age: int | None = None,
    position: str = "",
    formal_employee: bool = False,
    frontline: bool = False,
) -> Person:
    """Register a person of the unit from the wizard (the view validates the quick form)."""
    ensure_editable(application, actor)
    person = Person.objects.create(
        unit=application.unit,
        name=name.strip(),
        id_number=id_number,
        original_retirement_age=original_retirement_age,
        position=position or "",
        formal_employee=bool(formal_employee),
        frontline=bool(frontline),
    )
    record_event("person.created", obj=person, actor=actor, data={"from": f"application:{application.pk}"})
    return person
