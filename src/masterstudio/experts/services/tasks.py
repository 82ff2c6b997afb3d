"""An expert's task: the declaration of (no) conflict, then the scores, saved or submitted."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.core.events import appended_together
from masterstudio.core.notify import notify
from masterstudio.core.transitions import ConcurrentTransition
from masterstudio.experts.models import Assignment, AssignmentState, Rubric, Score
from masterstudio.experts.services import ScoringError, ScoringValidation
from masterstudio.experts.services.panels import BUSINESS_DUTIES, keep_loaded, panel_counts
from masterstudio.experts.states import ASSIGNMENT_MACHINE


def _own(assignment: Assignment, user) -> Assignment:
    if assignment.expert.user_id != getattr(user, "pk", None):
        raise ScoringError("这不是分配给您的评审任务")
    return assignment


NO_CONFLICT = "本人与评审对象无利害关系，承诺公正评审"


def declare(assignment: Assignment, user, *, conflict: bool, text: str = "") -> Assignment:
    """The expert's own declaration before scoring (a conflict recuses them)."""
    _own(assignment, user)
    if assignment.state != AssignmentState.DECLARING:
        raise ScoringError("您已声明过利益冲突情况")
    if conflict and not text.strip():
        raise ScoringError("请说明存在的利益冲突情况")
    target = AssignmentState.RECUSED if conflict else AssignmentState.SCORING
    statement = text.strip() or NO_CONFLICT
    with transaction.atomic():
        ASSIGNMENT_MACHINE.apply(
            assignment,
            target,
            actor=user,
            reason=statement,
            extra_fields={"declaration": statement, "declared_at": timezone.now()},
        )
        if conflict:
            _tell_staff_of_recusal(assignment, statement)
    return assignment


def _tell_staff_of_recusal(assignment: Assignment, statement: str) -> None:
    """The business staff are told at once that the panel is short and can draw a replacement."""
    panel = assignment.panel
    counts = panel_counts([panel.pk])[panel.pk]
    notify(
        User.staff_with(*BUSINESS_DUTIES),
        "expert_recused",
        {"assignment": assignment, "panel": panel, "subject": panel.subject, "statement": statement, "counts": counts},
        url=reverse("experts:panel", args=[panel.pk]),
    )


def declare_many(assignments: list[Assignment], user) -> list[Assignment]:
    """The expert's one declaration of no conflict for several of their tasks at once (the tasks
    page: "对所选任务声明无利益冲突", each subject listed): the same state change, declaration and
    event per task as :func:`declare` with no conflict, in one transaction. A conflict is declared
    task by task (it recuses). Refused as a whole when a task is not theirs or already declared."""
    if not assignments:
        raise ScoringError("请选择要声明的评审任务")
    for assignment in assignments:
        _own(assignment, user)
        if assignment.state != AssignmentState.DECLARING:
            raise ScoringError(f"评审任务 #{assignment.pk} 已声明过利益冲突情况，请刷新页面后重试")
    with transaction.atomic():
        try:
            ASSIGNMENT_MACHINE.apply_many(
                assignments,
                AssignmentState.SCORING,
                actor=user,
                reason=NO_CONFLICT,
                extra_fields={"declaration": NO_CONFLICT, "declared_at": timezone.now()},
            )
        except ConcurrentTransition:
            raise ScoringError("所选任务中有的已在别处声明，请刷新页面后重试") from None
    return assignments


def parse_scores(rubric: Rubric, raw: dict[int, tuple[str, str]], *, final: bool) -> tuple[dict, dict]:
    """Check points and comments; returns (clean values, errors by criterion id)."""
    clean, errors = {}, {}
    for criterion in rubric.criteria.all():
        text, comment = raw.get(criterion.pk, ("", ""))
        text, comment = (text or "").strip(), (comment or "").strip()
        if not text:
            if final:
                errors[criterion.pk] = "请填写得分"
            continue
        try:
            points = Decimal(text)
        except InvalidOperation:
            errors[criterion.pk] = "得分应为数字，如 18 或 18.5"
            continue
        if points < 0 or points > criterion.max_points:
            errors[criterion.pk] = f"得分应在 0 到 {criterion.max_points.normalize():f} 之间"
            continue
        if points != points.quantize(Decimal("0.01")):
            errors[criterion.pk] = "得分最多保留两位小数"
            continue
        if final and criterion.comment_below is not None and points < criterion.comment_below and not comment:
            errors[criterion.pk] = f"得分低于 {criterion.comment_below.normalize():f} 分时须填写评语，说明扣分理由"
            continue
        clean[criterion.pk] = (points, comment)
    return clean, errors


