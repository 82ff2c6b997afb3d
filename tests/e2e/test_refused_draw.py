"""Browser: a supplementary draw refused for lack of experts changes nothing (issue 18, point 3).

The reviewer asks for two more experts with a new scoring window while the pool has none left: the
page says why, next to nothing changed — the panel keeps its window and no draw record is added."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masterstudio.experts.models import Draw, ScoringPanel
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.factories import selecting as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_supplementary_draw_leaves_the_panel_as_it_was(page, cast, unit_a, unit_b):
    first, _ = f.ready_for_experts(cast, unit_a, unit_b)
    for i in range(3):
        f.make_expert(f"e{i}", name=f"专家{i}")
    f.draw_panel([first], cast["reviewer"], size=3, seed="first")
    panel = ScoringPanel.objects.get(object_id=first.pk)
    before = (panel.opens_at, panel.closes_at)

    login(page, "reviewer", PASSWORD)
    page.goto(f"/review/{first.pk}/")
    later = timezone.localtime() + timedelta(days=3)
    page.fill("#id_size", "2")
    page.fill("#id_seed", "supplement")
    page.fill("#id_opens_at", later.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (later + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('随机抽取')")
    expect(page.locator(".messages")).to_contain_text("不足 2 人")
    screenshot(page, "refused-draw")

    panel.refresh_from_db()
    assert (panel.opens_at, panel.closes_at) == before  # the window did not move
    assert Draw.objects.count() == 1  # the first draw only
