"""The guards every money service passes (issue 16 points 2–4, issue 21 point 3): a revoked studio
earns nothing and its unpaid grants are frozen; no money dated in the future or before it could
exist; corrections by reversing entries; a duplicate answers 已登记 and writes nothing; an Art. 14
优秀 reward needs that year's published grade 优秀."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.core import transitions
from masterstudio.core.models import Event
from masterstudio.funding import services
from masterstudio.funding.models import Disbursement, Grant, StudioTitle
from masterstudio.recoveries import services as recoveries
from tests.factories import PASSWORD
from tests.factories.money import make_studio, published_grade

pytestmark = pytest.mark.django_db


def _revoke(studio, cast, on=None):
    return recoveries.revoke(
        studio,
        cause="other",
        evidence="单位来函申请撤销",
        decision="经研究撤销称号",
        decided_on=on,
        actor=cast["approver"],
    )


# ---------------------------------------------------------------- point 2: a revoked studio earns nothing


def test_a_revoked_studio_gets_no_title_reward_and_no_excellent_reward(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2025)
    _revoke(studio, cast, on=date(2026, 3, 1))
    studio.refresh_from_db()
    events = Event.objects.count()
    with pytest.raises(services.FundingError, match="已于 2026-03-01 撤销（第13条），不再核定、拨付任何区级资助或奖励"):
        services.record_title(
            studio, "beijing", document_no="京人社函〔2026〕1号", awarded_on=date(2026, 2, 1), actor=cast["approver"]
        )
    with pytest.raises(services.FundingError, match="已于 2026-03-01 撤销"):
        services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])
    assert not StudioTitle.objects.filter(studio=studio).exists()
    assert not Grant.objects.filter(studio=studio).exclude(kind="initial").exists()
    assert Event.objects.count() == events


def test_a_grant_approved_before_revocation_and_unpaid_is_frozen_not_paid(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    initial = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    services.disburse(initial, amount="150000", paid_on=date(2024, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    recovery = _revoke(studio, cast, on=date(2026, 3, 1)).recovery
    initial.refresh_from_db()
    assert initial.state == "frozen" and initial.recovery_required
    assert recovery.amount_due == Decimal("150000.00")
    assert "未拨付部分 50,000.00 元冻结" in recovery.lines[0]["note"]
    with pytest.raises(services.FundingError, match="撤销（第13条）"):
        services.disburse(initial, amount="50000", paid_on=date(2026, 4, 1), voucher_no="CZ-2", actor=cast["finance"])
    assert not Disbursement.objects.filter(voucher_no="CZ-2").exists()
    recoveries.record_repayment(
        recovery, amount="150000", paid_on=timezone.localdate(), voucher_no="TH-1", actor=cast["finance"]
    )
    initial.refresh_from_db()
    assert initial.state == "recovered"


def test_payment_refused_for_a_studio_revoked_after_approval_even_if_the_grant_is_still_approved(unit_a, cast):
    """The guard reads the studio's state, not the grant's: whatever path left the grant 已核定."""
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    with transitions.seed("test: a studio revoked by a path that left its grant approved"):
        type(studio).objects.filter(pk=studio.pk).update(state="revoked", revoked_on=date(2026, 1, 5))
    with pytest.raises(services.FundingError, match="已于 2026-01-05 撤销"):
        services.disburse(grant, amount="1", paid_on=date(2026, 2, 1), voucher_no="CZ-9", actor=cast["finance"])
    assert not grant.disbursements.exists()


# ---------------------------------------------------------------- issue 21 point 3: the 优秀 reward needs its grade


@pytest.mark.parametrize(
    "grade, message",
    [
        (None, "2025 年度考核结果尚未发布"),
        ("qualified", "2025 年度考核等次为“合格”"),
        ("unqualified", "2025 年度考核等次为“不合格”"),
    ],
)
def test_excellent_reward_refused_without_the_published_grade_excellent(unit_a, cast, grade, message):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    if grade:
        published_grade(studio, 2025, grade)
    with pytest.raises(services.FundingError, match=message) as refused:
        services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])
    assert refused.value.field == "year"
    assert not Grant.objects.filter(studio=studio, kind="excellent").exists()


def test_excellent_reward_refused_while_the_grade_is_not_published(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    result = published_grade(studio, 2025)
    type(result).objects.filter(pk=result.pk).update(published=False)
    with pytest.raises(services.FundingError, match="尚未发布"):
        services.award_grant(studio, "excellent", year=2025, on=date(2026, 1, 15), actor=cast["approver"])


def test_the_award_page_refuses_an_excellent_reward_for_a_qualified_year(client, cast, unit_a):
    from tests.funding.test_views import reauthenticated

    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2025, "qualified")
    client.login(username=cast["approver"].username, password=PASSWORD)
    reauthenticated(client)
    response = client.post(
        "/funding/award/", {"studio": studio.pk, "kind": "excellent", "year": 2025, "on": "2026-01-15"}
    )
    assert response.status_code == 200
    assert "等次为“合格”" in response.content.decode() and "已核定" not in response.content.decode()
    assert not Grant.objects.filter(studio=studio).exists()


# ---------------------------------------------------------------- point 3: dates


def test_money_dated_after_today_is_refused_naming_the_field(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    tomorrow = timezone.localdate() + timedelta(days=1)
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    with pytest.raises(services.FundingError, match=f"拨付日期 {tomorrow:%Y-%m-%d} 晚于今天") as refused:
        services.disburse(grant, amount="1", paid_on=tomorrow, voucher_no="CZ-1", actor=cast["finance"])
    assert refused.value.field == "paid_on"
    with pytest.raises(services.FundingError, match="命名日期 .* 晚于今天") as refused:
        services.record_title(studio, "beijing", document_no="文号", awarded_on=tomorrow, actor=cast["approver"])
    assert refused.value.field == "awarded_on"
    with pytest.raises(services.FundingError, match="核定依据日期 .* 晚于今天"):
        services.award_grant(studio, "national", on=tomorrow, actor=cast["approver"])
    assert not grant.disbursements.exists() and not StudioTitle.objects.exists()


def test_money_dated_before_it_could_exist_is_refused(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    with pytest.raises(services.FundingError, match="拨付日期 2024-06-19 早于核定日期 2024-06-20"):
        services.disburse(grant, amount="1", paid_on=date(2024, 6, 19), voucher_no="CZ-1", actor=cast["finance"])
    with pytest.raises(services.FundingError, match="命名日期 2024-01-01 早于工作室认定日期 2024-06-20"):
        services.record_title(
            studio, "beijing", document_no="文号", awarded_on=date(2024, 1, 1), actor=cast["approver"]
        )


# ---------------------------------------------------------------- point 3: reversing entries


def test_a_wrong_payment_is_corrected_by_a_reversing_entry_with_reason_and_event(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    payment = services.disburse(
        grant, amount="200000", paid_on=date(2024, 8, 1), voucher_no="CZ-1", actor=cast["finance"]
    )
    grant.refresh_from_db()
    assert grant.state == "disbursed"
    with pytest.raises(services.FundingError, match="冲正理由"):
        services.reverse_disbursement(payment, reason=" ", actor=cast["finance"])
    with pytest.raises(services.FundingError, match="财务职责"):
        services.reverse_disbursement(payment, reason="金额错", actor=cast["reviewer"])
    reversal = services.reverse_disbursement(payment, reason="凭证号登记错误，应为 CZ-1A", actor=cast["finance"])
    payment.refresh_from_db()
    assert (payment.amount, payment.voucher_no) == (Decimal("200000.00"), "CZ-1")  # never edited
    assert (reversal.amount, reversal.reversal_of, reversal.reason) == (
        Decimal("-200000.00"),
        payment,
        "凭证号登记错误，应为 CZ-1A",
    )
    grant.refresh_from_db()
    assert grant.state == "approved" and services.disbursed_total(grant) == 0
    assert (
        Event.objects.filter(
            action="grant.payment_reversed", object_id=str(grant.pk), reason="凭证号登记错误，应为 CZ-1A"
        ).count()
        == 1
    )
    with pytest.raises(services.AlreadyRecorded, match="已冲正"):
        services.reverse_disbursement(payment, reason="再冲一次", actor=cast["finance"])
    services.disburse(grant, amount="200000", paid_on=date(2024, 8, 1), voucher_no="CZ-1A", actor=cast["finance"])
    grant.refresh_from_db()
    assert grant.state == "disbursed" and services.disbursed_total(grant) == Decimal("200000.00")


def test_a_payment_counted_in_a_recovery_cannot_be_reversed(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    payment = services.disburse(
        grant, amount="200000", paid_on=date(2024, 8, 1), voucher_no="CZ-1", actor=cast["finance"]
    )
    _revoke(studio, cast)
    with pytest.raises(services.FundingError, match="已列入撤销后的追回"):
        services.reverse_disbursement(payment, reason="x", actor=cast["finance"])


# ---------------------------------------------------------------- point 4: duplicates say so


def test_same_voucher_twice_answers_already_recorded_and_changes_nothing(unit_a, cast):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    grant = services.award_grant(studio, "initial", on=studio.recognized_on, actor=cast["approver"])
    services.disburse(grant, amount="1000", paid_on=date(2024, 8, 1), voucher_no="CZ-1", actor=cast["finance"])
    events = Event.objects.count()
    with pytest.raises(services.AlreadyRecorded, match="^已登记：拨付凭证号“CZ-1”已于 2024-08-01 登记"):
        services.disburse(grant, amount="1000", paid_on=date(2024, 8, 2), voucher_no="CZ-1", actor=cast["finance"])
    assert services.disbursed_total(grant) == Decimal("1000.00") and Event.objects.count() == events


def test_the_title_page_says_already_recorded_and_shows_no_success(client, cast, unit_a):
    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    services.record_title(
        studio, "beijing", document_no="京人社函〔2025〕9号", awarded_on=date(2025, 9, 1), actor=cast["approver"]
    )
    from tests.funding.test_views import reauthenticated

    client.login(username=cast["approver"].username, password=PASSWORD)
    reauthenticated(client)
    response = client.post(
        "/funding/titles/",
        {"studio": studio.pk, "level": "beijing", "document_no": "另一文号", "awarded_on": "2025-10-01"},
        follow=True,
    )
    page = response.content.decode()
    assert "已登记：该工作室的北京市技能大师工作室称号已于 2025-09-01 登记" in page
    assert "核定奖励 100,000.00 元" not in page  # the success message of a new title
    assert StudioTitle.objects.filter(studio=studio).count() == 1
    assert Grant.objects.filter(studio=studio, kind="beijing").count() == 1


def test_the_award_page_answers_already_recorded_for_the_same_reward(client, cast, unit_a):
    from tests.funding.test_views import reauthenticated

    studio = make_studio(unit_a, recognized_on=date(2024, 6, 20))
    published_grade(studio, 2024)
    client.login(username=cast["approver"].username, password=PASSWORD)
    reauthenticated(client)
    data = {"studio": studio.pk, "kind": "excellent", "year": 2024, "on": "2025-01-15"}
    client.post("/funding/award/", data, follow=True)
    second = client.post("/funding/award/", data, follow=True).content.decode()
    assert "已登记：该项资助已于 2025-01-15 核定，未重复核定" in second and "已核定 年度考核优秀奖励" not in second
    assert Grant.objects.filter(studio=studio, kind="excellent").count() == 1