def save_scores(assignment: Assignment, user, raw: dict[int, tuple[str, str]], *, final: bool) -> Assignment:
    """Save (draft) or submit (final) an expert's scores. Refused when the task is not theirs, the
    declaration is missing, the window is closed, a value is out of range, or it was submitted."""
    _own(assignment, user)
    panel = assignment.panel
    if assignment.state == AssignmentState.DECLARING:
        raise ScoringError("评分前请先声明利益冲突情况")
    if assignment.state == AssignmentState.RECUSED:
        raise ScoringError("您已回避此评审，不能评分")
    if assignment.state == AssignmentState.SUBMITTED:
        raise ScoringError("评分已提交，不能修改")
    now = timezone.now()
    if now < panel.opens_at:
        raise ScoringError(f"评分尚未开始（{timezone.localtime(panel.opens_at):%Y-%m-%d %H:%M} 开始）")
    if now >= panel.closes_at:
        raise ScoringError(f"评分已于 {timezone.localtime(panel.closes_at):%Y-%m-%d %H:%M} 截止，不能再评分")
    prefetch_related_objects([panel.rubric], "criteria")  # read once for checking and for the total
    clean, errors = parse_scores(panel.rubric, raw, final=final)
    if errors:
        raise ScoringValidation(errors)
    rows = [
        Score(assignment=assignment, criterion_id=criterion_id, points=points, comment=comment)
        for criterion_id, (points, comment) in clean.items()
    ]
    if final and _covers(panel.rubric, clean):
        # the usual submission, every criterion scored: the compare-and-swap from 评分中 to 已提交
        # takes the row first (a second submission from another tab, or a recusal, meanwhile fails
        # it and writes nothing), then the scores go in
        total = _total_of(panel.rubric, clean)
        with transaction.atomic(), appended_together():
            try:
                ASSIGNMENT_MACHINE.apply(
                    assignment,
                    AssignmentState.SUBMITTED,
                    actor=user,
                    extra_fields={"submitted_at": now, "total": total},
                    data={"criteria": len(clean)},
                )
            except ConcurrentTransition:
                raise ScoringError("评分已提交，不能修改") from None
            _upsert_scores(rows)
        return assignment
    with transaction.atomic(), appended_together():
        fresh = Assignment.objects.select_for_update().get(pk=assignment.pk)
        keep_loaded(assignment, fresh)
        if fresh.state != AssignmentState.SCORING:
            raise ScoringError("评分已提交，不能修改")
        _upsert_scores(rows)
        if final:
            total = weighted_total(fresh)
            ASSIGNMENT_MACHINE.apply(
                fresh,
                AssignmentState.SUBMITTED,
                actor=user,
                extra_fields={"submitted_at": now, "total": total},
                data={"criteria": len(clean)},
            )
            assignment.state, assignment.total, assignment.submitted_at = fresh.state, total, now
    return assignment


def _upsert_scores(rows: list[Score]) -> None:
    """One statement: each criterion's score inserted, or updated where a draft saved it before."""
    Score.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["assignment", "criterion"], update_fields=["points", "comment"]
    )


def _covers(rubric: Rubric, clean: dict) -> bool:
    """Whether ``clean`` scores every criterion of ``rubric`` (as a final submission does)."""
    return {c.pk for c in rubric.criteria.all()} == set(clean)


def _total_of(rubric: Rubric, clean: dict) -> Decimal:
    """:func:`weighted_total` of an assignment whose scores are ``clean``, one per criterion."""
    total = Decimal("0")
    for criterion in rubric.criteria.all():
        total += clean[criterion.pk][0] * criterion.weight
    return total.quantize(Decimal("0.01"))


def weighted_total(assignment: Assignment) -> Decimal:
    total = Decimal("0")
    for score in assignment.scores.select_related("criterion"):
        total += score.points * score.criterion.weight
    return total.quantize(Decimal("0.01"))
