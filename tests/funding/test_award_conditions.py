"""The conditions an award needs that a higher app decides (issue 19.1: funding imports nothing of
assessments): the assessments app registers Art. 14's published 优秀 grade in its ready(); without
it the 优秀 reward is refused, never granted unchecked."""

from __future__ import annotations

from datetime import date

import pytest

from masterstudio.assessments.services.rewards import excellent_grade_refusal
from masterstudio.funding import services
from masterstudio.funding.models import Grant
from tests.factories.money import make_studio, published_grade


def test_the_assessments_app_registered_the_excellent_condition():
    assert services.AWARD_CONDITIONS["excellent"] is excellent_grade_refusal


def test_without_the_registered_condition_the_excellent_reward_is_refused(unit_a, cast, monkeypatch):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2025)
    monkeypatch.setattr(services.guards, "AWARD_CONDITIONS", {})
    with pytest.raises(services.FundingError, match="考核模块未启用") as refused:
        services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])
    assert refused.value.field == "year"
    assert not Grant.objects.filter(studio=studio, kind="excellent").exists()
    # the initial grant needs no condition
    assert services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"]).pk


def test_the_evaluator_scope_comes_from_the_registry(cast, monkeypatch):
    from masterstudio.studios import selectors

    assert selectors.scope_of(cast["evaluator"]).studio_ids == []  # no open evaluation: nothing
    monkeypatch.setattr(selectors, "_SCOPE_PROVIDERS", {})
    assert selectors.evaluator_studio_ids(cast["evaluator"]) == []
    monkeypatch.setattr(selectors, "_SCOPE_PROVIDERS", {"evaluator": lambda user: selectors.StudioScope({7: {2025}})})
    assert selectors.evaluator_studio_ids(cast["evaluator"]) == [7]
