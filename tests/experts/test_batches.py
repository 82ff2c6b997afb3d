"""Scoring services that work on several panels or criteria at once (issue 9): the same rules and
the same audit events as one at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masterstudio.core.events import events_for, verify_chain
from masterstudio.experts.models import Assignment, Score, ScoringPanel
from masterstudio.experts.services import ScoringError
from masterstudio.experts.services.draws import draw_each, draw_experts
from masterstudio.experts.services.panels import panel_for, panels_for
from masterstudio.experts.services.results import accept_short, open_panel, open_panels
from masterstudio.experts.services.tasks import declare, save_scores, weighted_total
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_panels(cast, unit_a, unit_b):
    first, second = f.ready_for_experts(cast, unit_a, unit_b)
    for i in range(3):
        f.make_expert(f"e{i}", name=f"专家{i}")
    for application, seed in ((first, "a"), (second, "b")):
        f.draw_panel([application], cast["reviewer"], size=3, seed=seed)
    return first, second


def _panel(application):
    return ScoringPanel.objects.get(object_id=application.pk)


def test_open_panels_opens_the_ready_ones_and_says_why_not_the_others(two_panels, cast):
    first, second = two_panels
    f.score_all(first)
    panels = [_panel(first), _panel(second)]
    opened, refused = open_panels(panels, actor=cast["reviewer"])
    assert [p.pk for p in opened] == [panels[0].pk]
    assert refused == {panels[1].pk: "尚无专家提交评分，不能开封"}
    a = Assignment.objects.filter(panel=panels[1]).select_related("expert__user", "panel__rubric").first()
    declare(a, a.expert.user, conflict=False)
    save_scores(a, a.expert.user, {c.pk: ("20", "") for c in a.panel.rubric.criteria.all()}, final=True)
    _, refused = open_panels([_panel(second)], actor=cast["reviewer"])
    assert refused == {panels[1].pk: "还有 2 位专家未提交评分；评分截止前须全部提交后才能开封"}
    assert _panel(first).opened_by == cast["reviewer"] and _panel(second).opened_at is None
    event = [e for e in events_for(panels[0]) if e.action == "panel.opened"]
    assert len(event) == 1 and event[0].data == {"submitted": 3, "not_submitted": 0} and event[0].clause == "10"
    assert event[0].object_repr == f"评审组：{first}"
    assert not [e for e in events_for(panels[1]) if e.action == "panel.opened"]
    again, refused = open_panels([_panel(first)], actor=cast["reviewer"])
    assert again == [] and list(refused.values()) == ["评审组已开封，无需重复操作"]
    with pytest.raises(ScoringError, match="已开封"):
        open_panel(_panel(first), actor=cast["reviewer"])
    assert verify_chain()[1] is None


def test_a_closed_window_opens_with_the_scores_given(two_panels, cast):
    _, second = two_panels
    a = Assignment.objects.filter(panel__object_id=second.pk).select_related("expert__user", "panel__rubric").first()
    declare(a, a.expert.user, conflict=False)
    save_scores(a, a.expert.user, {c.pk: ("20", "") for c in a.panel.rubric.criteria.all()}, final=True)
    ScoringPanel.objects.filter(pk=a.panel_id).update(
        closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=3)
    )
    # issue 16 point 10: fewer scores than the panel's size only when staff choose it, with a reason
    _, refused = open_panels([_panel(second)], actor=cast["reviewer"])
    assert list(refused.values()) == [
        "评审组应有 3 位专家评分，仅 1 位提交（2 位未提交）；请补抽专家，或说明理由后确认按现有人数计算"
    ]
    accept_short(_panel(second), reason="评分截止，两位专家未提交", actor=cast["reviewer"])
    opened, refused = open_panels([_panel(second)], actor=cast["reviewer"])
    assert len(opened) == 1 and refused == {}
    logged = [e.data for e in events_for(opened[0]) if e.action == "panel.opened"]
    assert logged == [{"submitted": 1, "not_submitted": 2}]


def test_panels_for_keeps_existing_panels_and_creates_the_rest(two_panels):
    first, second = two_panels
    rubric = _panel(first).rubric
    now = timezone.now()
    panels = panels_for([second, first], rubric, opens_at=now, closes_at=now + timedelta(days=1), year=2026)
    assert [p.pk for p in panels] == [_panel(second).pk, _panel(first).pk]  # the drawn panels, kept
    assert ScoringPanel.objects.count() == 2 and panels[0].subject == second
    with pytest.raises(ScoringError, match="截止时间必须晚于"):
        panels_for([first], rubric, opens_at=now, closes_at=now, year=2026)
    assert panels_for([], rubric, opens_at=now, closes_at=now + timedelta(days=1), year=2026) == []


def test_a_draft_then_the_final_scores_update_in_place(two_panels):
    first, _ = two_panels
    a = Assignment.objects.filter(panel__object_id=first.pk).select_related("expert__user", "panel__rubric").first()
    criteria = list(a.panel.rubric.criteria.all())
    declare(a, a.expert.user, conflict=False)
    save_scores(a, a.expert.user, {criteria[0].pk: ("12", "初评")}, final=False)
    draft = Score.objects.get(assignment=a, criterion=criteria[0])
    raw = {
        c.pk: (p, "示范作用不足" if c == criteria[0] else "")
        for c, p in zip(criteria, ["14", "20", "20", "15"], strict=False)
    }
    save_scores(a, a.expert.user, raw, final=True)
    scores = {s.criterion_id: s for s in Score.objects.filter(assignment=a)}
    assert len(scores) == 4 and scores[criteria[0].pk].pk == draft.pk
    assert (str(scores[criteria[0].pk].points), scores[criteria[0].pk].comment) == ("14.00", "示范作用不足")
    a.refresh_from_db()
    assert a.state == "submitted" and str(a.total) == str(weighted_total(a)) == "69.00"


class _Undo(Exception):
    pass


def _three_panels(cast, unit_a, unit_b):
    apps = f.ready_for_experts(cast, unit_a, unit_b, third=True)
    rubric = apps[0].round.rubrics.get(purpose="application")
    now = timezone.now()
    return [
        panel_for(a, rubric, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=3), year=a.round.year)
        for a in apps
    ]


def test_drawing_each_panel_in_one_go_is_drawing_them_one_by_one(cast, unit_a, unit_b, mailoutbox):
    from django.db import transaction

    from masterstudio.core.models import Event, Notification
    from masterstudio.experts.models import Draw

    panels = _three_panels(cast, unit_a, unit_b)
    for i in range(3):  # three experts, two tasks each this year, six tasks to give: the cap binds
        f.make_expert(f"cap{i}", name=f"专家{i}", max_per_year=2)
    f.make_expert("same_unit", name="同单位专家", employer=unit_a.name)
    seeds = ["s-0", "s-1", "s-2"]

    def outcome(draws):
        return [(d.seed, sorted(d.chosen), d.candidates, d.excluded) for d in draws]

    events_before, notes_before = Event.objects.count(), Notification.objects.count()
    try:
        with transaction.atomic():
            one_by_one = outcome(
                [draw_experts([p], 2, seed=s, actor=cast["reviewer"]) for p, s in zip(panels, seeds, strict=False)]
            )
            events_one = [
                (e.action, e.object_id, e.data["chosen"]) for e in Event.objects.order_by("seq")[events_before:]
            ]
            notes_one = list(
                Notification.objects.order_by("pk").values_list("recipient_id", "key", "title")[notes_before:]
            )
            raise _Undo
    except _Undo:
        pass
    assert Draw.objects.count() == 0 and Assignment.objects.count() == 0
    draws, skipped = draw_each(
        [ScoringPanel.objects.get(pk=p.pk) for p in panels], 2, seeds=seeds, actor=cast["reviewer"]
    )
    assert skipped == []
    assert outcome(draws) == one_by_one
    assert [
        (e.action, e.object_id, e.data["chosen"]) for e in Event.objects.order_by("seq")[events_before:]
    ] == events_one
    assert (
        list(Notification.objects.order_by("pk").values_list("recipient_id", "key", "title")[notes_before:])
        == notes_one
    )
    tasks = {}
    for expert_id in Assignment.objects.values_list("expert_id", flat=True):
        tasks[expert_id] = tasks.get(expert_id, 0) + 1
    assert sorted(tasks.values()) == [2, 2, 2]
    assert any("已达年度评审任务上限" in " ".join(row["reasons"]) for row in draws[-1].excluded)
    assert verify_chain()[1] is None


def test_a_panel_short_of_experts_is_skipped_with_the_reason_and_the_rest_are_drawn(cast, unit_a, unit_b):
    panels = _three_panels(cast, unit_a, unit_b)
    for i in range(2):  # two experts from unit A: none may judge unit A's two applications
        f.make_expert(f"a{i}", name=f"甲单位专家{i}", employer=unit_a.name)
    draws, skipped = draw_each(panels, 2, seeds=["x", "y", "z"], actor=cast["reviewer"])
    assert [d.seed for d in draws] == ["y"]
    assert [p.pk for p, _ in skipped] == [panels[0].pk, panels[2].pk]
    assert all("仅 0 人，不足 2 人" in reason for _, reason in skipped)
    assert set(Assignment.objects.values_list("panel_id", flat=True)) == {panels[1].pk}
