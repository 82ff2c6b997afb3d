"""Ledger pages: who sees which account (habit 7), the voucher kept across a form error, exports."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from masterstudio.ledger import services
from masterstudio.ledger.models import Expense
from tests.factories import PASSWORD
from tests.factories.money import make_studio, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(unit_a, cast):
    studio = make_studio(unit_a)
    return services.open_account(
        studio,
        name="甲工作室专项资金",
        opened_on=date(2025, 7, 1),
        actor=cast["unit_a"],
        openings={"grant": "50000"},
        opening_explanation="原办法拨付，导入平台前已入账",
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "who,status",
    [("unit_a", 200), ("leader", 200), ("reviewer", 200), ("unit_b", 404), ("expert", 403), ("evaluator", 404)],
)
def test_account_visibility(client, cast, account, who, status):
    response = login(client, cast[who]).get(f"/ledger/{account.pk}/")
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, account):
    response = client.get(f"/ledger/{account.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_voucher_survives_a_form_error(client, cast, account):
    login(client, cast["unit_a"])
    url = f"/ledger/{account.pk}/expense/"
    data = {
        "spent_on": "2025-08-01",
        "amount": "3000",
        "source": "grant",
        "category": "team_incentive",
        "description": "团队奖金",
        "voucher_no": "PZ-1",
    }
    first = client.post(url, {**data, "voucher": pdf_upload("奖金发放表.pdf")})
    assert first.status_code == 200
    assert "奖金发放表.pdf" in first.content.decode() and "情况说明" in first.content.decode()
    token = first.context["form"].data["voucher_token"]
    assert token and not Expense.objects.exists()
    second = client.post(url, {**data, "voucher_token": token, "explanation": "经单位研究先行列支"})
    assert second.status_code == 302
    expense = Expense.objects.get()
    assert expense.voucher_name == "奖金发放表.pdf" and expense.warning


def test_other_unit_cannot_post_to_an_account(client, cast, account):
    login(client, cast["unit_b"])
    assert client.post(f"/ledger/{account.pk}/expense/", {}).status_code == 404


def test_staff_export_has_chinese_headers(client, cast, account):
    services.record_expense(
        account,
        spent_on=date(2025, 8, 1),
        amount="100",
        source="grant",
        category="talent_training",
        description="教材",
        voucher_no="PZ-1",
        voucher=pdf_upload(),
        actor=cast["unit_a"],
    )
    response = login(client, cast["reviewer"]).get("/ledger/expenses/?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["工作室", "支出日期", "摘要"]
    assert sheet.max_row == 2


def test_warning_partial_names_the_clause(client, cast, account):
    response = login(client, cast["unit_a"]).get(
        f"/ledger/{account.pk}/expense/check/?source=grant&category=team_incentive"
    )
    assert "第十六条" in response.content.decode()
    ok = client.get(f"/ledger/{account.pk}/expense/check/?source=reward&category=team_incentive")
    assert "expense-warning" not in ok.content.decode()
