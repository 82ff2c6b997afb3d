"""Two staff drawing experts at the same moment for different applications of one year: the
yearly cap (Art. 10's expert pool rules as the platform keeps them) holds for both."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from masterstudio.experts.models import Assignment
from masterstudio.reviews.services import ReviewError
from tests.factories import selecting as f


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_draws_at_once_never_push_an_expert_past_the_yearly_cap(cast, unit_a, unit_b):
    first, second = f.ready_for_experts(cast, unit_a, unit_b)
    for i in range(3):  # exactly enough for one panel of three: each may take one task this year
        f.make_expert(f"capped{i}", name=f"专家{i}", max_per_year=1)
    barrier, outcomes = threading.Barrier(2), [None, None]

    def draw(index, application):
        try:
            barrier.wait(timeout=10)
            f.draw_panel([application], cast["reviewer"], size=3, seed=f"race-{index}")
            outcomes[index] = "ok"
        except ReviewError as exc:
            outcomes[index] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw, args=(i, a)) for i, a in enumerate((first, second))]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "不足 3 人" in refused, refused
    per_expert = {}
    for expert_id in Assignment.objects.values_list("expert_id", flat=True):
        per_expert[expert_id] = per_expert.get(expert_id, 0) + 1
    assert sorted(per_expert.values()) == [1, 1, 1]


@pytest.mark.django_db
def test_a_draw_whose_chosen_expert_was_filled_meanwhile_is_made_again(cast, unit_a, unit_b, monkeypatch):
    """The screening saw room that a draw committing in between took: the chosen expert's load is
    counted again under its lock, and the draw is made afresh without them."""
    from masterstudio.experts.services import draws

    first, second = f.ready_for_experts(cast, unit_a, unit_b)
    busy = f.make_expert("busy", name="已满专家", max_per_year=1)
    free = f.make_expert("free", name="空闲专家", max_per_year=1)
    f.draw_panel([first], cast["reviewer"], size=1, seed="x")  # one of the two takes its only task
    taken = Assignment.objects.get().expert
    other = free if taken == busy else busy
    real_screen, calls = draws._screen, []

    def stale_screen(panels):  # the first screening as it was before that draw committed
        rows = real_screen(panels)
        calls.append(rows)
        if len(calls) == 1:
            rows = [
                {**row, "eligible": row["id"] == taken.pk, "reasons": [] if row["id"] == taken.pk else ["测试"]}
                for row in rows
            ]
        return rows

    monkeypatch.setattr(draws, "_screen", stale_screen)
    draw = f.draw_panel([second], cast["reviewer"], size=1, seed="y")
    assert len(calls) == 2  # drawn again after the re-count
    assert draw.chosen == [other.pk]
    assert Assignment.objects.filter(expert=taken).count() == 1
