"""Issue 18 point 10: scores read as people score; the rubric edited as a table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from masterstudio.experts.models import Rubric
from masterstudio.experts.templatetags.scores import out_of_100, points
from tests.factories.applications import make_round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("20.0800"), "20.08"),
        (Decimal("25.5000"), "25.5"),
        (Decimal("80.00"), "80"),
        (Decimal("7.125"), "7.13"),
        (None, "—"),
    ],
)
def test_points_have_at_most_two_decimals(value, shown):
    assert points(value) == shown


def test_a_total_out_of_the_rubrics_maximum_reads_out_of_100():
    assert out_of_100(Decimal("20.08"), Decimal("25.5000")) == "78.75"


def _row(index, title, top, weight="", below="", description=""):
    return {
        f"c-{index}-title": title,
        f"c-{index}-max_points": top,
        f"c-{index}-weight": weight,
        f"c-{index}-comment_below": below,
        f"c-{index}-description": description,
    }


def test_the_rubric_is_a_table_of_rows(client, cast):
    round_ = make_round()
    client.force_login(cast["reviewer"])
    url = reverse("reviews:rubric", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "<textarea" in page and 'name="criteria_text"' not in page
    assert 'name="c-0-title"' in page and 'name="c-0-max_points"' in page and 'name="c-0-weight"' in page
    data = {
        "name": "2026 评分表",
        "aggregation": "trimmed",
        "c-TOTAL_FORMS": "4",
        "c-INITIAL_FORMS": "0",
        **_row(0, "领办人技能水平", "40", "1", "20", "技能等级与获奖"),
        **_row(1, "团队与梯队", "30"),
        **_row(2, "条件与制度", "30", "1.5"),
        **_row(3, "", ""),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    rubric = Rubric.objects.get(round=round_)
    rows = [(c.title, c.max_points, c.weight, c.comment_below, c.description) for c in rubric.criteria.all()]
    assert rows == [
        ("领办人技能水平", Decimal("40"), Decimal("1"), Decimal("20"), "技能等级与获奖"),
        ("团队与梯队", Decimal("30"), Decimal("1"), None, ""),
        ("条件与制度", Decimal("30"), Decimal("1.5"), None, ""),
    ]
    page = client.get(url).content.decode()
    assert 'value="领办人技能水平"' in page and "当前满分 115 分" in page


def test_a_bad_row_is_named_and_nothing_typed_is_lost(client, cast):
    round_ = make_round()
    client.force_login(cast["reviewer"])
    url = reverse("reviews:rubric", args=[round_.pk])
    data = {
        "name": "评分表",
        "aggregation": "mean",
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        **_row(0, "领办人技能水平", "40"),
        **_row(1, "团队与梯队", "", "1", "10"),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2 行：请填写满分" in page
    assert 'value="团队与梯队"' in page and 'value="领办人技能水平"' in page
    assert not Rubric.objects.filter(round=round_).exists()


def test_the_review_page_shows_totals_with_two_decimals_at_most(client, cast, unit_a):
    from masterstudio.experts.services.panels import save_rubric
    from masterstudio.reviews.services.scoring import finish_expert_review
    from tests.factories.selecting import (
        draw_panel,
        make_expert,
        pass_material_review,
        pass_site_inspection,
        score_all,
        submitted_application,
    )

    application = submitted_application(unit_a, cast["unit_a"])
    rubric = Rubric(round=application.round, purpose="application", name="加权评分表")
    save_rubric(
        rubric,
        [
            {
                "title": "技能",
                "max_points": Decimal("10"),
                "weight": Decimal("1.55"),
                "comment_below": None,
                "description": "",
            },
            {
                "title": "团队",
                "max_points": Decimal("10"),
                "weight": Decimal("1"),
                "comment_below": None,
                "description": "",
            },
        ],
    )
    pass_material_review(application, cast["reviewer"])
    pass_site_inspection(application, cast["reviewer"])
    for i in range(3):
        make_expert(f"weighted_expert_{i}", name=f"专家{i}")
    draw_panel([application], cast["reviewer"], size=3)
    score_all(application, points=("8.4", "7"))  # 8.4 × 1.55 + 7 = 20.02 of 25.5
    finish_expert_review(application, actor=cast["reviewer"])
    client.force_login(cast["reviewer"])
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    aggregate = page[page.index('data-testid="aggregate"') :][:400]
    assert "满分 25.5" in aggregate and "25.50" not in aggregate and "25.5000" not in aggregate
    assert "<strong>20.02</strong> 分" in aggregate and "折合百分制 78.51 分" in aggregate
