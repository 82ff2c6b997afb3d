"""The special account (专账, Art. 16): balances per source, vouchers, warnings, fixed assets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from masterstudio.funding import services as funding
from masterstudio.ledger import services
from masterstudio.ledger.models import Asset, Expense
from tests.constraints import violates
from tests.factories.money import make_studio, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(unit_a, cast):
    studio = make_studio(unit_a)
    grant = funding.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    funding.disburse(
        grant, amount="200000", paid_on=date(2025, 6, 30), voucher_no=f"BF-{studio.pk}", actor=cast["finance"]
    )
    return services.open_account(
        studio,
        name="车工工作室专项资金",
        opened_on=date(2025, 7, 1),
        actor=cast["unit_a"],
        openings={"grant": "50000", "reward": "", "matching": Decimal("20000.00")},
    )


def spend(account, actor, **kw):
    data = dict(
        spent_on=date(2025, 8, 1),
        amount="3000",
        source="grant",
        category="talent_training",
        description="钳工培训教材",
        voucher_no="PZ-1",
        voucher=pdf_upload(),
        actor=actor,
    )
    data.update(kw)
    return services.record_expense(account, **data)


def test_balances_per_source(account, cast):
    spend(account, cast["unit_a"])
    spend(account, cast["unit_a"], amount="500", source="matching", voucher_no="PZ-2", category="skill_exchange")
    b = services.balances(account)
    assert (b["grant"].balance, b["matching"].balance, b["reward"].balance) == (
        Decimal("47000.00"),
        Decimal("19500.00"),
        Decimal("0.00"),
    )


def test_second_account_for_a_studio_is_refused(account, cast):
    with pytest.raises(services.LedgerError, match="已建立专账"):
        services.open_account(account.studio, name="另一个", opened_on=date(2025, 7, 1), actor=cast["unit_a"])


def test_expense_without_voucher_is_refused(account, cast):
    with pytest.raises(services.LedgerError, match="凭证") as refused:
        spend(account, cast["unit_a"], voucher=None)
    assert refused.value.field == "voucher"
    assert not Expense.objects.exists()


def test_voucher_that_is_not_what_it_claims_is_refused(account, cast):
    fake = SimpleUploadedFile("凭证.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(services.LedgerError, match="内容与扩展名不符"):
        spend(account, cast["unit_a"], voucher=fake)


@pytest.mark.parametrize("amount", ["-100", "0"])
def test_negative_or_zero_amount_is_refused(account, cast, amount):
    with pytest.raises(services.LedgerError, match="大于 0"):
        spend(account, cast["unit_a"], amount=amount)


def test_database_refuses_negative_expense(account, cast):
    with pytest.raises(IntegrityError, match=violates(Expense, "expense_amount_signed")), transaction.atomic():
        Expense.objects.create(
            account=account,
            spent_on=date(2025, 8, 1),
            amount=Decimal("-1"),
            source="grant",
            category="talent_training",
            description="x",
            voucher_no="X",
            voucher="v.pdf",
            voucher_name="v.pdf",
            recorded_by=cast["unit_a"],
        )


def test_expense_larger_than_source_balance_is_refused(account, cast):
    with pytest.raises(services.LedgerError, match="余额 50,000.00 元，不足以支付 50,000.01 元"):
        spend(account, cast["unit_a"], amount="50000.01")


def test_team_incentive_from_the_grant_needs_explanation_and_keeps_a_warning(account, cast):
    with pytest.raises(services.LedgerError, match="情况说明") as refused:
        spend(account, cast["unit_a"], category="team_incentive")
    assert refused.value.field == "explanation"
    expense = spend(account, cast["unit_a"], category="team_incentive", explanation="经单位党委会研究，先行垫付")
    assert "工作室团队激励" in expense.warning and "第十六条" in expense.warning


def test_team_incentive_from_a_reward_is_allowed(account, cast, unit_a):
    studio = account.studio
    grant = funding.award_grant(studio, "beijing", on=date(2025, 9, 1), actor=cast["approver"])
    funding.disburse(grant, amount="100000", paid_on=date(2025, 10, 1), voucher_no="CZ-9", actor=cast["finance"])
    services.record_income(
        account, kind="grant", grant=grant, amount="100000", received_on=date(2025, 10, 8), actor=cast["unit_a"]
    )
    expense = spend(account, cast["unit_a"], source="reward", category="team_incentive", amount="20000")
    assert expense.warning == ""


def test_grant_income_cannot_exceed_what_was_paid_or_be_booked_twice(cast, unit_a):
    studio = make_studio(unit_a)
    account = services.open_account(
        studio, name="专项资金", opened_on=date(2025, 7, 1), actor=cast["unit_a"], openings={"matching": "1000"}
    )
    grant = funding.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    with pytest.raises(services.LedgerError, match="尚未拨付"):
        services.record_income(
            account, kind="grant", grant=grant, amount="1", received_on=date(2025, 8, 1), actor=cast["unit_a"]
        )
    funding.disburse(grant, amount="200000", paid_on=date(2025, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    with pytest.raises(services.LedgerError, match="超过该笔资助已拨付金额"):
        services.record_income(
            account, kind="grant", grant=grant, amount="200000.01", received_on=date(2025, 8, 2), actor=cast["unit_a"]
        )
    services.record_income(
        account, kind="grant", grant=grant, amount="200000", received_on=date(2025, 8, 2), actor=cast["unit_a"]
    )
    with pytest.raises(services.LedgerError, match="已登记：这笔区级资助已于 2025-08-02 记入专账"):
        services.record_income(
            account, kind="grant", grant=grant, amount="1", received_on=date(2025, 8, 3), actor=cast["unit_a"]
        )


def test_equipment_at_the_threshold_goes_to_the_asset_register(account, cast):
    with pytest.raises(services.LedgerError, match="固定资产") as refused:
        spend(account, cast["unit_a"], category="equipment_facilities", amount="1000.00")
    assert refused.value.field == "asset_name"
    expense = spend(
        account,
        cast["unit_a"],
        category="equipment_facilities",
        amount="1000.00",
        asset={"name": "数控车床刀架", "location": "二车间 3 号工位", "tag_no": "GZ-2025-001"},
    )
    asset = Asset.objects.get(expense=expense)
    assert (asset.value, asset.tag_no, asset.acquired_on) == (Decimal("1000.00"), "GZ-2025-001", date(2025, 8, 1))


def test_equipment_below_threshold_needs_no_asset(account, cast):
    expense = spend(account, cast["unit_a"], category="equipment_facilities", amount="999.99")
    assert not Asset.objects.filter(expense=expense).exists()


def test_special_equipment_threshold_is_1500(account, cast):
    expense = spend(account, cast["unit_a"], category="equipment_facilities", amount="1499.99", special_equipment=True)
    assert not Asset.objects.filter(expense=expense).exists()
    with pytest.raises(services.LedgerError, match="1,500"):
        spend(
            account,
            cast["unit_a"],
            category="equipment_facilities",
            amount="1500",
            special_equipment=True,
            voucher_no="PZ-2",
        )


def test_same_voucher_number_twice_is_refused(account, cast):
    spend(account, cast["unit_a"])
    with pytest.raises(services.LedgerError, match="重复记账"):
        spend(account, cast["unit_a"])
