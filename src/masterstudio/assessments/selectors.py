"""Who sees which assessment result: staff with a business duty all; a unit (leader) the
published results of the studios it may see; an expert the results they are assigned to score
(not recused); a refused result answers 404."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from masterstudio.accounts.models import Role
from masterstudio.assessments.models import Rectification, StudioAssessment, SupervisionVisit
from masterstudio.core.permissions import reads_business_records
from masterstudio.experts.selectors import subject_ids_for_expert
from masterstudio.studios.selectors import of_visible_studios, studios_for


def results_for(user):
    base = StudioAssessment.objects.select_related("studio", "studio__unit", "assessment_year")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.EXPERT:
        return base.filter(pk__in=subject_ids_for_expert(user, StudioAssessment))
    if user.role == Role.STAFF:
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


def supervisions_for(user):
    """Who sees which supervision visit (督导检查) and its files — one rule for the list, the page,
    the assessment pages and the downloads: staff who read business records all; a unit (leader)
    the visits of the studios it may see; an evaluator those of its scope (studios × years); an
    expert those of the studios whose assessment they score (not recused); anyone else none."""

    base = SupervisionVisit.objects.select_related("studio", "studio__unit", "recorded_by")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.STAFF:
        return base if reads_business_records(user) else base.none()
    if user.role in (Role.UNIT, Role.LEADER):
        return base.filter(studio__in=studios_for(user))
    if user.role == Role.EVALUATOR:  # the studios' one rule: the studios and years of its open evaluations
        return of_visible_studios(base, user, "studio", "visited_on")
    if user.role == Role.EXPERT:
        return base.filter(studio__in=results_for(user).values("studio_id"))
    return base.none()


def supervision_for(user, pk):
    try:
        return supervisions_for(user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该督导检查记录，或您无权查看") from None
