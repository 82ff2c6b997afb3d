"""Visibility of activities and the annual-summary feed (Art. 11, 17)."""

from __future__ import annotations

from django.db.models import Count, Sum

from masterstudio.accounts.models import Role
from masterstudio.activities.models import Activity, ActivityPhoto, ActivityState, Signup, StudioActivity
from masterstudio.core.permissions import reads_business_records
from masterstudio.studios.selectors import of_visible_studios


def activities_for(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return Activity.objects.none()
    # Aggregating queries ignore Meta.ordering: the order is stated here so pages are stable.
    queryset = Activity.objects.annotate(
        signup_count=Count("signups"), signup_people=Sum("signups__headcount")
    ).order_by("-starts_at", "-pk")
    if user.role == Role.STAFF:  # the system administrator reads no business records (三员分立)
        return queryset if reads_business_records(user) else queryset.none()
    if user.role in (Role.UNIT, Role.LEADER, Role.EVALUATOR):
        return queryset.filter(state=ActivityState.PUBLISHED)
    return queryset.none()


def reports_for(user):
    queryset = (
        StudioActivity.objects.select_related("studio", "studio__unit")
        .annotate(photo_count=Count("photos"))
        .order_by("-held_on", "-id")
    )
    return of_visible_studios(queryset, user, "studio", "held_on")


def signups_for(user, activity):
    """The sign-up list (names and phone numbers): staff with a business duty all, a unit or leader
    the sign-ups of the studios it may see; the system administrator and evaluators none."""
    queryset = Signup.objects.filter(activity=activity).select_related("studio", "studio__unit")
    if user.role == Role.EVALUATOR:
        return queryset.none()
    return of_visible_studios(queryset, user)


def photos_for(user):
    """Photos of activity reports: visible with their report."""
    return ActivityPhoto.objects.select_related("activity").filter(activity__in=reports_for(user).values("pk"))


def summary_for(studio, year: int) -> dict:
    """What the studio did in ``year`` for its annual summary (Art. 11) and assessment (Art. 12):
    the bureau activities it joined and the activities it reported, with totals by kind."""
    reports = list(StudioActivity.objects.filter(studio=studio, held_on__year=year).order_by("held_on"))
    joined = list(
        Signup.objects.filter(studio=studio, activity__starts_at__year=year, activity__state=ActivityState.PUBLISHED)
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    by_kind: dict[str, dict] = {}
    for report in reports:
        entry = by_kind.setdefault(report.kind, {"label": report.get_kind_display(), "count": 0, "participants": 0})
        entry["count"] += 1
        entry["participants"] += report.participants
    apprentices = sorted(
        {line.strip() for r in reports if r.kind == "apprentice" for line in r.apprentices.splitlines() if line.strip()}
    )
    return {
        "year": year,
        "reports": reports,
        "joined": joined,
        "by_kind": by_kind,
        "apprentices": apprentices,
        "joined_people": sum(s.headcount for s in joined),
    }
