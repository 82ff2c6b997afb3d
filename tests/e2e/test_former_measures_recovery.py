"""Browser (issue 16, "Done when"): a studio of the former Measures is imported with its paid grant,
is assessed 不合格, fails its re-assessment after rectification, is revoked, and the recovery equals
the paid total; finance records the repayment and the recovery is settled; the dashboard's 待追回
follows it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masterstudio.funding.models import Grant
from masterstudio.recoveries.models import Recovery
from masterstudio.studios.models import Studio
from tests.e2e.conftest import screenshot
from tests.e2e.test_studio_life import open_and_score, publish, reauth_if_asked, session
from tests.factories.studio_life import make_expert
from tests.funding.test_imports import row, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_imported_studio_revoked_recovers_its_paid_grant_until_settled(browser, live_server, cast, unit_a, tmp_path):
    make_expert("王专家")
    reviewer, approver = session(browser, live_server, "reviewer"), session(browser, live_server, "approver")
    expert = session(browser, live_server, "expert_王专家")

    # the former Measures' studio with its 200,000 yuan grant paid, imported through the template
    sheet = tmp_path / "原办法工作室.xlsx"
    sheet.write_bytes(workbook([row(unit_name=unit_a.name, credit_code=unit_a.credit_code)]))
    reviewer.goto("/data/import/studios/")
    reviewer.set_input_files("#id_file", str(sheet))
    reviewer.click("main form button:has-text('上传并预览')")
    expect(reviewer.get_by_test_id("import-summary")).to_contain_text("没有错误")
    reviewer.click("main button:has-text('确认导入 1 个工作室')")
    expect(reviewer.locator(".msg-success")).to_contain_text("已导入 1 个依原办法认定的工作室")
    studio = Studio.objects.get()
    assert studio.imported_from == "京技管发〔2024〕1号" and studio.unit_id == unit_a.pk
    grant = Grant.objects.get(studio=studio)
    assert (grant.state, grant.imported, grant.amount) == ("disbursed", True, Decimal("200000.00"))

    # 2026: 不合格 → rectification with a deadline and actions
    year = timezone.localdate().year
    year_url = open_and_score(reviewer, expert, year, 10)
    reviewer.goto(year_url)
    reviewer.click(f"[data-testid=result-{studio.pk}] >> text=复核")
    reviewer.fill("#id_rectify_deadline", (timezone.localdate() + timezone.timedelta(days=20)).isoformat())
    reviewer.fill("#id_rectify_actions", "补齐带徒培养记录，每季度开展一次技艺交流")
    reviewer.click("main button:has-text('保存复核')")
    reviewer.wait_for_load_state("load")
    publish(approver, year_url)
    reviewer.goto(f"/studios/{studio.pk}/")
    expect(reviewer.get_by_test_id("studio-state")).to_have_text("限期整改")

    # the unit reports its rectification; the re-assessment fails again → revocation under Art. 13(2)
    unit = session(browser, live_server, "unit_a")
    unit.goto(f"/studios/{studio.pk}/")
    unit.click("text=报送整改情况")
    unit.fill("#id_r-report", "已制定带徒计划，开展交流 1 次")
    unit.click("button[value=report]")
    expect(unit.get_by_test_id("rect-state")).to_have_text("已报送整改情况")
    reviewer.goto(unit.url)
    reviewer.select_option("#id_a-grade", "unqualified")
    reviewer.fill("#id_a-reasons", "整改后复查：带徒记录仍不完整，交流活动未开展")
    reviewer.click("button[value=reassess]")
    reviewer.wait_for_load_state("load")
    approver.goto(f"/studios/{studio.pk}/revoke/?cause=failed_again")
    reauth_if_asked(approver, "approver")
    approver.goto(f"/studios/{studio.pk}/revoke/?cause=failed_again")
    approver.fill("#id_evidence", f"{year}年度考核不合格，限期整改后复评仍不合格")
    approver.fill("#id_decision", "经评估审查，依第13条第（二）项撤销称号，追回资助周期内的区级资金")
    approver.fill("#id_document_no", f"京技社〔{year}〕21号")
    approver.click("main button:has-text('确认撤销')")
    expect(approver.get_by_test_id("recovery-state")).to_have_text("追回中")

    # the recovery equals what was paid, the imported payment named as such
    expect(approver.get_by_test_id("amount-due")).to_have_text("200,000.00 元")
    lines = approver.get_by_test_id("recovery-lines")
    expect(lines).to_contain_text("原办法认定，导入")
    expect(lines).to_contain_text("第14条")
    expect(lines).to_contain_text("200,000.00")
    recovery = Recovery.objects.get(studio=studio)
    assert recovery.amount_due == Decimal("200000.00") and recovery.state == "open"
    screenshot(approver, "former-measures-recovery")
    reviewer.goto("/dashboards/")
    expect(reviewer.get_by_test_id("to-recover")).to_have_text("200,000.00 元")

    # finance records the repayment: settled, the grant recovered
    finance = session(browser, live_server, "finance")

    def repay():
        finance.goto(f"/recoveries/{recovery.pk}/")
        finance.fill("#id_amount", "200000.00")
        finance.fill("#id_voucher_no", "TH-2026-021")
        finance.click("main form button:has-text('登记')")
        finance.wait_for_load_state("load")

    repay()
    if reauth_if_asked(finance, "finance"):
        repay()
    expect(finance.get_by_test_id("recovery-state")).to_have_text("已结清")
    expect(finance.get_by_test_id("owed")).to_have_text("200,000.00 元 / 0.00 元")
    grant.refresh_from_db()
    assert grant.state == "recovered" and grant.recovery_voucher_no == "TH-2026-021"
    reviewer.goto("/dashboards/")
    expect(reviewer.get_by_test_id("to-recover")).to_have_text("0.00 元")
    screenshot(finance, "former-measures-settled")
