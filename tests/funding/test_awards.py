"""award_grant and the Grant constraints (Art. 14, 15, 20)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from masterstudio.core import transitions
from masterstudio.core.models import Event
from masterstudio.funding import services
from masterstudio.funding.models import Grant, StudioTitle
from tests.constraints import violates
from tests.factories.money import make_studio, published_grade

pytestmark = pytest.mark.django_db


def test_initial_grant_is_200000_under_14_1_and_recorded(unit_a, cast):
    studio = make_studio(unit_a)
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"], basis="首次认定")
    assert (grant.clause, grant.amount, grant.state, grant.dated_on) == (
        "14.1",
        Decimal("200000.00"),
        "approved",
        date(2025, 6, 20),
    )
    assert grant.approved_by == cast["approver"]
    assert Event.objects.filter(action="grant.approved", object_id=str(grant.pk), clause="14.1").count() == 1


def test_second_call_returns_the_same_grant_and_records_nothing(unit_a, cast):
    studio = make_studio(unit_a)
    first = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    events = Event.objects.count()
    second = services.award_grant(studio, "initial", on=date(2025, 7, 1), actor=cast["approver"])
    assert second.pk == first.pk
    assert Grant.objects.filter(studio=studio).count() == 1
    assert Event.objects.count() == events


def test_excellent_reward_once_per_year(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2024)
    published_grade(studio, 2025)
    a = services.award_grant(studio, "excellent", year=2024, on=date(2025, 1, 15), actor=cast["approver"])
    b = services.award_grant(studio, "excellent", year=2024, on=date(2025, 2, 1), actor=cast["approver"])
    c = services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])
    assert a.pk == b.pk and c.pk != a.pk
    assert (a.clause, a.amount, c.amount) == ("14.2", Decimal("100000.00"), Decimal("100000.00"))


def test_excellent_reward_needs_year(unit_a):
    studio = make_studio(unit_a)
    with pytest.raises(services.FundingError, match="考核年度"):
        services.award_grant(studio, "excellent", on=date(2026, 1, 15))


@pytest.mark.parametrize("level,clause,amount", [("national", "15.1", "200000.00"), ("beijing", "15.2", "100000.00")])
def test_title_reward_follows_from_the_engine(unit_a, cast, level, clause, amount):
    studio = make_studio(unit_a)
    title, grant = services.record_title(
        studio, level, document_no="人社部函〔2025〕88号", awarded_on=date(2025, 9, 1), actor=cast["approver"]
    )
    assert (grant.kind, grant.clause, grant.amount) == (level, clause, Decimal(amount))
    assert grant.document_no == "人社部函〔2025〕88号"
    events = Event.objects.count()
    with pytest.raises(services.AlreadyRecorded, match="^已登记：该工作室的.*称号已于 2025-09-01 登记") as again:
        services.record_title(
            studio, level, document_no="另一文号", awarded_on=date(2025, 10, 1), actor=cast["approver"]
        )
    assert again.value.existing.pk == title.pk
    assert StudioTitle.objects.filter(studio=studio).count() == 1
    assert Grant.objects.filter(studio=studio, kind=level).count() == 1 and Event.objects.count() == events


def test_title_needs_document_number(unit_a, cast):
    studio = make_studio(unit_a)
    with pytest.raises(services.FundingError, match="文号"):
        services.record_title(studio, "beijing", document_no=" ", awarded_on=date(2025, 9, 1), actor=cast["approver"])


def test_last_valid_day_is_awarded_and_the_next_refused(unit_a, cast, monkeypatch):
    from django.utils import timezone

    from tests.factories.studio_life import at

    monkeypatch.setattr(timezone, "now", lambda: at(date(2027, 1, 12)))
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    ok = services.award_grant(studio, "beijing", on=date(2027, 1, 10), actor=cast["approver"])
    assert ok.amount == Decimal("100000.00")
    with pytest.raises(services.FundingError, match="第20条") as refused:
        services.award_grant(studio, "national", on=date(2027, 1, 11), actor=cast["approver"])
    assert "2027-01-10" in str(refused.value)
    assert not Grant.objects.filter(studio=studio, kind="national").exists()


def test_no_award_after_revocation(unit_a):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20), state="revoked", revoked_on=date(2025, 3, 1))
    with pytest.raises(services.FundingError, match="撤销"):
        services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15))


def test_database_refuses_second_initial_grant(unit_a):
    studio = make_studio(unit_a)
    Grant.objects.create(
        studio=studio, kind="initial", clause="14.1", amount=Decimal("200000"), dated_on=date(2025, 6, 20)
    )
    with pytest.raises(IntegrityError, match=violates(Grant, "grant_one_initial")), transaction.atomic():
        Grant.objects.create(
            studio=studio, kind="initial", clause="14.1", amount=Decimal("200000"), dated_on=date(2025, 6, 21)
        )


def test_database_refuses_second_title_reward_of_a_level(unit_a):
    studio = make_studio(unit_a)
    Grant.objects.create(
        studio=studio, kind="beijing", clause="15.2", amount=Decimal("100000"), dated_on=date(2025, 9, 1)
    )
    with pytest.raises(IntegrityError, match=violates(Grant, "grant_one_title_reward_per_level")), transaction.atomic():
        Grant.objects.create(
            studio=studio, kind="beijing", clause="15.2", amount=Decimal("100000"), dated_on=date(2025, 10, 1)
        )


def test_database_refuses_non_positive_amount(unit_a):
    studio = make_studio(unit_a)
    with pytest.raises(IntegrityError, match=violates(Grant, "grant_amount_positive")), transaction.atomic():
        Grant.objects.create(
            studio=studio, kind="initial", clause="14.1", amount=Decimal("0"), dated_on=date(2025, 6, 20)
        )


def test_database_refuses_approver_confirming_payment(unit_a, cast):
    studio = make_studio(unit_a)
    with (
        pytest.raises(IntegrityError, match=violates(Grant, "grant_four_eyes")),
        transaction.atomic(),
        transitions.seed("test: the database's own check"),
    ):
        Grant.objects.create(
            studio=studio,
            kind="initial",
            clause="14.1",
            amount=Decimal("1"),
            dated_on=date(2025, 6, 20),
            state="disbursed",
            approved_by=cast["approver"],
            disbursed_by=cast["approver"],
            disbursed_on=date(2025, 7, 1),
            voucher_no="V1",
        )
