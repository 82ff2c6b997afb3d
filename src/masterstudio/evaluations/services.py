"""Writes for third-party evaluations (Art. 18)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.core.uploads import check_upload
from masterstudio.evaluations.models import Evaluation, EvaluationReport
from masterstudio.funding.services import FundingError


class EvaluationError(FundingError):
    pass


def open_evaluation(
    *, title, purpose, evaluator, studios, year_from, year_to, access_from, access_until, actor
) -> Evaluation:
    if evaluator.role != Role.EVALUATOR or not evaluator.is_active:
        raise EvaluationError("请选择有效的第三方评估机构账号", field="evaluator")
    if not studios:
        raise EvaluationError("请至少选择一个工作室作为评估范围", field="studios")
    if year_to < year_from:
        raise EvaluationError("截止年度不能早于起始年度", field="year_to")
    if access_until <= access_from:
        raise EvaluationError("授权截止时间应晚于授权开始时间", field="access_until")
    longest = settings.EVALUATION_ACCESS_MAX_DAYS
    if access_until - access_from > timedelta(days=longest):
        raise EvaluationError(
            f"“授权截止”距授权开始不能超过 {longest} 天；评估需要更长时间的，请到期后另行授权", field="access_until"
        )
    if access_until <= timezone.now():
        raise EvaluationError("“授权截止”已经过去，请填写今后的时间", field="access_until")
    if not (title or "").strip():
        raise EvaluationError("请填写“评估项目名称”", field="title")
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            title=title,
            purpose=purpose,
            evaluator=evaluator,
            year_from=year_from,
            year_to=year_to,
            access_from=access_from,
            access_until=access_until,
            created_by=actor,
        )
        evaluation.studios.set(studios)
        record_event(
            "evaluation.opened",
            obj=evaluation,
            actor=actor,
            clause="18",
            data={
                "evaluator": evaluator.pk,
                "studios": sorted(s.pk for s in studios),
                "years": [year_from, year_to],
                "access_from": access_from,
                "access_until": access_until,
            },
        )
        notify(
            [evaluator],
            "evaluation_granted",
            {"evaluation": evaluation},
            url=reverse("evaluations:evaluation_detail", args=[evaluation.pk]),
        )
    return evaluation


def end_access(evaluation: Evaluation, *, actor, reason: str) -> Evaluation:
    if not reason.strip():
        raise EvaluationError("请填写提前收回授权的理由", field="reason")
    with transaction.atomic():
        changed = Evaluation.objects.filter(pk=evaluation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not changed:
            raise EvaluationError("该评估的授权已收回")
        evaluation.refresh_from_db()
        record_event("evaluation.access_ended", obj=evaluation, actor=actor, clause="18", reason=reason)
    return evaluation


def upload_report(evaluation: Evaluation, *, title: str, upload, actor) -> EvaluationReport:
    if actor.pk != evaluation.evaluator_id or not evaluation.is_open(timezone.now()):
        raise EvaluationError("授权期限已过或已收回，不能再上传报告；请联系社会事业局")
    if not (title or "").strip():
        raise EvaluationError("请填写报告名称", field="title")
    try:
        check_upload(upload, label="评估报告")
    except Exception as exc:
        raise EvaluationError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
    with transaction.atomic():
        report = EvaluationReport.objects.create(
            evaluation=evaluation, title=title.strip(), file=upload, original_name=upload.name, uploaded_by=actor
        )
        record_event(
            "evaluation.report",
            obj=evaluation,
            actor=actor,
            clause="18",
            data={"report": report.pk, "file": upload.name},
        )
        notify(
            [evaluation.created_by],
            "evaluation_report",
            {"evaluation": evaluation, "report": report},
            url=reverse("evaluations:evaluation_detail", args=[evaluation.pk]),
        )
    return report
