"""A refused draw changes nothing (issue 18, point 3): the panel's scoring window is moved only by a
draw that goes ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masterstudio.experts.models import Draw, ScoringPanel
from masterstudio.reviews.services import ReviewError
from masterstudio.reviews.services.scoring import draw_each_for, draw_for
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(cast, unit_a, unit_b):
    first, second = f.ready_for_experts(cast, unit_a, unit_b)
    for i in range(3):
        f.make_expert(f"e{i}", name=f"专家{i}")
    f.draw_panel([first], cast["reviewer"], size=3, seed="a")
    return first, second


def test_a_supplementary_draw_refused_for_lack_of_experts_leaves_the_window(drawn, cast):
    first, _ = drawn
    panel = ScoringPanel.objects.get(object_id=first.pk)
    before = (panel.opens_at, panel.closes_at)
    now = timezone.now()
    with pytest.raises(ReviewError, match="符合条件.*仅 0 人，不足 2 人"):
        draw_for(
            [first],
            size=2,
            seed="again",
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=9),
            actor=cast["reviewer"],
        )
    panel.refresh_from_db()
    assert (panel.opens_at, panel.closes_at) == before
    assert Draw.objects.count() == 1


def test_a_draw_that_goes_ahead_moves_the_window(drawn, cast):
    first, _ = drawn
    f.make_expert("e9", name="专家9")
    now = timezone.now().replace(microsecond=0)
    draw_for(
        [first],
        size=1,
        seed="again",
        opens_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=9),
        actor=cast["reviewer"],
    )
    panel = ScoringPanel.objects.get(object_id=first.pk)
    assert (panel.opens_at, panel.closes_at) == (now - timedelta(hours=2), now + timedelta(days=9))


def test_a_group_draw_moves_only_the_windows_of_the_panels_it_drew(drawn, cast):
    first, second = drawn
    panel = ScoringPanel.objects.get(object_id=first.pk)
    before = (panel.opens_at, panel.closes_at)
    now = timezone.now().replace(microsecond=0)
    drawn_now, skipped = draw_each_for(
        [first, second], size=3, seed="g", opens_at=now, closes_at=now + timedelta(days=5), actor=cast["reviewer"]
    )
    assert [a.pk for a, _ in skipped] == [first.pk] and len(drawn_now) == 1
    panel.refresh_from_db()
    assert (panel.opens_at, panel.closes_at) == before
    other = ScoringPanel.objects.get(object_id=second.pk)
    assert (other.opens_at, other.closes_at) == (now, now + timedelta(days=5))


def test_a_first_draw_refused_leaves_no_empty_panel(cast, unit_a, unit_b):
    first, _ = f.ready_for_experts(cast, unit_a, unit_b)
    now = timezone.now()
    with pytest.raises(ReviewError, match="仅 0 人，不足 3 人"):
        draw_for([first], size=3, seed="x", opens_at=now, closes_at=now + timedelta(days=3), actor=cast["reviewer"])
    assert not ScoringPanel.objects.exists()
