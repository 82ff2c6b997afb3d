"""Who sees which studio: staff all; a unit its own; everyone else none (404)."""
from __future__ import annotations

from django.http import Http404

from masterstudio.studios.models import Studio


def studios_for(user):
    base = Studio.objects.select_related("unit", "leader", "branch")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == "staff" and any(user.has_duty(d) for d in ("reviewer", "approver", "finance", "auditor")):
        return base
    if user.role in ("unit", "leader") and user.unit_id:
        return base.filter(unit_id=user.unit_id)
    return base.none()


def studio_for(user, pk) -> Studio:
    try:
        return studios_for(user).get(pk=pk)
    except (Studio.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该工作室，或您无权查看") from None
