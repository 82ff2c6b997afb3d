"""Who sees which grant: staff all; a unit (and its leader) the grants of its own studios; a
third-party evaluator those inside an open evaluation's scope. Lists, exports, files and detail
pages all use ``grants_for``; a refused grant answers 404."""
from __future__ import annotations

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from masterstudio.core.permissions import reads_business_records
from masterstudio.evaluations.selectors import evaluator_scope
from masterstudio.funding.models import Grant, StudioTitle


def _visible(queryset, user, studio_field: str, date_field: str):
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == "staff":
        return queryset if reads_business_records(user) else queryset.none()
    if user.role in ("unit", "leader") and user.unit_id:
        return queryset.filter(**{f"{studio_field}__unit_id": user.unit_id})
    if user.role == "evaluator":
        return queryset.filter(evaluator_scope(user).q(studio_field, date_field))
    return queryset.none()


def grants_for(user):
    queryset = Grant.objects.select_related("studio", "studio__unit", "approved_by", "disbursed_by").annotate(
        paid=Coalesce(Sum("disbursements__amount"), Value(0), output_field=DecimalField(max_digits=12, decimal_places=2)))
    return _visible(queryset, user, "studio", "dated_on")


def titles_for(user):
    return _visible(StudioTitle.objects.select_related("studio", "recorded_by"), user, "studio", "awarded_on")


def filter_grants(queryset, params):
    state = params.get("state", "")
    kind = params.get("kind", "")
    year = params.get("year", "")
    q = params.get("q", "").strip()
    if state == "recovery":
        queryset = queryset.filter(recovery_required=True, state="disbursed")
    elif state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if year.isdigit():
        queryset = queryset.filter(dated_on__year=int(year))
    if q:
        queryset = queryset.filter(Q(studio__name__icontains=q) | Q(studio__unit__name__icontains=q)
                                   | Q(document_no__icontains=q))
    return queryset
