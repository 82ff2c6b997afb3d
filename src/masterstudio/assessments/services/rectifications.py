"""限期整改 (Art. 12, 13(2)): opened by a 不合格 year, reported by the unit, closed by the
re-assessment — through ``RECTIFICATION_MACHINE``; the studio follows through ``STUDIO_MACHINE``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masterstudio.assessments.models import Grade, Kind, Rectification, RectificationState, StudioAssessment
from masterstudio.assessments.services.base import AssessmentError, unit_users
from masterstudio.assessments.states import RECTIFICATION_MACHINE
from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.notify import notify
from masterstudio.core.roles import Role
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import check_upload
from masterstudio.studios.models import Studio, StudioState
from masterstudio.studios.states import STUDIO_MACHINE


def _notify_result(result: StudioAssessment) -> None:
    studio = result.studio
    notify(
        unit_users(studio),
        "assessment_result",
        {"result": result, "studio": studio},
        url=reverse("studios:detail", args=[studio.pk]),
    )


def _open_rectification(result: StudioAssessment, *, actor) -> Rectification:
    studio = lock_row(Studio, result.studio_id)
    open_one = Rectification.objects.filter(studio=studio, state__in=["open", "reported"]).first()
    if open_one is not None:
        return open_one
    rectification = Rectification.objects.create(
        studio=studio, assessment=result, deadline=result.rectify_deadline, required_actions=result.rectify_actions
    )
    if studio.state == StudioState.ACTIVE:
        STUDIO_MACHINE.apply(
            studio,
            StudioState.RECTIFICATION,
            actor=actor,
            clause="12",
            reason=f"{result.year} 年度绩效考核不合格，限期 {result.rectify_deadline:%Y-%m-%d} 前整改",
            data={"assessment": result.pk, "rectification": rectification.pk},
        )
    return rectification


def report_rectification(rectification: Rectification, *, report: str, upload=None, actor) -> Rectification:

    if actor.role not in (Role.UNIT, Role.LEADER) or actor.unit_id != rectification.studio.unit_id:
        raise AssessmentError("只有工作室所在单位可以报送整改情况")
    if not report.strip():
        raise AssessmentError("请填写整改情况报告，逐项说明整改要求的落实情况", field="report")
    if upload is not None:
        try:
            check_upload(upload, label="整改材料")
        except Exception as exc:
            raise AssessmentError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
    with transaction.atomic():
        rectification = lock_row(Rectification, rectification.pk)
        if rectification.state not in (RectificationState.OPEN, RectificationState.REPORTED):
            raise AssessmentError("该整改已复评，不能再报送")
        rectification.report = report.strip()
        if upload is not None:
            rectification.report_file, rectification.report_file_name = upload, upload.name
        rectification.reported_at, rectification.reported_by = timezone.now(), actor
        # the report and its file first (the file field stores the upload on save), then the state
        rectification.save(update_fields=["report", "report_file", "report_file_name", "reported_at", "reported_by"])
        RECTIFICATION_MACHINE.apply(
            rectification,
            RectificationState.REPORTED,
            actor=actor,
            data={"file": upload.name if upload else ""},
        )
    return rectification


def record_reassessment(rectification: Rectification, *, grade: str, reasons: str, actor) -> StudioAssessment:
    """Record the re-assessment of a rectified studio. 合格 brings it back to 运行中; 不合格 again
    leaves it for revocation under Art. 13(2)."""
    if actor is None or not any(actor.has_duty(d) for d in ("reviewer", "approver")):
        raise AssessmentError("只有具有审核或审批职责的工作人员可以登记复评结果")
    if grade not in (Grade.QUALIFIED, Grade.UNQUALIFIED):
        raise AssessmentError("复评结果应为合格或不合格", field="grade")
    if not reasons.strip():
        raise AssessmentError("请填写复评理由", field="reasons")
    today = timezone.localdate()
    with transaction.atomic():
        rectification = lock_row(Rectification, rectification.pk)
        if rectification.state in (RectificationState.PASSED, RectificationState.FAILED):
            raise AssessmentError("该整改已登记复评结果，不能重复登记")
        try:
            with transaction.atomic():
                result = StudioAssessment.objects.create(
                    studio=rectification.studio,
                    year=rectification.assessment.year,
                    kind=Kind.REASSESSMENT,
                    computed_grade=grade,
                    grade=grade,
                    reasons=reasons.strip(),
                    published=True,
                    assessed_on=today,
                    rectification=rectification,
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            raise AssessmentError("该整改已登记复评结果，不能重复登记") from exc
        passed = grade == Grade.QUALIFIED
        record_event(
            "studioassessment.reassessed",
            obj=result,
            actor=actor,
            clause="12" if passed else "13.2",
            to_state=grade,
            reason=reasons.strip(),
            data={"rectification": rectification.pk},
        )
        studio = lock_row(Studio, rectification.studio_id)
        if passed and studio.state == StudioState.RECTIFICATION:
            try:
                STUDIO_MACHINE.apply(
                    studio,
                    StudioState.ACTIVE,
                    actor=actor,
                    clause="12",
                    reason=f"整改后复评合格：{reasons.strip()}",
                    data={"reassessment": result.pk},
                )
            except TransitionError as exc:
                raise AssessmentError(str(exc)) from exc
        RECTIFICATION_MACHINE.apply(
            rectification,
            RectificationState.PASSED if passed else RectificationState.FAILED,
            actor=actor,
            reason=reasons.strip(),
            data={"reassessment": result.pk},
            then=[lambda _rectification, _event: _notify_result(result)],  # the unit hears the re-assessment
        )
    return result
