"""Who sees which annual summary (Art. 11) and its attachments: the studio's rule
(``of_visible_studios``); a refused summary or file answers 404."""

from __future__ import annotations

from django.http import Http404

from masterstudio.studios.selectors import of_visible_studios
from masterstudio.summaries.models import AnnualSummary, SummaryAttachment


def summaries_for(user):
    return of_visible_studios(AnnualSummary.objects.select_related("studio", "studio__unit"), user)


def attachment_for(user, pk) -> SummaryAttachment:
    try:
        return SummaryAttachment.objects.select_related("summary").get(
            pk=pk, summary__in=summaries_for(user).values("pk")
        )
    except (SummaryAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该附件，或您无权查看") from None
