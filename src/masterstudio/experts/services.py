"""Writes for the expert pool and scoring. Generic over the subject being judged (an application
under Art. 10, a studio under Art. 12): a subject offers ``unit``, ``occupation_code`` and
``occupation_name``."""
from __future__ import annotations

import random
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.experts.aggregate import Summary, aggregate
from masterstudio.experts.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    AssignmentState,
    Criterion,
    Draw,
    Expert,
    Rubric,
    Score,
    ScoringPanel,
)
from masterstudio.experts.states import ASSIGNMENT_MACHINE


class ScoringError(Exception):
    """A refused action; ``str(exc)`` is a Chinese message that says what to do."""


# ---------------------------------------------------------------- rubrics

def save_rubric(rubric: Rubric, criteria: list[dict], *, actor=None) -> Rubric:
    """Replace a rubric's criteria. Refused once any expert has scored with it."""
    if not criteria:
        raise ScoringError("评分表至少需要一个评分项")
    with transaction.atomic():
        if rubric.pk and rubric.is_locked():
            raise ScoringError("已有专家使用此评分表评分，评分表不能再修改")
        rubric.save()
        rubric.criteria.all().delete()
        for order, item in enumerate(criteria, start=1):
            Criterion.objects.create(rubric=rubric, order=order, **item)
        record_event("rubric.saved", obj=rubric, actor=actor, clause="12" if rubric.purpose == "assessment" else "10",
                     data={"aggregation": rubric.aggregation,
                           "criteria": [{k: str(v) for k, v in c.items()} for c in criteria]})
    return rubric


# ---------------------------------------------------------------- panels and draws

def panel_for(subject, rubric: Rubric, *, opens_at, closes_at, year: int) -> ScoringPanel:
    if closes_at <= opens_at:
        raise ScoringError("评分截止时间必须晚于开始时间")
    content_type = ContentType.objects.get_for_model(subject)
    panel, created = ScoringPanel.objects.get_or_create(
        content_type=content_type, object_id=subject.pk, rubric=rubric,
        defaults={"opens_at": opens_at, "closes_at": closes_at, "year": year},
    )
    if not created and panel.opened_at is None and (panel.opens_at, panel.closes_at) != (opens_at, closes_at):
        panel.opens_at, panel.closes_at = opens_at, closes_at
        panel.save(update_fields=["opens_at", "closes_at"])
    return panel


def panels_of(subject):
    return ScoringPanel.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


def _load(expert_ids: list[int], year: int) -> dict[int, int]:
    from django.db.models import Count

    rows = (Assignment.objects.filter(expert_id__in=expert_ids, panel__year=year, state__in=ACTIVE_ASSIGNMENT_STATES)
            .values("expert_id").annotate(n=Count("id")))
    return {r["expert_id"]: r["n"] for r in rows}


def _screen(panels: list[ScoringPanel]) -> list[dict]:
    """Every expert of the pool, in id order, with the reasons they cannot sit on these panels."""
    subjects = [p.subject for p in panels]
    year = panels[0].year
    experts = list(Expert.objects.filter(active=True).order_by("id"))
    load = _load([e.id for e in experts], year)
    seated = set(Assignment.objects.filter(panel__in=panels).values_list("expert_id", flat=True))
    rows = []
    for expert in experts:
        reasons = []
        if expert.id in seated:
            reasons.append("已在评审组中")
        if not all(expert.matches(s.occupation_code, s.occupation_name) for s in subjects):
            reasons.append("专业领域与申报职业不符")
        for subject in subjects:
            for why in expert.conflicts_with(subject.unit):
                reasons.append(f"利益冲突：{why}（{subject.unit.name}）")
        if load.get(expert.id, 0) + len(panels) > expert.max_per_year:
            reasons.append(f"已达年度评审任务上限（{expert.max_per_year} 项）")
        rows.append({"id": expert.id, "name": expert.name, "eligible": not reasons, "reasons": reasons})
    return rows


def _pick(candidates: list[dict], size: int, seed: str) -> list[int]:
    eligible = [c["id"] for c in candidates if c["eligible"]]
    return sorted(random.Random(seed).sample(eligible, size))


