"""The draft: the wizard's autosave and the people it adds."""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict

from masterstudio.applications.forms import ApplicationForm
from masterstudio.applications.models import Application, TeamMember
from masterstudio.applications.services.base import ensure_editable, locked
from masterstudio.applications.services.prechecks import store_precheck
from masterstudio.core.events import record_event
from masterstudio.units.models import Person


def draft_querydict(application: Application) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in (application.draft or {}).items():
        data.setlist(key, values if isinstance(values, list) else [values])
    return data


_FORM_FIELDS = ["facts", "branch", "leader", "route", "occupation_code", "occupation_name"]


def _form_values(application: Application) -> dict:
    """What the wizard's form sets on the application (relations by id)."""
    return {name: getattr(application, Application._meta.get_field(name).attname) for name in _FORM_FIELDS}


def apply_form(application: Application, form: ApplicationForm, *, only_changed: bool = False) -> list | None:
    """Copy the valid part of the form onto the application (invalid fields keep old values).
    Returns the team (people, in order) as it now stands, or None when the team field was not
    valid (the team kept is then whatever is saved). ``only_changed``: write only what differs from
    the application as loaded (at submission the draft is usually saved already)."""
    data = form.cleaned_data
    before = _form_values(application)
    previous = application.facts or {}
    declared = form.declared_facts()
    for name in declared:
        if name in form.errors and name in previous:
            declared[name] = previous[name]
    application.facts = {**previous, **declared}
    if "scope" not in form.errors:
        scope = data.get("scope") or "head"
        application.branch = form.branches.get(scope) if scope != "head" else None
    if "leader" not in form.errors:
        application.leader = data.get("leader")
    if "route" not in form.errors and data.get("route"):
        application.route = data["route"]
    if not {"occupation_code", "occupation_name", "route"} & set(form.errors):
        application.occupation_code = data.get("occupation_code") or ""
        application.occupation_name = (data.get("occupation_name") or "").strip()
    if only_changed:
        after = _form_values(application)
        changed = [name for name in _FORM_FIELDS if after[name] != before[name]]
        if changed:
            application.save(update_fields=[*changed, "updated_at"])
    else:
        application.save(update_fields=[*_FORM_FIELDS, "draft", "updated_at"])
    if "team" in form.errors:
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


def _sequence(value) -> int:
    value = value[0] if isinstance(value, list) and value else value
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _stale_autosave(application: Application, post: QueryDict) -> bool:
    """The wizard numbers its autosaves (``autosave_seq``, rising in the browser). The requests of
    quick changes run side by side and may commit out of order; one older than the draft's last is
    dropped, so an earlier state never overwrites a later one. The no-script "保存草稿" sends none."""
    seq = _sequence(post.get("autosave_seq"))
    return bool(seq) and seq < _sequence((application.draft or {}).get("autosave_seq"))


def save_draft(application_id: int, post: QueryDict, *, actor) -> tuple[Application, ApplicationForm]:
    """Autosave: keep everything as typed, apply the valid part, re-run the pre-check."""
    with transaction.atomic():
        application = locked(application_id)
        ensure_editable(application, actor)
        if _stale_autosave(application, post):  # an earlier keystroke's request, answered after a later one
            form = ApplicationForm(draft_querydict(application), unit=application.unit)
            form.is_valid()
            return application, form
        application.draft = {k: v for k, v in post.lists() if k != "csrfmiddlewaretoken"}
        form = ApplicationForm(post, unit=application.unit)
        form.is_valid()
        apply_form(application, form)
        store_precheck(application)
    return application, form


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
