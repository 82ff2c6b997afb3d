"""Writes for the expert pool and scoring. Generic over the subject being judged (an application
under Art. 10, a studio under Art. 12): a subject offers ``unit``, ``occupation_code`` and
``occupation_name``."""

from __future__ import annotations

import random
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from masterstudio.core.events import appended_together, record_event, record_events
from masterstudio.core.notify import notify, notify_many
from masterstudio.core.transitions import ConcurrentTransition
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
        record_event(
            "rubric.saved",
            obj=rubric,
            actor=actor,
            clause="12" if rubric.purpose == "assessment" else "10",
            data={"aggregation": rubric.aggregation, "criteria": [{k: str(v) for k, v in c.items()} for c in criteria]},
        )
    return rubric


# ---------------------------------------------------------------- panels and draws


def panel_for(subject, rubric: Rubric, *, opens_at, closes_at, year: int) -> ScoringPanel:
    if closes_at <= opens_at:
        raise ScoringError("评分截止时间必须晚于开始时间")
    content_type = ContentType.objects.get_for_model(subject)
    panel, created = ScoringPanel.objects.get_or_create(
        content_type=content_type,
        object_id=subject.pk,
        rubric=rubric,
        defaults={"opens_at": opens_at, "closes_at": closes_at, "year": year},
    )
    if not created and panel.opened_at is None and (panel.opens_at, panel.closes_at) != (opens_at, closes_at):
        panel.wanted_window = (opens_at, closes_at)  # moved by the draw, once it is sure to go ahead
    panel.subject = subject  # known: spares reading it back through the generic relation
    return panel


def panels_for(subjects: list, rubric: Rubric, *, opens_at, closes_at, year: int) -> list[ScoringPanel]:
    """:func:`panel_for` for several subjects of one kind at once (e.g. every studio of an
    assessment year): the panels that exist are kept, the others are created together. In the order
    of ``subjects``. A sealed panel's new window is only noted (``wanted_window``): the draw moves
    it after its checks, so a refused draw leaves the window as it was (:func:`_move_windows`)."""
    if closes_at <= opens_at:
        raise ScoringError("评分截止时间必须晚于开始时间")
    if not subjects:
        return []
    content_type = ContentType.objects.get_for_model(subjects[0])
    existing = {
        p.object_id: p
        for p in ScoringPanel.objects.filter(
            content_type=content_type, rubric=rubric, object_id__in=[s.pk for s in subjects]
        )
    }
    missing = [
        ScoringPanel(
            content_type=content_type, object_id=s.pk, rubric=rubric, opens_at=opens_at, closes_at=closes_at, year=year
        )
        for s in subjects
        if s.pk not in existing
    ]
    try:
        with transaction.atomic():
            ScoringPanel.objects.bulk_create(missing)
    except IntegrityError:  # some were created meanwhile: one by one, as panel_for does
        return [panel_for(s, rubric, opens_at=opens_at, closes_at=closes_at, year=year) for s in subjects]
    for panel in existing.values():
        if panel.opened_at is None and (panel.opens_at, panel.closes_at) != (opens_at, closes_at):
            panel.wanted_window = (opens_at, closes_at)  # moved by the draw, once it is sure to go ahead
    created = {p.object_id: p for p in missing}
    panels = []
    for subject in subjects:
        panel = existing.get(subject.pk) or created[subject.pk]
        panel.subject = subject
        panels.append(panel)
    return panels


def _keep_loaded(source, target) -> None:
    """Copy the related objects already loaded on ``source`` (the same row read earlier, e.g.
    before it was read again under lock) to ``target`` where ``target`` points at the same rows,
    so describing ``target`` reads nothing again."""
    for field in type(source)._meta.get_fields():
        if not getattr(field, "is_relation", False) or not hasattr(field, "is_cached"):
            continue
        if isinstance(field, GenericForeignKey):
            keys = [field.ct_field + "_id", field.fk_field]
        elif field.concrete and (field.many_to_one or field.one_to_one):
            keys = [field.attname]
        else:
            continue
        if (
            field.is_cached(source)
            and not field.is_cached(target)
            and all(getattr(source, k) == getattr(target, k) for k in keys)
        ):
            field.set_cached_value(target, field.get_cached_value(source))


