"""Who sees which assessment result: staff with a business duty all; a unit (leader) the
published results of the studios it may see; an expert the results they are assigned to score
(not recused); a refused result answers 404."""
from __future__ import annotations

from django.http import Http404

from masterstudio.assessments.models import Rectification, StudioAssessment
from masterstudio.studios.selectors import of_visible_studios, studios_for


def results_for(user):
    base = StudioAssessment.objects.select_related("studio", "studio__unit", "assessment_year")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == "expert":
        from masterstudio.experts.selectors import subject_ids_for_expert

        return base.filter(pk__in=subject_ids_for_expert(user, StudioAssessment))
    if user.role == "staff":
        return base.filter(studio__in=studios_for(user))
    return base.filter(studio__in=studios_for(user), published=True)


def result_for(user, pk) -> StudioAssessment:
    try:
        return results_for(user).get(pk=pk)
    except (StudioAssessment.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该考核记录，或您无权查看") from None


def rectification_for(user, pk) -> Rectification:
    try:
        return of_visible_studios(Rectification.objects.select_related("studio", "assessment"), user).get(pk=pk)
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该整改记录，或您无权查看") from None
