"""Revocation (Art. 13) and recovery of the current funding cycle's money (interpretation 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.assessments import services as assessments
from masterstudio.assessments.models import Grade, Rectification
from masterstudio.funding.models import Grant
from masterstudio.funding.services import award_grant, disburse
from masterstudio.policy.funding import answer as engine_funding
from masterstudio.recoveries import services
from masterstudio.recoveries.models import Recovery, Revocation
from masterstudio.recoveries.services import RecoveryError
from masterstudio.studios.models import Studio, StudioState
from tests.factories.money import published_grade
from tests.factories.studio_life import at, make_expert, make_studio, run_year

pytestmark = pytest.mark.django_db


def _excellent(studio, cast, *, year=2025, paid=False):
    published_grade(studio, year, on=timezone.localdate())
    grant = award_grant(studio, "excellent", on=timezone.localdate(), year=year, actor=cast["approver"])
    if paid:
        disburse(
            grant,
            amount=grant.amount,
            paid_on=timezone.localdate(),
            voucher_no=f"BF-E-{studio.pk}",
            actor=cast["finance"],
        )
    return grant


def test_revocation_recovers_paid_and_cancels_unpaid_as_the_engine_says(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"], finance=cast["finance"], paid=True)
    reward = _excellent(studio, cast, paid=False)
    today = timezone.localdate()
    revocation = services.revoke(
        studio,
        cause="violation",
        evidence="2026年检查发现虚报培训记录（检查记录附后）",
        decision="经评估审查，撤销称号",
        actor=cast["approver"],
    )
    studio.refresh_from_db()
    assert studio.state == StudioState.REVOKED and studio.revoked_on == today
    assert studio.revocation_clause == "13.1" and studio.nameplate_withdrawn
    recovery = revocation.recovery
    expected = engine_funding(
        {
            "as_of": today.isoformat(),
            "recognized_on": "2024-06-20",
            "assessments": [{"year": 2025, "grade": "excellent", "on": today.isoformat()}],
            "titles": [],
            "revoked_on": today.isoformat(),
        }
    )["recovery"]
    assert (recovery.cycle_start.isoformat(), recovery.cycle_end.isoformat()) == (
        expected["cycle_start"],
        expected["cycle_end"],
    )
    assert recovery.engine_amount == Decimal(expected["amount"]) == Decimal("300000.00")
    assert recovery.clauses == ["14.1", "14.2"]
    assert recovery.amount_due == Decimal("200000.00") and recovery.amount_cancelled == Decimal("100000.00")
    reward.refresh_from_db()
    assert reward.state == "cancelled"
    assert Grant.objects.get(studio=studio, kind="initial").recovery_required


def test_repayments_until_settled_never_more_than_owed(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"], finance=cast["finance"], paid=True)
    revocation = services.revoke(
        studio, cause="left", evidence="领办人 2026-10-01 离职，单位来函", decision="撤销", actor=cast["approver"]
    )
    recovery = revocation.recovery
    today = timezone.localdate()
    with pytest.raises(RecoveryError, match="超过尚欠金额 200,000.00 元"):
        services.record_repayment(recovery, amount="200000.01", paid_on=today, voucher_no="TH-1", actor=cast["finance"])
    with pytest.raises(RecoveryError, match="财务职责"):
        services.record_repayment(recovery, amount="1", paid_on=today, voucher_no="TH-1", actor=cast["approver"])
    services.record_repayment(recovery, amount="50000", paid_on=today, voucher_no="TH-1", actor=cast["finance"])
    with pytest.raises(RecoveryError, match="已登记：凭证号“TH-1”"):
        services.record_repayment(recovery, amount="1", paid_on=today, voucher_no="TH-1", actor=cast["finance"])
    assert services.outstanding(recovery) == Decimal("150000.00")
    services.record_repayment(recovery, amount="150000.00", paid_on=today, voucher_no="TH-2", actor=cast["finance"])
    recovery.refresh_from_db()
    assert recovery.state == "settled" and recovery.settled_on == today
    grant = Grant.objects.get(studio=studio, kind="initial")
    assert grant.state == "recovered" and grant.recovery_voucher_no == "TH-2"
    with pytest.raises(RecoveryError, match="已于 .* 结清"):
        services.record_repayment(recovery, amount="1", paid_on=today, voucher_no="TH-3", actor=cast["finance"])
    assert list(services.open_recoveries()) == []


def test_nothing_paid_means_nothing_to_repay(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    revocation = services.revoke(
        studio, cause="other", evidence="单位破产清算", decision="撤销", actor=cast["approver"]
    )
    recovery = revocation.recovery
    assert recovery.state == "settled" and recovery.amount_due == 0
    assert recovery.amount_cancelled == Decimal("200000.00")


@pytest.mark.parametrize(
    "field, kwargs, message",
    [
        ("cause", {"cause": ""}, "请选择撤销情形"),
        ("evidence", {"evidence": "  "}, "事实与证据"),
        ("decision", {"decision": ""}, "撤销决定"),
    ],
)
def test_revocation_without_cause_or_evidence_is_refused(cast, unit_a, field, kwargs, message):
    studio = make_studio(unit_a, approver=cast["approver"])
    values = {"cause": "violation", "evidence": "检查记录", "decision": "撤销"}
    values.update(kwargs)
    with pytest.raises(RecoveryError, match=message) as caught:
        services.revoke(studio, actor=cast["approver"], **values)
    assert caught.value.field == field
    studio.refresh_from_db()
    assert studio.state == StudioState.ACTIVE and not Revocation.objects.exists()


def test_revocation_twice_and_by_non_approver_is_refused(cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(RecoveryError, match="审批职责"):
        services.revoke(studio, cause="other", evidence="x", decision="y", actor=cast["reviewer"])
    services.revoke(studio, cause="other", evidence="x", decision="y", actor=cast["approver"])
    with pytest.raises(RecoveryError, match="不能重复撤销"):
        services.revoke(
            Studio.objects.get(pk=studio.pk), cause="other", evidence="x", decision="y", actor=cast["approver"]
        )
    assert Recovery.objects.count() == 1


def test_13_2_needs_a_failed_reassessment(cast, unit_a):
    make_expert("专家一")
    studio = make_studio(unit_a, approver=cast["approver"])
    with pytest.raises(RecoveryError, match="整改后复评仍不合格"):
        services.revoke(studio, cause="failed_again", evidence="x", decision="y", actor=cast["approver"])
    run_year(2025, {studio.pk: 10}, reviewer=cast["reviewer"], approver=cast["approver"])
    rect = Rectification.objects.get(studio=studio)
    assessments.record_reassessment(rect, grade=Grade.UNQUALIFIED, reasons="整改不到位", actor=cast["reviewer"])
    revocation = services.revoke(
        Studio.objects.get(pk=studio.pk),
        cause="failed_again",
        evidence="2025年度不合格，整改后复评仍不合格",
        decision="依第13条第（二）项撤销",
        actor=cast["approver"],
    )
    assert revocation.clause == "13.2" and revocation.reassessment.grade == Grade.UNQUALIFIED


def test_revocation_date_in_the_second_cycle_recovers_only_that_cycle(cast, unit_a, monkeypatch):
    studio = make_studio(
        unit_a, approver=cast["approver"], finance=cast["finance"], paid=True, recognized_on=date(2024, 1, 5)
    )
    monkeypatch.setattr(timezone, "now", lambda: at(date(2027, 3, 1)))
    revocation = services.revoke(
        studio, cause="inactive", evidence="超过一年无活动、无总结、无记账", decision="撤销", actor=cast["approver"]
    )
    recovery = revocation.recovery
    assert (recovery.cycle_start, recovery.cycle_end) == (date(2027, 1, 5), date(2030, 1, 4))
    assert recovery.engine_amount == Decimal("0.00") and recovery.amount_due == 0 and recovery.state == "settled"
    assert Grant.objects.get(studio=studio).state == "disbursed"