def _move_windows(given: dict[int, ScoringPanel], panels: list[ScoringPanel]) -> None:
    """Give each of ``panels`` (read under lock) the window its caller asked for (``wanted_window``
    on the panel as given). Called by a draw once every check has passed: check before write."""
    moved = []
    for panel in panels:
        wanted = getattr(given[panel.pk], "wanted_window", None)
        if wanted and panel.is_sealed and (panel.opens_at, panel.closes_at) != wanted:
            panel.opens_at, panel.closes_at = wanted
            moved.append(panel)
    if moved:
        ScoringPanel.objects.bulk_update(moved, ["opens_at", "closes_at"])
    for panel in panels:
        given[panel.pk].opens_at, given[panel.pk].closes_at = panel.opens_at, panel.closes_at


def panels_of(subject):
    return ScoringPanel.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


def _load(expert_ids: list[int], year: int) -> dict[int, int]:
    """Active assignments of each expert in panels of ``year``: read from the partial index
    ``assignment_active_load`` (year, expert) alone, however many tasks the year holds."""
    from django.db.models import Count

    rows = (
        Assignment.objects.filter(year=year, expert_id__in=expert_ids, state__in=ACTIVE_ASSIGNMENT_STATES)
        .order_by()
        .values("expert_id")
        .annotate(n=Count("id"))
        .values_list("expert_id", "n")
    )
    return dict(rows)


def _screen(panels: list[ScoringPanel]) -> list[dict]:
    """Every expert of the pool, in id order, with the reasons they cannot sit on these panels."""
    experts = list(Expert.objects.filter(active=True).order_by("id"))
    load = _load([e.id for e in experts], panels[0].year)
    seated = set(Assignment.objects.filter(panel__in=panels).values_list("expert_id", flat=True))
    return _screened(experts, load, seated, panels)


def _screened(experts: list[Expert], load: dict[int, int], seated: set[int], panels: list[ScoringPanel]) -> list[dict]:
    """:func:`_screen` from what it reads: the pool, each expert's tasks this year, who already sits."""
    subjects = [p.subject for p in panels]
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


class _CapTaken(Exception):
    """A chosen expert's last task of the year went to a draw that committed after the screening."""


_DRAW_ATTEMPTS = 5


def _hold(added: dict[int, int], year: int) -> None:
    """Lock the chosen experts' rows (in id order, so two draws never wait on each other in a
    circle) and count their tasks of the year again. A draw that seated one of them and committed
    since the screening is seen now; one still drawing any of them waits until this one ends and
    then counts it. So draws that choose different experts run at the same time, and the yearly cap
    holds. Raises :class:`_CapTaken` (the caller draws again from a fresh screening) when a chosen
    expert no longer has room for the ``added`` tasks."""
    caps = dict(
        Expert.objects.select_for_update().filter(id__in=list(added)).order_by("id").values_list("id", "max_per_year")
    )
    load = _load(list(added), year)
    if any(load.get(expert_id, 0) + n > caps.get(expert_id, 0) for expert_id, n in added.items()):
        raise _CapTaken


def draw_experts(panels: list[ScoringPanel], size: int, *, seed: str | None = None, actor=None) -> Draw:
    """Draw ``size`` experts at random for one panel or a group of panels (the same experts sit on
    every panel of the group). Experts with a conflict with any subject, outside the occupation
    field, or at their yearly cap are excluded, each with the reason recorded. The seed and the
    candidate list (as screened when the draw was made) are stored so the draw can be replayed for
    audit (:func:`replay_draw`). The panels are locked, so two draws for one panel run one after the
    other; the chosen experts are locked and their load counted again before their tasks are
    written (:func:`_hold`), and should another draw have taken a chosen expert's last task meanwhile,
    the draw is made again from a fresh screening."""
    if not panels:
        raise ScoringError("请至少选择一个评审对象")
    if size < 1:
        raise ScoringError("抽取人数至少为 1 人")
    if any(not p.is_sealed for p in panels):
        raise ScoringError("评审组已开封，不能再抽取专家")
    seed = (seed or "").strip() or secrets.token_hex(8)
    return _until_held(lambda: _draw_once(panels, size, seed, actor))


def _until_held(attempt):
    """``attempt()`` again, from a fresh screening, while a chosen expert's last task was taken
    meanwhile (:func:`_hold`); a few times at most."""
    for _ in range(_DRAW_ATTEMPTS):
        try:
            return attempt()
        except _CapTaken:
            continue
    raise ScoringError("抽取时专家的年度评审任务数正在变化（其他抽取同时进行），请稍后重试")


