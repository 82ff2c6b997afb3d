"""A panel's result: a short panel accepted with a reason, opening panels, the summary of the scores."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from masterstudio.core.events import record_event, record_events
from masterstudio.experts.aggregate import Summary, aggregate
from masterstudio.experts.models import AssignmentState, ScoringPanel
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.panels import keep_loaded, panel_counts, require_business


def accept_short(panel: ScoringPanel, *, reason: str, actor) -> ScoringPanel:
    """Staff choose to have the panel's grade computed on fewer experts than its size (after a
    recusal that could not be replaced, or an expert who did not score), with the reason, which is
    recorded on the panel and in the log. Without it a short panel is not opened."""
    require_business(actor, "确认按现有人数计算")
    if not (reason or "").strip():
        raise ScoringError("请填写按现有人数计算的理由（如：专家库中已无可补抽的专家）")
    with transaction.atomic():
        locked = ScoringPanel.objects.select_for_update().get(pk=panel.pk)
        keep_loaded(panel, locked)
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
            keep_loaded(given, panel)
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
