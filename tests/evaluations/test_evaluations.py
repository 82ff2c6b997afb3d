"""Third-party evaluation (Art. 18): exactly the scope, only during the period, report upload."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from masterstudio.evaluations import selectors, services
from masterstudio.funding import services as funding
from masterstudio.funding.selectors import grants_for
from masterstudio.ledger import services as ledger
from masterstudio.ledger.selectors import accounts_for
from tests.factories import PASSWORD, make_user
from tests.factories.money import make_studio, pdf_upload, published_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(unit_a, unit_b, cast):
    inside = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    outside = make_studio(unit_b, recognized_on=date(2024, 6, 20), occupation_code="6-18-01-02", occupation_name="铣工")
    g2024 = funding.award_grant(inside, "initial", on=date(2024, 6, 20), actor=cast["approver"])
    published_grade(inside, 2025)
    g2025 = funding.award_grant(inside, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])
    funding.award_grant(outside, "initial", on=date(2024, 6, 20), actor=cast["approver"])
    ledger.open_account(inside, name="甲专账", opened_on=date(2024, 7, 1), actor=cast["unit_a"])
    now = timezone.now()
    evaluation = services.open_evaluation(
        title="2024 年度政策实施评估",
        purpose="评估资金使用",
        evaluator=cast["evaluator"],
        studios=[inside],
        year_from=2024,
        year_to=2024,
        access_from=now - timedelta(hours=1),
        access_until=now + timedelta(days=30),
        actor=cast["reviewer"],
    )
    return {"inside": inside, "outside": outside, "g2024": g2024, "g2025": g2025, "evaluation": evaluation}


def test_evaluator_sees_exactly_the_scope(setup, cast):
    visible = list(grants_for(cast["evaluator"]))
    assert [g.pk for g in visible] == [setup["g2024"].pk]
    assert [a.studio_id for a in accounts_for(cast["evaluator"])] == [setup["inside"].pk]


def test_access_ends_by_itself(setup, cast):
    later = setup["evaluation"].access_until + timedelta(seconds=1)
    assert selectors.evaluator_scope(cast["evaluator"], now=later).studio_ids == []
    before = setup["evaluation"].access_from - timedelta(seconds=1)
    assert selectors.evaluator_scope(cast["evaluator"], now=before).studio_ids == []


def test_other_evaluator_sees_nothing(setup):
    other = make_user("other_eval", "evaluator")
    assert grants_for(other).count() == 0


def test_report_upload_during_and_after_the_period(setup, cast):
    evaluation = setup["evaluation"]
    report = services.upload_report(
        evaluation, title="评估报告", upload=pdf_upload("报告.pdf"), actor=cast["evaluator"]
    )
    assert report.original_name == "报告.pdf"
    services.end_access(evaluation, actor=cast["reviewer"], reason="评估提前结束")
    with pytest.raises(services.EvaluationError, match="授权期限已过或已收回"):
        services.upload_report(evaluation, title="补充", upload=pdf_upload(), actor=cast["evaluator"])
    assert grants_for(cast["evaluator"]).count() == 0


def test_evaluator_pages(client, setup, cast):
    client.login(username=cast["evaluator"].username, password=PASSWORD)
    evaluation = setup["evaluation"]
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 200
    assert client.get(f"/funding/{setup['g2024'].pk}/").status_code == 200
    assert client.get(f"/funding/{setup['g2025'].pk}/").status_code == 404
    services.end_access(evaluation, actor=cast["reviewer"], reason="结束")
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 403
    assert client.get(f"/funding/{setup['g2024'].pk}/").status_code == 404


def test_open_evaluation_validates(cast, unit_a):
    now = timezone.now()
    with pytest.raises(services.EvaluationError, match="评估机构"):
        services.open_evaluation(
            title="x",
            purpose="y",
            evaluator=cast["expert"],
            studios=[make_studio(unit_a)],
            year_from=2024,
            year_to=2024,
            access_from=now,
            access_until=now + timedelta(days=1),
            actor=cast["reviewer"],
        )
    with pytest.raises(services.EvaluationError, match="至少选择"):
        services.open_evaluation(
            title="x",
            purpose="y",
            evaluator=cast["evaluator"],
            studios=[],
            year_from=2024,
            year_to=2024,
            access_from=now,
            access_until=now + timedelta(days=1),
            actor=cast["reviewer"],
        )