def _too_few(eligible: int, size: int) -> str:
    return (
        f"符合条件（专业对口、无利益冲突、未超任务上限）的专家仅 {eligible} 人，不足 {size} 人；"
        "请补充专家库或减少抽取人数"
    )


def _draw_once(panels: list[ScoringPanel], size: int, seed: str, actor) -> Draw:
    with transaction.atomic(), appended_together():
        locked = list(ScoringPanel.objects.select_for_update().filter(pk__in=[p.pk for p in panels]).order_by("pk"))
        given = {p.pk: p for p in panels}
        for panel in locked:
            _keep_loaded(given[panel.pk], panel)
        candidates = _screen(locked)
        eligible = sum(1 for c in candidates if c["eligible"])
        if eligible < size:
            raise ScoringError(_too_few(eligible, size))
        chosen = _pick(candidates, size, seed)
        _hold({expert_id: len(locked) for expert_id in chosen}, locked[0].year)
        _move_windows(given, locked)
        draw = Draw.objects.create(
            seed=seed,
            size=size,
            candidates=candidates,
            excluded=[c for c in candidates if not c["eligible"]],
            chosen=chosen,
            drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        experts = {e.id: e for e in Expert.objects.filter(id__in=chosen).select_related("user")}
        try:
            with transaction.atomic():
                Assignment.objects.bulk_create(
                    [
                        Assignment(panel=panel, expert=experts[expert_id], draw=draw, year=panel.year)
                        for panel in locked
                        for expert_id in chosen
                    ]
                )
        except IntegrityError as exc:
            raise ScoringError("抽取时评审组已发生变化，请刷新后重试") from exc
        record_events(
            {
                "action": "panel.drawn",
                "obj": panel,
                "actor": actor,
                "clause": getattr(panel.subject, "scoring_clause", "10"),
                "data": {"draw": draw.pk, "seed": seed, "size": size, "chosen": chosen, "excluded": draw.excluded},
            }
            for panel in locked
        )
        notify(
            [experts[i].user for i in chosen],
            "expert_assigned",
            {"count": len(locked), "closes_at": locked[0].closes_at},
            url=reverse("experts:tasks"),
        )
    return draw


def draw_each(panels: list[ScoringPanel], size: int, *, seeds: list[str | None], actor=None) -> tuple[list, list]:
    """:func:`draw_experts` once for each panel of one year (e.g. every studio of an annual
    assessment), in the order given: the same draws, assignments, events and notifications as
    calling it panel by panel, in one transaction. The pool, the year's tasks and who already sits
    are read once; each draw then counts the tasks the draws before it gave. Returns (the draws
    made, (panel, reason) for each panel that could not be drawn) — a panel short of eligible
    experts is skipped with the same reason :func:`draw_experts` gives, the others go ahead."""
    if size < 1:
        raise ScoringError("抽取人数至少为 1 人")
    if not panels:
        return [], []
    if len({p.year for p in panels}) != 1:
        raise ScoringError("一次批量抽取只能针对同一年度的评审组")
    return _until_held(lambda: _draw_each_once(panels, size, seeds, actor))


def _draw_each_once(panels: list[ScoringPanel], size: int, seeds: list[str | None], actor) -> tuple[list, list]:
    drawn_by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic(), appended_together():
        locked = {
            p.pk: p
            for p in ScoringPanel.objects.select_for_update().filter(pk__in=[p.pk for p in panels]).order_by("pk")
        }
        experts = list(Expert.objects.filter(active=True).select_related("user").order_by("id"))
        load = _load([e.id for e in experts], panels[0].year)
        seated: dict[int, set[int]] = {}
        for panel_id, expert_id in Assignment.objects.filter(panel__in=list(locked)).values_list(
            "panel_id", "expert_id"
        ):
            seated.setdefault(panel_id, set()).add(expert_id)
        draws, skipped, plans = [], [], []
        for given, seed in zip(panels, seeds):
            panel = locked[given.pk]
            _keep_loaded(given, panel)
            if not panel.is_sealed:
                skipped.append((given, "评审组已开封，不能再抽取专家"))
                continue
            candidates = _screened(experts, load, seated.get(panel.pk, set()), [panel])
            eligible = sum(1 for c in candidates if c["eligible"])
            if eligible < size:
                skipped.append((given, _too_few(eligible, size)))
                continue
            seed = (seed or "").strip() or secrets.token_hex(8)
            chosen = _pick(candidates, size, seed)
            for expert_id in chosen:
                load[expert_id] = load.get(expert_id, 0) + 1
            draws.append(
                Draw(
                    seed=seed,
                    size=size,
                    candidates=candidates,
                    excluded=[c for c in candidates if not c["eligible"]],
                    chosen=chosen,
                    drawn_by=drawn_by,
                )
            )
            plans.append(panel)
        if not draws:
            return [], skipped
        added: dict[int, int] = {}
        for draw in draws:
            for expert_id in draw.chosen:
                added[expert_id] = added.get(expert_id, 0) + 1
        _hold(added, panels[0].year)
        _move_windows({p.pk: p for p in panels}, plans)
        Draw.objects.bulk_create(draws)
        by_id = {e.id: e for e in experts}
        try:
            with transaction.atomic():
                Assignment.objects.bulk_create(
                    [
                        Assignment(panel=panel, expert=by_id[expert_id], draw=draw, year=panel.year)
                        for panel, draw in zip(plans, draws)
                        for expert_id in draw.chosen
                    ]
                )
        except IntegrityError as exc:
            raise ScoringError("抽取时评审组已发生变化，请刷新后重试") from exc
        record_events(
            {
                "action": "panel.drawn",
                "obj": panel,
                "actor": actor,
                "clause": getattr(panel.subject, "scoring_clause", "10"),
                "data": {
                    "draw": draw.pk,
                    "seed": draw.seed,
                    "size": size,
                    "chosen": draw.chosen,
                    "excluded": draw.excluded,
                },
            }
            for panel, draw in zip(plans, draws)
        )
        notify_many(
            [
                (
                    [by_id[i].user for i in draw.chosen],
                    "expert_assigned",
                    {"count": 1, "closes_at": panel.closes_at},
                    reverse("experts:tasks"),
                )
                for panel, draw in zip(plans, draws)
            ]
        )
    return draws, skipped


def replay_draw(draw: Draw) -> bool:
    """Recompute the draw from its recorded candidates and seed; True when it gives the same experts."""
    return _pick(draw.candidates, draw.size, draw.seed) == sorted(draw.chosen)


# ---------------------------------------------------------------- an expert's task


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


BUSINESS_DUTIES = ("reviewer", "approver")


def _tell_staff_of_recusal(assignment: Assignment, statement: str) -> None:
    """The business staff are told at once that the panel is short and can draw a replacement."""
    from masterstudio.accounts.models import User

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
        _keep_loaded(assignment, fresh)
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


class ScoringValidation(ScoringError):
    def __init__(self, errors: dict[int, str]):
        super().__init__("评分有误，请按提示修改")
        self.errors = errors


def weighted_total(assignment: Assignment) -> Decimal:
    total = Decimal("0")
    for score in assignment.scores.select_related("criterion"):
        total += score.points * score.criterion.weight
    return total.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- recusals: replacement or a short panel


def panel_counts(panel_ids) -> dict[int, dict]:
    """For each panel: ``size`` (the experts it was drawn for: the sizes of its draws, replacements
    aside), ``seated`` (tasks not recused), ``recused``, ``submitted``, ``pending`` (to declare or
    score) and ``short`` (seats a replacement could fill: size − seated)."""
    counts = {pk: {"size": 0, "seated": 0, "recused": 0, "submitted": 0, "pending": 0, "short": 0} for pk in panel_ids}
    sizes: dict[int, dict[int, int]] = {}
    rows = (
        Assignment.objects.filter(panel_id__in=list(panel_ids))
        .order_by()
        .values_list("panel_id", "state", "draw_id", "draw__size", "draw__replaces_id")
    )
    for panel_id, state, draw_id, size, replaces in rows:
        row = counts[panel_id]
        if replaces is None:
            sizes.setdefault(panel_id, {})[draw_id] = size
        if state == AssignmentState.RECUSED:
            row["recused"] += 1
            continue
        row["seated"] += 1
        if state == AssignmentState.SUBMITTED:
            row["submitted"] += 1
        else:
            row["pending"] += 1
    for panel_id, row in counts.items():
        row["size"] = sum(sizes.get(panel_id, {}).values())
        row["short"] = max(0, row["size"] - row["seated"])
    return counts


def _business(actor, what: str) -> None:
    if actor is None or not any(actor.has_duty(d) for d in BUSINESS_DUTIES):
        raise ScoringError(f"只有具有审核或审批职责的工作人员可以{what}")


def draw_replacement(panel: ScoringPanel, *, seed: str | None = None, actor) -> Draw:
    """Fill the seats of experts who recused from ``panel``, drawn from the screening recorded by
    the panel's draw (the same candidates with their reasons; those already on the panel, those
    who recused, those gone from the pool or at their yearly cap now excluded, each with the
    reason). The replacement is its own draw record (``replaces`` the original), replayable like
    any draw. Refused, writing nothing, when the panel is open or full, or too few remain."""
    _business(actor, "补抽专家")
    seed = (seed or "").strip() or secrets.token_hex(8)
    return _until_held(lambda: _replace_once(panel, seed, actor))


def _replace_once(panel: ScoringPanel, seed: str, actor) -> Draw:
    with transaction.atomic(), appended_together():
        locked = ScoringPanel.objects.select_for_update().get(pk=panel.pk)
        _keep_loaded(panel, locked)
        if not locked.is_sealed:
            raise ScoringError("评审组已开封，不能再补抽专家")
        counts = panel_counts([locked.pk])[locked.pk]
        if counts["short"] <= 0:
            raise ScoringError(f"评审组应有 {counts['size']} 位专家，现有 {counts['seated']} 位在组，无需补抽")
        original = (
            Draw.objects.filter(assignments__panel=locked, replaces__isnull=True).order_by("-drawn_at", "-pk").first()
        )
        on_panel = dict(Assignment.objects.filter(panel=locked).values_list("expert_id", "state"))
        ids = [c["id"] for c in original.candidates]
        experts = {e.id: e for e in Expert.objects.filter(id__in=ids).select_related("user")}
        load = _load(ids, locked.year)
        candidates = []
        for c in original.candidates:
            reasons = list(c["reasons"])
            state = on_panel.get(c["id"])
            expert = experts.get(c["id"])
            if state == AssignmentState.RECUSED:
                reasons.append("已申请回避")
            elif state is not None and "已在评审组中" not in reasons:
                reasons.append("已在评审组中")
            if expert is None or not expert.active:
                reasons.append("已不在专家库中")
            elif not reasons and load.get(expert.id, 0) + 1 > expert.max_per_year:
                reasons.append(f"已达年度评审任务上限（{expert.max_per_year} 项）")
            candidates.append({"id": c["id"], "name": c["name"], "eligible": not reasons, "reasons": reasons})
        short = counts["short"]
        eligible = sum(1 for c in candidates if c["eligible"])
        if eligible < short:
            raise ScoringError(
                f"原抽取（#{original.pk}）筛选出的专家中可补抽的仅 {eligible} 人，不足 {short} 人；"
                "请补充专家库后重新抽取，或说明理由后按现有人数计算"
            )
        chosen = _pick(candidates, short, seed)
        _hold({expert_id: 1 for expert_id in chosen}, locked.year)
        recused = sorted(i for i, st in on_panel.items() if st == AssignmentState.RECUSED)
        draw = Draw.objects.create(
            seed=seed,
            size=short,
            candidates=candidates,
            excluded=[c for c in candidates if not c["eligible"]],
            chosen=chosen,
            drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
            replaces=original,
            reason=f"{len(recused)} 位专家申请回避，补足 {counts['size']} 人",
        )
        Assignment.objects.bulk_create(
            [Assignment(panel=locked, expert=experts[i], draw=draw, year=locked.year) for i in chosen]
        )
        record_event(
            "panel.replacement_drawn",
            obj=locked,
            actor=actor,
            clause=getattr(locked.subject, "scoring_clause", "10"),
            reason=draw.reason,
            data={
                "draw": draw.pk,
                "replaces": original.pk,
                "seed": seed,
                "size": short,
                "chosen": chosen,
                "recused": recused,
            },
        )
        notify(
            [experts[i].user for i in chosen],
            "expert_assigned",
            {"count": 1, "closes_at": locked.closes_at},
            url=reverse("experts:tasks"),
        )
    return draw


def accept_short(panel: ScoringPanel, *, reason: str, actor) -> ScoringPanel:
    """Staff choose to have the panel's grade computed on fewer experts than its size (after a
    recusal that could not be replaced, or an expert who did not score), with the reason, which is
    recorded on the panel and in the log. Without it a short panel is not opened."""
    _business(actor, "确认按现有人数计算")
    if not (reason or "").strip():
        raise ScoringError("请填写按现有人数计算的理由（如：专家库中已无可补抽的专家）")
    with transaction.atomic():
        locked = ScoringPanel.objects.select_for_update().get(pk=panel.pk)
        _keep_loaded(panel, locked)
        if not locked.is_sealed:
            raise ScoringError("评审组已开封，无需确认")
        counts = panel_counts([locked.pk])[locked.pk]
        if counts["short"] == 0 and counts["pending"] == 0:
            raise ScoringError(f"评审组 {counts['size']} 位专家均已提交评分，人数已足，无需确认")
        now = timezone.now()
        ScoringPanel.objects.filter(pk=locked.pk).update(
            short_reason=reason.strip(), short_accepted_at=now, short_accepted_by=actor
        )
        locked.short_reason, locked.short_accepted_at, locked.short_accepted_by = reason.strip(), now, actor
        record_event(
            "panel.short_accepted",
            obj=locked,
            actor=actor,
            clause=getattr(locked.subject, "scoring_clause", "10"),
            reason=reason.strip(),
            data={
                "size": counts["size"],
                "seated": counts["seated"],
                "recused": counts["recused"],
                "submitted": counts["submitted"],
            },
        )
    return locked


# ---------------------------------------------------------------- opening and results


def open_panel(panel: ScoringPanel, *, actor=None) -> ScoringPanel:
    """Unseal a panel's scores for staff. Allowed when every expert still on the panel has
    submitted, or when the window has closed and at least one has."""
    opened, refused = open_panels([panel], actor=actor)
    if refused:
        raise ScoringError(refused[panel.pk])
    return opened[0]


def open_panels(panels: list[ScoringPanel], *, actor=None) -> tuple[list[ScoringPanel], dict[int, str]]:
    """:func:`open_panel` for several panels at once (e.g. every studio of an assessment year), each
    by the same rule and with its own ``panel.opened`` event, in the order given. Returns the
    opened panels (read again under lock) and, by panel id, why each other one was not opened."""
    opened, refused = [], {}
    if not panels:
        return opened, refused
    with transaction.atomic(savepoint=False):  # nothing to recover inside: an error undoes the caller's transaction
        locked = {
            p.pk: p
            for p in ScoringPanel.objects.select_for_update().filter(pk__in=[p.pk for p in panels]).order_by("pk")
        }
        tallies = panel_counts(list(locked))
        now = timezone.now()
        counts = {}
        for given in panels:
            panel = locked[given.pk]
            if panel.pk in counts or panel.pk in refused:  # listed twice
                continue
            _keep_loaded(given, panel)
            if panel.opened_at is not None:
                refused[panel.pk] = "评审组已开封，无需重复操作"
                continue
            tally = tallies[panel.pk]
            submitted, pending = tally["submitted"], tally["pending"]
            if submitted == 0:
                refused[panel.pk] = "尚无专家提交评分，不能开封"
                continue
            if pending and now < panel.closes_at:
                refused[panel.pk] = f"还有 {pending} 位专家未提交评分；评分截止前须全部提交后才能开封"
                continue
            if submitted < tally["size"] and panel.short_accepted_at is None:
                # never a grade on fewer experts than the panel's size unless staff chose it, with a reason
                why = (
                    "、".join(
                        part
                        for part in (
                            f"{tally['recused']} 位回避" if tally["recused"] else "",
                            f"{pending} 位未提交" if pending else "",
                        )
                        if part
                    )
                    or "人数不足"
                )
                refused[panel.pk] = (
                    f"评审组应有 {tally['size']} 位专家评分，仅 {submitted} 位提交（{why}）；"
                    "请补抽专家，或说明理由后确认按现有人数计算"
                )
                continue
            counts[panel.pk] = (submitted, pending)
            opened.append(panel)
        if opened:
            ScoringPanel.objects.filter(pk__in=[p.pk for p in opened]).update(opened_at=now, opened_by=actor)
            for panel in opened:
                panel.opened_at, panel.opened_by = now, actor
            record_events(
                {
                    "action": "panel.opened",
                    "obj": panel,
                    "actor": actor,
                    "clause": getattr(panel.subject, "scoring_clause", "10"),
                    "data": {"submitted": counts[panel.pk][0], "not_submitted": counts[panel.pk][1]},
                }
                for panel in opened
            )
    return opened, refused


def panel_summary(panel: ScoringPanel) -> Summary:
    totals = [a.total for a in panel.assignments.all() if a.state == AssignmentState.SUBMITTED]
    return aggregate(totals, panel.rubric.aggregation)
