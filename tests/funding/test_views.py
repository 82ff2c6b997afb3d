"""Grant pages for every role (habit 7), and the four-eyes rule through HTTP."""

from __future__ import annotations

import time
from datetime import date

import pytest

from masterstudio.funding import services
from masterstudio.funding.models import Disbursement
from tests.factories import PASSWORD
from tests.factories.money import make_studio, published_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(unit_a, cast):
    studio = make_studio(unit_a)
    return services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])


def reauthenticated(client):
    """Money actions need a password (and second factor) confirmed within ten minutes."""
    session = client.session
    session["reauth_at"] = time.time()
    session.save()
    return client


@pytest.mark.parametrize(
    "who,status",
    [
        ("unit_a", 200),
        ("leader", 200),
        ("unit_b", 404),
        ("reviewer", 200),
        ("finance", 200),
        ("expert", 403),
        ("evaluator", 404),
    ],
)
def test_grant_detail_visibility(client, cast, grant, who, status):
    client.login(username=cast[who].username, password=PASSWORD)
    assert client.get(f"/funding/{grant.pk}/").status_code == status


def test_finance_pays_through_the_page_and_errors_stay_at_the_field(client, cast, grant):
    client.login(username=cast["finance"].username, password=PASSWORD)
    reauthenticated(client)
    url = f"/funding/{grant.pk}/disburse/"
    too_much = client.post(url, {"amount": "300000", "paid_on": "2025-08-01", "voucher_no": "CZ-1"})
    assert too_much.status_code == 400
    assert too_much.context["disburse_form"].errors["amount"][0].startswith("拨付金额 300,000.00 元超过")
    assert 'value="CZ-1"' in too_much.content.decode()
    ok = client.post(url, {"amount": "200000", "paid_on": "2025-08-01", "voucher_no": "CZ-1"})
    assert ok.status_code == 302
    again = client.post(url, {"amount": "200000", "paid_on": "2025-08-01", "voucher_no": "CZ-2"})
    assert again.status_code == 400 and Disbursement.objects.count() == 1


def test_approver_cannot_reach_the_payment_view(client, cast, grant):
    client.login(username=cast["approver"].username, password=PASSWORD)
    assert (
        client.post(
            f"/funding/{grant.pk}/disburse/", {"amount": "1", "paid_on": "2025-08-01", "voucher_no": "X"}
        ).status_code
        == 403
    )


def test_award_form_names_the_clause_and_is_idempotent(client, cast, unit_a):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2024)
    client.login(username=cast["approver"].username, password=PASSWORD)
    reauthenticated(client)
    data = {
        "studio": studio.pk,
        "kind": "excellent",
        "year": 2024,
        "on": "2025-01-15",
        "document_no": "京开社〔2025〕3号",
    }
    first = client.post("/funding/award/", data, follow=True)
    assert "100,000.00 元（第14条（2））" in first.content.decode()
    second = client.post("/funding/award/", data, follow=True)
    assert "未重复核定" in second.content.decode()
    expired = client.post("/funding/award/", {**data, "year": 2026, "on": "2027-01-11"})
    assert "第20条" in expired.content.decode()


def test_grant_list_export(client, cast, grant):
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    response = client.get("/funding/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "who,url",
    [
        ("finance", "/funding/{pk}/disburse/"),
        ("approver", "/funding/{pk}/cancel/"),
        ("finance", "/funding/{pk}/recover/"),
        ("approver", "/funding/award/"),
        ("approver", "/funding/titles/"),
    ],
)
def test_money_actions_ask_for_the_password_again_and_write_nothing(client, cast, grant, who, url):
    client.login(username=cast[who].username, password=PASSWORD)
    url = url.format(pk=grant.pk)
    response = client.post(
        url,
        {
            "amount": "200000",
            "paid_on": "2025-08-01",
            "voucher_no": "CZ-1",
            "reason": "x",
            "on": "2025-08-01",
            "studio": grant.studio_id,
            "kind": "excellent",
            "year": 2024,
            "level": "national",
            "document_no": "X",
            "awarded_on": "2025-08-01",
        },
        HTTP_REFERER=f"http://testserver/funding/{grant.pk}/",
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/?next=")
    grant.refresh_from_db()
    assert grant.state == "approved" and Disbursement.objects.count() == 0
    assert grant.studio.grants.count() == 1
