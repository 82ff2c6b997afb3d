"""Who sees which grant: staff with a business duty all; a unit the grants of its own studios, a
leader those of the studio they lead; a third-party evaluator those inside an open evaluation's
scope (``studios.selectors.of_visible_studios``). Lists, exports, files and detail
pages all use ``grants_for``; a refused grant answers 404."""

from __future__ import annotations

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from masterstudio.core import params as query
from masterstudio.funding.models import Grant, GrantDocument, GrantKind, GrantState, StudioTitle
from masterstudio.studios.selectors import of_visible_studios


def _visible(queryset, user, studio_field: str, date_field: str):
    return of_visible_studios(queryset, user, studio_field, date_field)


def grants_for(user):
    queryset = Grant.objects.select_related("studio", "studio__unit", "approved_by", "disbursed_by").annotate(
        paid=Coalesce(
            Sum("disbursements__amount"), Value(0), output_field=DecimalField(max_digits=12, decimal_places=2)
        )
    )
    return _visible(queryset, user, "studio", "dated_on")


def titles_for(user):
    return _visible(StudioTitle.objects.select_related("studio", "recorded_by"), user, "studio", "awarded_on")


def documents_for(user):
    """Grant documents: visible with their grant (the same rule, so the file answers 404 with it)."""
    return GrantDocument.objects.select_related("grant").filter(grant__in=grants_for(user).values("pk"))


def filter_grants(queryset, params):
    state = query.choice(params, "state", [*GrantState.values, "recovery"], label="状态")
    kind = query.choice(params, "kind", GrantKind.values, label="类型")
    year = query.year(params)
    q = query.text(params, "q")
    if state == "recovery":
        queryset = queryset.filter(recovery_required=True, state="disbursed")
    elif state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(dated_on__year=year)
    if q:
        queryset = queryset.filter(
            Q(studio__name__icontains=q) | Q(studio__unit__name__icontains=q) | Q(document_no__icontains=q)
        )
    return queryset
