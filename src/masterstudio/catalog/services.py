from __future__ import annotations

from django.db import transaction

from masterstudio.catalog.models import CalendarYear, Occupation
from masterstudio.core.events import record_event


@transaction.atomic
def add_occupation(form, *, actor) -> Occupation:
    occupation = form.save(commit=False)
    occupation.added_by = actor
    occupation.save()
    record_event("catalog.occupation_added", obj=occupation, actor=actor, clause="2",
                 data={"code": occupation.code, "name": occupation.name, "source": occupation.source})
    return occupation


@transaction.atomic
def save_calendar_year(form, *, actor) -> CalendarYear:
    data = form.cleaned_data
    row, created = CalendarYear.objects.update_or_create(
        year=data["year"],
        defaults={"holidays": data["holidays"], "workdays": data["workdays"], "source": data["source"],
                  "entered_by": actor},
    )
    record_event("catalog.calendar_saved", obj=row, actor=actor, clause="10",
                 data={"year": row.year, "holidays": row.holidays, "workdays": row.workdays, "created": created})
    return row