def draw_experts(panels: list[ScoringPanel], size: int, *, seed: str | None = None, actor=None) -> Draw:
    """Draw ``size`` experts at random for one panel or a group of panels (the same experts sit on
    every panel of the group). Experts with a conflict with any subject, outside the occupation
    field, or at their yearly cap are excluded, each with the reason recorded. The seed and the
    candidate list are stored so the draw can be replayed for audit (:func:`replay_draw`)."""
    if not panels:
        raise ScoringError("请至少选择一个评审对象")
    if size < 1:
        raise ScoringError("抽取人数至少为 1 人")
    if any(not p.is_sealed for p in panels):
        raise ScoringError("评审组已开封，不能再抽取专家")
    seed = (seed or "").strip() or secrets.token_hex(8)
    with transaction.atomic():
        # Lock the panels so two staff drawing for the same subject at once draw one after the other.
        locked = list(ScoringPanel.objects.select_for_update().filter(pk__in=[p.pk for p in panels]).order_by("pk"))
        candidates = _screen(locked)
        eligible = sum(1 for c in candidates if c["eligible"])
        if eligible < size:
            raise ScoringError(f"符合条件（专业对口、无利益冲突、未超任务上限）的专家仅 {eligible} 人，不足 {size} 人；"
                               "请补充专家库或减少抽取人数")
        chosen = _pick(candidates, size, seed)
        draw = Draw.objects.create(seed=seed, size=size, candidates=candidates,
                                   excluded=[c for c in candidates if not c["eligible"]],
                                   chosen=chosen, drawn_by=actor if getattr(actor, "is_authenticated", False) else None)
        experts = {e.id: e for e in Expert.objects.filter(id__in=chosen).select_related("user")}
        try:
            with transaction.atomic():
                for panel in locked:
                    for expert_id in chosen:
                        Assignment.objects.create(panel=panel, expert=experts[expert_id], draw=draw)
        except IntegrityError as exc:
            raise ScoringError("抽取时评审组已发生变化，请刷新后重试") from exc
        for panel in locked:
            record_event("panel.drawn", obj=panel, actor=actor, clause=getattr(panel.subject, "scoring_clause", "10"),
                         data={"draw": draw.pk, "seed": seed, "size": size, "chosen": chosen,
                               "excluded": draw.excluded})
        notify([experts[i].user for i in chosen], "expert_assigned",
               {"count": len(locked), "closes_at": locked[0].closes_at}, url="/experts/tasks/")
    return draw


def replay_draw(draw: Draw) -> bool:
    """Recompute the draw from its recorded candidates and seed; True when it gives the same experts."""
    return _pick(draw.candidates, draw.size, draw.seed) == sorted(draw.chosen)


# ---------------------------------------------------------------- an expert's task

def _own(assignment: Assignment, user) -> Assignment:
    if assignment.expert.user_id != getattr(user, "pk", None):
        raise ScoringError("这不是分配给您的评审任务")
    return assignment


def declare(assignment: Assignment, user, *, conflict: bool, text: str = "") -> Assignment:
    """The expert's own declaration before scoring (a conflict recuses them)."""
    _own(assignment, user)
    if assignment.state != AssignmentState.DECLARING:
        raise ScoringError("您已声明过利益冲突情况")
    if conflict and not text.strip():
        raise ScoringError("请说明存在的利益冲突情况")
    target = AssignmentState.RECUSED if conflict else AssignmentState.SCORING
    statement = text.strip() or "本人与评审对象无利害关系，承诺公正评审"
    ASSIGNMENT_MACHINE.apply(assignment, target, actor=user, reason=statement,
                             extra_fields={"declaration": statement, "declared_at": timezone.now()})
    return assignment


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
    clean, errors = parse_scores(panel.rubric, raw, final=final)
    if errors:
        raise ScoringValidation(errors)
    with transaction.atomic():
        fresh = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if fresh.state != AssignmentState.SCORING:
            raise ScoringError("评分已提交，不能修改")
        for criterion_id, (points, comment) in clean.items():
            Score.objects.update_or_create(assignment=fresh, criterion_id=criterion_id,
                                           defaults={"points": points, "comment": comment})
        if final:
            total = weighted_total(fresh)
            ASSIGNMENT_MACHINE.apply(fresh, AssignmentState.SUBMITTED, actor=user,
                                     extra_fields={"submitted_at": now, "total": total},
                                     data={"criteria": len(clean)})
            assignment.state, assignment.total, assignment.submitted_at = fresh.state, total, now
    return assignment


class ScoringValidation(ScoringError):
    def __init__(self, errors: dict[int, str]):
        super().__init__("评分有误，请按提示修改")
        self.errors = errors


def weighted_total(assignment: Assignment) -> Decimal:
    total = Decimal("0")
    for score in assignment.scores.select_related("criterion"):
        total += score.points * score.criterion.weight
    return total.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- opening and results

def open_panel(panel: ScoringPanel, *, actor=None) -> ScoringPanel:
    """Unseal a panel's scores for staff. Allowed when every expert still on the panel has
    submitted, or when the window has closed and at least one has."""
    with transaction.atomic():
        panel = ScoringPanel.objects.select_for_update().get(pk=panel.pk)
        if panel.opened_at is not None:
            raise ScoringError("评审组已开封，无需重复操作")
        states = list(panel.assignments.values_list("state", flat=True))
        submitted = states.count(AssignmentState.SUBMITTED)
        pending = sum(1 for s in states if s in (AssignmentState.DECLARING, AssignmentState.SCORING))
        if submitted == 0:
            raise ScoringError("尚无专家提交评分，不能开封")
        if pending and timezone.now() < panel.closes_at:
            raise ScoringError(f"还有 {pending} 位专家未提交评分；评分截止前须全部提交后才能开封")
        panel.opened_at, panel.opened_by = timezone.now(), actor
        panel.save(update_fields=["opened_at", "opened_by"])
        record_event("panel.opened", obj=panel, actor=actor, clause=getattr(panel.subject, "scoring_clause", "10"),
                     data={"submitted": submitted, "not_submitted": pending})
    return panel


def panel_summary(panel: ScoringPanel) -> Summary:
    totals = [a.total for a in panel.assignments.all() if a.state == AssignmentState.SUBMITTED]
    return aggregate(totals, panel.rubric.aggregation)
