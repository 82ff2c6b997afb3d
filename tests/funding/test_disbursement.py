"""Disbursement (拨付): four eyes, amounts, vouchers, concurrency; cancellation and recovery (Art. 13)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import close_old_connections

from masterstudio.funding import services
from masterstudio.funding.models import Disbursement, Grant
from tests.factories import make_user
from tests.factories.money import make_studio, published_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(unit_a, cast):
    studio = make_studio(unit_a)
    return services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])


def test_finance_pays_in_two_parts_and_the_grant_becomes_disbursed(grant, cast):
    services.disburse(grant, amount="120000.00", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    grant.refresh_from_db()
    assert grant.state == "approved"
    services.disburse(
        grant, amount=Decimal("80000"), paid_on=date(2025, 9, 1), voucher_no="CZ-2", actor=cast["finance"]
    )
    grant.refresh_from_db()
    assert (grant.state, grant.disbursed_on, grant.voucher_no, grant.disbursed_by) == (
        "disbursed",
        date(2025, 9, 1),
        "CZ-2",
        cast["finance"],
    )
    # the unit is told once, when the last part is paid
    note = cast["unit_a"].notifications.get(key="grant_paid")
    assert "200,000.00 元已于 2025年9月1日 拨付完毕" in note.body and "第十四条" in note.body


def test_disbursement_larger_than_approved_is_refused(grant, cast):
    with pytest.raises(services.FundingError, match="超过核定未拨付金额 200,000.00 元") as refused:
        services.disburse(grant, amount="200000.01", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    assert refused.value.field == "amount"
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "1.234"])
def test_bad_amounts_are_refused(grant, cast, amount):
    with pytest.raises(services.FundingError):
        services.disburse(grant, amount=amount, paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])


def test_the_approver_cannot_confirm_the_payment(unit_a, cast):
    both = make_user("both", "staff", duties=["approver", "finance"])
    studio = make_studio(unit_a)
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=both)
    with pytest.raises(services.FundingError, match="审批与财务分离"):
        services.disburse(grant, amount="200000", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=both)


def test_only_finance_confirms(grant, cast):
    with pytest.raises(services.FundingError, match="财务职责"):
        services.disburse(grant, amount="1", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["reviewer"])


def test_same_voucher_twice_is_refused(grant, cast):
    services.disburse(grant, amount="1000", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    with pytest.raises(services.FundingError, match="已登记：拨付凭证号“CZ-1”"):
        services.disburse(grant, amount="1000", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])


def test_payment_before_approval_date_is_refused(grant, cast):
    with pytest.raises(services.FundingError, match="早于核定日期"):
        services.disburse(grant, amount="1000", paid_on=date(2025, 6, 1), voucher_no="CZ-1", actor=cast["finance"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_finance_staff_confirming_the_same_payment_at_once_pay_once(unit_a, cast):
    other = make_user("finance2", "staff", duties=["finance"])
    studio = make_studio(unit_a)
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(actor, voucher):
        close_old_connections()
        try:
            barrier.wait()
            services.disburse(
                Grant.objects.get(pk=grant.pk),
                amount="200000.00",
                paid_on=date(2025, 8, 1),
                voucher_no=voucher,
                actor=actor,
            )
            outcomes.append("paid")
        except services.FundingError as exc:
            outcomes.append(str(exc))
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=pay, args=(cast["finance"], "CZ-A")),
        threading.Thread(target=pay, args=(other, "CZ-B")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("paid") == 1, outcomes
    assert any("不能再拨付" in o or "超过核定未拨付金额" in o for o in outcomes if o != "paid"), outcomes
    assert sum(d.amount for d in Disbursement.objects.filter(grant_id=grant.pk)) == Decimal("200000.00")
    assert Grant.objects.get(pk=grant.pk).state == "disbursed"


def test_cancel_unpaid_grant_needs_approver_and_reason(grant, cast):
    with pytest.raises(services.FundingError, match="审批职责"):
        services.cancel_grant(grant, actor=cast["finance"], reason="错误核定", on=date(2025, 7, 1))
    with pytest.raises(services.FundingError, match="理由"):
        services.cancel_grant(grant, actor=cast["approver"], reason=" ", on=date(2025, 7, 1))
    services.cancel_grant(grant, actor=cast["approver"], reason="重复申报，撤销核定", on=date(2025, 7, 1))
    grant.refresh_from_db()
    assert grant.state == "cancelled"


def test_cancel_refused_once_money_was_paid(grant, cast):
    services.disburse(grant, amount="1000", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    with pytest.raises(services.FundingError, match="追回"):
        services.cancel_grant(grant, actor=cast["approver"], reason="x", on=date(2025, 8, 2))


def test_revocation_cancels_unpaid_and_flags_paid_grants_of_the_cycle(unit_a, cast):
    from masterstudio.recoveries import services as recoveries

    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    initial = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    services.disburse(initial, amount="200000", paid_on=date(2024, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    published_grade(studio, 2024)
    excellent = services.award_grant(studio, "excellent", year=2024, on=date(2025, 1, 15), actor=cast["approver"])
    revocation = recoveries.revoke(
        studio, cause="other", evidence="单位来函", decision="撤销", decided_on=date(2025, 6, 1), actor=cast["approver"]
    )
    recovery = revocation.recovery
    assert (recovery.cycle_start, recovery.engine_amount) == (date(2024, 6, 20), Decimal("300000.00"))
    assert recovery.amount_due == Decimal("200000.00")
    initial.refresh_from_db()
    excellent.refresh_from_db()
    assert (initial.state, initial.recovery_required) == ("disbursed", True)
    assert excellent.state == "cancelled"
    with pytest.raises(services.FundingError, match="追回凭证号"):
        services.confirm_recovery(initial, actor=cast["finance"], on=date(2025, 7, 1), voucher_no="", reason="撤销")
    services.confirm_recovery(initial, actor=cast["finance"], on=date(2025, 7, 1), voucher_no="ZH-1", reason="撤销决定")
    initial.refresh_from_db()
    assert (initial.state, initial.recovery_voucher_no) == ("recovered", "ZH-1")
