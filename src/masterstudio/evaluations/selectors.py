"""Who sees what in a third-party evaluation (Art. 18). ``evaluator_scope`` is the one function
that decides an evaluator's reach: studios and years of the evaluations whose access period is
running now. When the period ends the scope is empty, without any job having to run."""

from __future__ import annotations

from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.core.permissions import reads_business_records
from masterstudio.evaluations.models import Evaluation, EvaluationReport
from masterstudio.studios.selectors import StudioScope

Scope = StudioScope  # the evaluator's scope is a studio scope (registered in EvaluationsConfig.ready)


def open_evaluations(user, now=None):
    now = now or timezone.now()
    if user is None or not user.is_authenticated or user.role != Role.EVALUATOR or not user.is_active:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(
        evaluator=user, revoked_at__isnull=True, access_from__lte=now, access_until__gt=now
    )


def evaluator_scope(user, now=None) -> Scope:
    scope = Scope()
    for evaluation in open_evaluations(user, now).prefetch_related("studios"):
        for studio in evaluation.studios.all():
            scope.years_by_studio.setdefault(studio.pk, set()).update(evaluation.years)
    return scope


def evaluations_for(user):
    """Evaluations a user may open — their scopes and reports: staff with a business duty all (the
    system administrator none, 三员分立), an evaluator its own (open or not, for the list)."""

    if user is None or not user.is_authenticated or not user.is_active:
        return Evaluation.objects.none()
    if user.role == Role.STAFF:
        return Evaluation.objects.all() if reads_business_records(user) else Evaluation.objects.none()
    if user.role == Role.EVALUATOR:
        return Evaluation.objects.filter(evaluator=user)
    return Evaluation.objects.none()


def report_file_for(user, pk, now=None) -> EvaluationReport:
    """A report the user may download: of a visible evaluation; for the evaluator only while its
    access period runs. Otherwise 404."""
    from django.http import Http404

    try:
        report = EvaluationReport.objects.select_related("evaluation").get(
            pk=pk, evaluation__in=evaluations_for(user).values("pk")
        )
    except (EvaluationReport.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该评估报告，或您无权查看") from None
    if user.role == Role.EVALUATOR and not report.evaluation.is_open(now or timezone.now()):
        raise Http404("评估访问期已结束")
    return report
