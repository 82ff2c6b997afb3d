"""Issue 16 point 1: the recovery (Art. 13) is what was actually paid of district money in the cycle
containing the revocation date, whoever approved it, imported payments of the former Measures
included, each item naming its clause and source; the dashboard's 待追回 shows it; the recovery
table shows money with thousands separators; a wrong repayment is reversed, never edited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from masterstudio.core.models import Event
from masterstudio.dataio import imports
from masterstudio.funding import services as funding
from masterstudio.funding.models import Grant
from masterstudio.recoveries import amounts, services
from masterstudio.recoveries.models import Repayment
from masterstudio.studios.models import Studio
from tests.factories import PASSWORD
from tests.funding.test_imports import row, workbook

pytestmark = pytest.mark.django_db


def _import_studio(cast, **values) -> Studio:
    return imports.commit(workbook([row(**values)]), actor=cast["reviewer"], filename="原办法工作室.xlsx")[0]


def _revoke(studio, cast, on=None):
    return services.revoke(
        studio,
        cause="other",
        evidence="单位来函申请撤销",
        decision="经研究撤销称号",
        decided_on=on,
        actor=cast["approver"],
    )


def test_an_imported_studio_revoked_recovers_its_imported_paid_grant(cast):
    studio = _import_studio(cast)
    recovery = _revoke(studio, cast).recovery
    assert recovery.amount_due == Decimal("200000.00")
    assert recovery.state == "open" and recovery.settled_on is None
    [line] = recovery.lines
    assert (line["clause"], line["source"], line["paid"], line["action"]) == (
        "14.1",
        "原办法认定，导入",
        "200000.00",
        "recover",
    )
    assert "平台没有该笔资金的核定记录" not in str(recovery.lines)
    assert Grant.objects.get(studio=studio).recovery_required


def test_an_imported_grant_plus_title_rewards_are_all_recovered(cast):
    studio = _import_studio(cast)
    _, beijing = funding.record_title(
        studio, "beijing", document_no="京人社函〔2025〕9号", awarded_on=date(2025, 9, 1), actor=cast["approver"]
    )
    funding.disburse(beijing, amount="100000", paid_on=date(2025, 10, 1), voucher_no="CZ-B", actor=cast["finance"])
    _, national = funding.record_title(
        studio, "national", document_no="人社部函〔2026〕3号", awarded_on=date(2026, 3, 1), actor=cast["approver"]
    )
    recovery = _revoke(studio, cast).recovery
    assert recovery.amount_due == Decimal("300000.00")  # 200,000 imported + 100,000 paid; the national reward unpaid
    assert recovery.amount_cancelled == Decimal("200000.00")
    by_clause = {line["clause"]: line for line in recovery.lines}
    assert by_clause["14.1"]["source"] == "原办法认定，导入" and by_clause["15.2"]["source"] == "本平台核定"
    assert by_clause["15.1"]["action"] == "cancel"
    national.refresh_from_db()
    assert national.state == "cancelled"


def test_recovery_does_not_fail_or_become_zero_when_the_engine_refuses(cast, monkeypatch):
    """A recognition the engine does not date (before these Measures) must not make the recovery 0."""
    from masterstudio.policy import funding as engine
    from masterstudio.policy.errors import PolicyInputError

    def refuse(*args, **kwargs):
        raise PolicyInputError("invalid_input", "recognized_on", "认定日期早于本办法参数的生效日期")

    studio = _import_studio(cast, recognized_on="2023-05-10", paid_on="2023-07-01")
    monkeypatch.setattr(engine, "funding_cycle", refuse)
    monkeypatch.setattr(amounts, "ask_engine", refuse)
    recovery = _revoke(studio, cast, on=date(2026, 1, 20)).recovery
    assert (recovery.cycle_start, recovery.cycle_end) == (date(2023, 5, 10), date(2026, 5, 9))
    assert recovery.amount_due == Decimal("200000.00")
    assert recovery.engine_answer["error"]["message"] == "认定日期早于本办法参数的生效日期"


def test_dashboard_to_recover_shows_the_amount_still_owed(client, cast):
    studio = _import_studio(cast)
    recovery = _revoke(studio, cast).recovery
    services.record_repayment(
        recovery, amount="50000", paid_on=timezone.localdate(), voucher_no="TH-1", actor=cast["finance"]
    )
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    page = client.get("/dashboards/").content.decode()
    assert 'data-testid="to-recover">150,000.00 元' in page


def test_recovery_pages_show_money_with_thousands_separators(client, cast):
    studio = _import_studio(cast)
    recovery = _revoke(studio, cast).recovery
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    index = client.get("/recoveries/").content.decode()
    assert f'data-testid="due-{recovery.pk}">200,000.00<' in index
    detail = client.get(f"/recoveries/{recovery.pk}/").content.decode()
    assert '<td class="num">200,000.00</td><td class="num">200,000.00</td>' in detail  # amount, paid of the line
    assert "原办法认定，导入" in detail and "第14条" in detail


def test_a_wrong_repayment_is_reversed_with_reason_and_event(cast):
    studio = _import_studio(cast)
    recovery = _revoke(studio, cast).recovery
    today = timezone.localdate()
    repayment = services.record_repayment(
        recovery, amount="20000", paid_on=today, voucher_no="TH-1", actor=cast["finance"]
    )
    with pytest.raises(services.RecoveryError, match="冲正理由"):
        services.reverse_repayment(repayment, reason="", actor=cast["finance"])
    reversal = services.reverse_repayment(repayment, reason="金额录入错误，应为 200,000 元", actor=cast["finance"])
    assert reversal.amount == Decimal("-20000.00") and Repayment.objects.get(pk=repayment.pk).amount == Decimal("20000")
    assert services.outstanding(recovery) == Decimal("200000.00")
    assert Event.objects.filter(action="recovery.repayment_reversed", reason="金额录入错误，应为 200,000 元").exists()
    with pytest.raises(services.RecoveryError, match="已登记：凭证号“TH-1”的退回款已冲正"):
        services.reverse_repayment(repayment, reason="again", actor=cast["finance"])
    services.record_repayment(recovery, amount="200000", paid_on=today, voucher_no="TH-2", actor=cast["finance"])
    recovery.refresh_from_db()
    assert recovery.state == "settled"
    assert Grant.objects.get(studio=studio).state == "recovered"


def test_repayment_dated_after_today_is_refused_naming_the_field(cast):
    studio = _import_studio(cast)
    recovery = _revoke(studio, cast).recovery
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    with pytest.raises(services.RecoveryError, match="到账日期 .* 晚于今天") as refused:
        services.record_repayment(recovery, amount="1", paid_on=tomorrow, voucher_no="TH-1", actor=cast["finance"])
    assert refused.value.field == "paid_on" and not recovery.repayments.exists()


def test_the_revocation_page_previews_the_recovery_from_the_payment_records(client, cast):
    from tests.funding.test_views import reauthenticated

    studio = _import_studio(cast)
    client.login(username=cast["approver"].username, password=PASSWORD)
    reauthenticated(client)
    page = client.get(f"/studios/{studio.pk}/revoke/?cause=other").content.decode()
    assert "应追回（已拨付）200,000.00 元" in page
    assert not studio.grants.filter(recovery_required=True).exists()  # the preview writes nothing
