"""Drawing experts for panels: the screening, a draw (or one per panel), a replacement for
experts who recused, and replaying a recorded draw."""

from __future__ import annotations

import random
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from masterstudio.core.events import appended_together, record_event, record_events
from masterstudio.core.notify import notify, notify_many
from masterstudio.experts.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    AssignmentState,
    Draw,
    Expert,
    ScoringPanel,
)
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.panels import keep_loaded, panel_counts, require_business


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


def _load(expert_ids: list[int], year: int) -> dict[int, int]:
    """Active assignments of each expert in panels of ``year``: read from the partial index
    ``assignment_active_load`` (year, expert) alone, however many tasks the year holds."""
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
            keep_loaded(given[panel.pk], panel)
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
        for given, seed in zip(panels, seeds, strict=False):
            panel = locked[given.pk]
            keep_loaded(given, panel)
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
                        for panel, draw in zip(plans, draws, strict=False)
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
            for panel, draw in zip(plans, draws, strict=False)
        )
        notify_many(
            [
                (
                    [by_id[i].user for i in draw.chosen],
                    "expert_assigned",
                    {"count": 1, "closes_at": panel.closes_at},
                    reverse("experts:tasks"),
                )
                for panel, draw in zip(plans, draws, strict=False)
            ]
        )
    return draws, skipped


def replay_draw(draw: Draw) -> bool:
    """Recompute the draw from its recorded candidates and seed; True when it gives the same experts."""
    return _pick(draw.candidates, draw.size, draw.seed) == sorted(draw.chosen)


# ---------------------------------------------------------------- an expert's task

# ---------------------------------------------------------------- a replacement for experts who recused


def draw_replacement(panel: ScoringPanel, *, seed: str | None = None, actor) -> Draw:
    """Fill the seats of experts who recused from ``panel``, drawn from the screening recorded by
    the panel's draw (the same candidates with their reasons; those already on the panel, those
    who recused, those gone from the pool or at their yearly cap now excluded, each with the
    reason). The replacement is its own draw record (``replaces`` the original), replayable like
    any draw. Refused, writing nothing, when the panel is open or full, or too few remain."""
    require_business(actor, "补抽专家")
    seed = (seed or "").strip() or secrets.token_hex(8)
    return _until_held(lambda: _replace_once(panel, seed, actor))


def _replace_once(panel: ScoringPanel, seed: str, actor) -> Draw:
    with transaction.atomic(), appended_together():
        locked = ScoringPanel.objects.select_for_update().get(pk=panel.pk)
        keep_loaded(panel, locked)
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
