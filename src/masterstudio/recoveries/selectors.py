"""Who sees which revocation and recovery (Art. 13): the studio's rule (``of_visible_studios``) —
staff with a business duty all, a unit its own studios', a leader the studio they lead; a refused
record or file answers 404."""

from __future__ import annotations

from django.http import Http404

from masterstudio.recoveries.models import Recovery, Revocation
from masterstudio.studios.selectors import of_visible_studios


def recoveries_for(user):
    return of_visible_studios(Recovery.objects.select_related("studio", "studio__unit", "revocation"), user)


def recovery_for(user, pk) -> Recovery:
    try:
        return recoveries_for(user).get(pk=pk)
    except (Recovery.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该追回记录，或您无权查看") from None


def revocations_for(user):
    return of_visible_studios(Revocation.objects.select_related("studio"), user)


def revocation_file_for(user, pk) -> Revocation:
    """The revocation whose evidence file the user may download."""
    try:
        revocation = revocations_for(user).get(pk=pk)
    except (Revocation.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该文件，或您无权查看") from None
    if not revocation.evidence_file:
        raise Http404("没有证据材料")
    return revocation
