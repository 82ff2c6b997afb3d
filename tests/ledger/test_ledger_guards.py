"""Issue 16 point 3–4 for the special account (Art. 16): dates, the opening balance bounded by the
district money received, reversing entries, 已登记 for a duplicate, only the studio's unit writes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.core.models import Event
from masterstudio.funding import services as funding
from masterstudio.ledger import services
from masterstudio.ledger.models import Expense, Income, SpecialAccount
from tests.factories import PASSWORD
from tests.factories.money import make_studio, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_studio(unit_a, cast):
    studio = make_studio(unit_a)
    grant = funding.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    funding.disburse(
        grant, amount="200000", paid_on=date(2025, 6, 30), voucher_no=f"BF-{studio.pk}", actor=cast["finance"]
    )
    return studio


def _open(studio, actor, **kw):
    values = dict(name="专项资金", opened_on=date(2025, 7, 1), actor=actor)
    values.update(kw)
    return services.open_account(studio, **values)


def test_opening_balance_above_district_money_received_is_refused_unless_explained(paid_studio, cast):
    with pytest.raises(
        services.LedgerError, match="期初余额（一次性资助）200,000.01 元超过平台记录的.*200,000.00 元"
    ) as refused:
        _open(paid_studio, cast["unit_a"], openings={"grant": "200000.01"})
    assert refused.value.field == "opening_grant"
    with pytest.raises(services.LedgerError, match="期初余额（奖励）1.00 元超过") as refused:
        _open(paid_studio, cast["unit_a"], openings={"reward": "1"})
    assert not SpecialAccount.objects.exists()
    account = _open(
        paid_studio,
        cast["unit_a"],
        openings={"grant": "200000.01", "matching": "999999"},
        opening_explanation="原办法时期另有一笔资助未导入平台，见京技社〔2024〕5号",
    )
    opening = account.incomes.get(source="grant")
    assert opening.explanation.startswith("原办法时期")
    assert account.incomes.get(source="matching").explanation == ""  # the unit's own money is not bounded
    event = Event.objects.get(action="ledger.opened", object_id=str(account.pk))
    assert event.reason.startswith("原办法时期") and event.data["over_paid"] == ["grant"]


def test_opening_and_grant_income_together_never_exceed_what_was_paid(paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"], openings={"grant": "150000"})
    grant = paid_studio.grants.get(kind="initial")
    with pytest.raises(services.LedgerError, match="可能已计入期初余额"):
        services.record_income(
            account, kind="grant", grant=grant, amount="200000", received_on=date(2025, 7, 2), actor=cast["unit_a"]
        )
    assert not account.incomes.filter(kind="grant").exists()


@pytest.mark.parametrize(
    "field, kwargs, message",
    [
        ("opened_on", {"opened_on": "tomorrow"}, "建账日期 .* 晚于今天"),
        ("opened_on", {"opened_on": date(2025, 6, 19)}, "建账日期 2025-06-19 早于工作室认定日期 2025-06-20"),
    ],
)
def test_account_opening_dates(paid_studio, cast, field, kwargs, message):
    if kwargs.get("opened_on") == "tomorrow":
        kwargs = {"opened_on": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(services.LedgerError, match=message) as refused:
        _open(paid_studio, cast["unit_a"], **kwargs)
    assert refused.value.field == field


def test_income_and_expense_dates(paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"], openings={"grant": "50000"})
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(services.LedgerError, match="到账日期 .* 晚于今天") as refused:
        services.record_income(account, kind="matching", amount="10", received_on=tomorrow, actor=cast["unit_a"])
    assert refused.value.field == "received_on"
    with pytest.raises(services.LedgerError, match="到账日期 2025-06-30 早于建账日期 2025-07-01"):
        services.record_income(
            account, kind="matching", amount="10", received_on=date(2025, 6, 30), actor=cast["unit_a"]
        )
    with pytest.raises(services.LedgerError, match="支出日期 .* 晚于今天") as refused:
        services.record_expense(
            account,
            spent_on=tomorrow,
            amount="10",
            source="grant",
            category="talent_training",
            description="教材",
            voucher_no="PZ-1",
            voucher=pdf_upload(),
            actor=cast["unit_a"],
        )
    assert refused.value.field == "spent_on"
    assert not account.expenses.exists() and account.incomes.count() == 1


def test_only_the_studios_unit_writes_in_its_account(paid_studio, cast):
    with pytest.raises(services.LedgerError, match="只有该单位的账号可以登记"):
        _open(paid_studio, cast["unit_b"])
    account = _open(paid_studio, cast["unit_a"])
    with pytest.raises(services.LedgerError, match="只有该单位的账号可以登记"):
        services.record_income(
            account, kind="matching", amount="10", received_on=date(2025, 7, 2), actor=cast["finance"]
        )


def test_a_wrong_expense_and_income_are_reversed_never_edited(paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"], openings={"grant": "50000"})
    expense = services.record_expense(
        account,
        spent_on=date(2025, 8, 1),
        amount="3000",
        source="grant",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1",
        voucher=pdf_upload(),
        actor=cast["unit_a"],
    )
    reversal = services.reverse_expense(expense, reason="重复记账，发票已在 PZ-0 记过", actor=cast["unit_a"])
    assert reversal.amount == Decimal("-3000.00") and Expense.objects.get(pk=expense.pk).amount == Decimal("3000.00")
    assert services.balances(account)["grant"].balance == Decimal("50000.00")
    assert Event.objects.filter(action="ledger.expense_reversed", reason="重复记账，发票已在 PZ-0 记过").exists()
    with pytest.raises(services.LedgerError, match="已登记：这笔支出已冲正"):
        services.reverse_expense(expense, reason="again", actor=cast["unit_a"])
    matching = services.record_income(
        account, kind="matching", amount="8000", received_on=date(2025, 8, 2), actor=cast["unit_a"]
    )
    services.reverse_income(matching, reason="应为 800 元", actor=cast["unit_a"])
    assert services.balances(account)["matching"].balance == Decimal("0.00")
    assert Income.objects.get(pk=matching.pk).amount == Decimal("8000.00")
    # the corrected entry carries its own voucher number; the reversed one stays booked
    with pytest.raises(services.LedgerError, match="该笔已冲正，更正后重新登记请使用更正凭证号"):
        services.record_expense(
            account,
            spent_on=date(2025, 8, 1),
            amount="300",
            source="grant",
            category="talent_training",
            description="教材",
            voucher_no="PZ-1",
            voucher=pdf_upload(),
            actor=cast["unit_a"],
        )
    services.record_expense(
        account,
        spent_on=date(2025, 8, 1),
        amount="300",
        source="grant",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1-更正",
        voucher=pdf_upload(),
        actor=cast["unit_a"],
    )
    assert services.balances(account)["grant"].balance == Decimal("49700.00")


def test_reversing_income_already_spent_is_refused(paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"])
    matching = services.record_income(
        account, kind="matching", amount="1000", received_on=date(2025, 8, 2), actor=cast["unit_a"]
    )
    services.record_expense(
        account,
        spent_on=date(2025, 8, 3),
        amount="900",
        source="matching",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1",
        voucher=pdf_upload(),
        actor=cast["unit_a"],
    )
    with pytest.raises(services.LedgerError, match="请先冲正相应支出"):
        services.reverse_income(matching, reason="x", actor=cast["unit_a"])


def test_same_voucher_twice_answers_already_recorded(paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"], openings={"grant": "50000"})
    data = dict(
        spent_on=date(2025, 8, 1),
        amount="3000",
        source="grant",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1",
        actor=cast["unit_a"],
    )
    services.record_expense(account, voucher=pdf_upload(), **data)
    with pytest.raises(services.LedgerError, match="^已登记：本专账已于 2025-08-01 登记凭证号“PZ-1”的支出"):
        services.record_expense(account, voucher=pdf_upload(), **data)
    assert account.expenses.count() == 1


def test_the_opening_page_keeps_the_typed_values_and_names_the_field(client, paid_studio, cast):
    client.login(username=cast["unit_a"].username, password=PASSWORD)
    response = client.post(
        f"/ledger/studio/{paid_studio.pk}/open/",
        {
            "name": "车工工作室专项资金",
            "opened_on": "2025-07-01",
            "opening_grant": "300000",
            "opening_reward": "",
            "opening_matching": "",
            "opening_explanation": "",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "超过平台记录的该工作室已收到的区级一次性资助 200,000.00 元" in form.errors["opening_grant"][0]
    assert 'value="300000"' in response.content.decode() and not SpecialAccount.objects.exists()


def test_the_reverse_page_refuses_without_reason_and_shows_no_success(client, paid_studio, cast):
    account = _open(paid_studio, cast["unit_a"], openings={"grant": "50000"})
    expense = services.record_expense(
        account,
        spent_on=date(2025, 8, 1),
        amount="3000",
        source="grant",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1",
        voucher=pdf_upload(),
        actor=cast["unit_a"],
    )
    client.login(username=cast["unit_a"].username, password=PASSWORD)
    refused = client.post(f"/ledger/{account.pk}/expense/{expense.pk}/reverse/", {"reason": ""})
    assert refused.status_code == 400 and "请填写冲正理由" in refused.content.decode()
    assert "已登记冲正" not in refused.content.decode() and not Expense.objects.filter(reversal_of=expense).exists()
    done = client.post(f"/ledger/{account.pk}/expense/{expense.pk}/reverse/", {"reason": "重复记账"}, follow=True)
    assert "已登记冲正支出" in done.content.decode()
    assert Expense.objects.get(reversal_of=expense).amount == Decimal("-3000.00")
    other = client.post(f"/ledger/{account.pk}/expense/{expense.pk}/reverse/", {"reason": "again"})
    assert other.status_code == 400 and "已登记：这笔支出已冲正" in other.content.decode()
