"""Two years of a studio's life in the browser: it summarises and is assessed 优秀 (the reward
appears), next year 不合格, rectifies, fails the re-assessment, is revoked, and the recovery shown
matches the policy engine."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masterstudio.funding.models import Grant
from masterstudio.policy.funding import answer as engine_funding
from masterstudio.recoveries.models import Recovery
from masterstudio.studios.models import Studio
from tests.e2e.conftest import flashed, login, screenshot, totp_now
from tests.factories import PASSWORD
from tests.factories.studio_life import make_expert, make_studio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "projects": "数控车削主轴精度攻关，获实用新型专利 1 项",
    "apprentices": "带徒 3 人，2 人晋升高级工",
    "exchanges": "举办区级技艺交流 2 次",
    "social_benefit": "为区内企业培训 120 人次",
    "spending": "设备更新 5.2 万元",
}


def session(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, username, PASSWORD)
    return page


def reauth_if_asked(page, username):
    if "/accounts/reauth/" in page.url:
        page.fill("#id_password", PASSWORD)
        if page.locator("#id_code").count():
            page.fill("#id_code", totp_now(username))
        page.click("main form button[type=submit]")
        expect(page).not_to_have_url(re.compile("/accounts/reauth/"))
        return True
    return False


def fill_summary(page, studio, year, *, confirm_as_unit):
    page.goto(f"/summaries/studio/{studio.pk}/{year}/")
    for name, value in TEXT.items():
        page.fill(f"#id_{name}", value)
    if confirm_as_unit:
        page.check("input[name=figures_checked]")
        page.click("button[value=confirm]")
    else:
        page.click("button[value=submit]")
    expect(page.get_by_test_id("summary-state")).to_have_text("单位已确认报送" if confirm_as_unit else "待单位确认")


def open_and_score(staff, expert, year, points):
    staff.goto("/assessments/new/")
    staff.fill("#id_year", str(year))
    staff.click("main form button[type=submit]")
    staff.wait_for_selector("[data-testid=year-state]")
    staff.fill("#id_size", "1")
    staff.fill("#id_seed", f"e2e-{year}")
    staff.click("main button:has-text('抽取专家')")
    flashed(staff, "个工作室抽取专家")
    year_url = staff.url
    expert.goto("/experts/tasks/")
    expert.click(f".task-card:has-text('{Studio.objects.first().unit.name}'):has-text('待声明利益冲突')")
    expert.check("input[name=conflict][value=no]")
    expert.click("main button:has-text('提交声明')")
    flashed(expert, "已提交声明")
    for field in expert.locator("input[type=number]").all():
        field.fill(str(points))
    for area in expert.locator("textarea[name^=comment]").all():
        area.fill("依据年度总结和平台记录评分")
    expert.click("button[value=submit]")
    flashed(expert, "评分已提交")
    staff.goto(year_url)
    staff.click("main button:has-text('开封并计算等次')")
    flashed(staff, "的等次，请复核后发布")
    return year_url


def published_or_reauth(page):
    """The answer to 发布结果并应用: the year published, or the password asked again first."""
    return page.locator("[data-testid=year-state]", has_text="已发布").or_(page.locator("#id_password"))


def publish(approver, year_url):
    approver.goto(year_url)
    approver.click("main button:has-text('发布结果并应用')")
    expect(published_or_reauth(approver)).to_be_visible()
    if reauth_if_asked(approver, "approver"):
        approver.goto(year_url)
        approver.click("main button:has-text('发布结果并应用')")
    expect(approver.get_by_test_id("year-state")).to_have_text("已发布")


def test_two_years_from_excellent_to_revocation(browser, live_server, cast, unit_a):
    studio = make_studio(unit_a, approver=cast["approver"], finance=cast["finance"], paid=True)
    make_expert("王专家")
    leader, unit = session(browser, live_server, "leader_a"), session(browser, live_server, "unit_a")
    reviewer, approver = session(browser, live_server, "reviewer"), session(browser, live_server, "approver")
    expert = session(browser, live_server, "expert_王专家")

    # year one: the leader drafts, the unit confirms; experts score; 优秀 → the Art. 14 reward
    fill_summary(leader, studio, 2025, confirm_as_unit=False)
    unit.goto(f"/summaries/studio/{studio.pk}/2025/")
    unit.check("input[name=figures_checked]")
    unit.click("button[value=confirm]")
    expect(unit.get_by_test_id("summary-state")).to_have_text("单位已确认报送")
    year_url = open_and_score(reviewer, expert, 2025, 23)
    expect(reviewer.get_by_test_id(f"result-{studio.pk}")).to_contain_text("优秀")
    publish(approver, year_url)
    unit.goto(f"/studios/{studio.pk}/")
    expect(unit.get_by_test_id("studio-money")).to_contain_text("年度考核优秀奖励（第14条）（2025）")
    reward = Grant.objects.get(studio=studio, kind="excellent", year=2025)
    assert reward.amount == Decimal("100000.00")

    # year two: 不合格 → rectification with deadline and actions
    fill_summary(unit, studio, 2026, confirm_as_unit=True)
    year_url = open_and_score(reviewer, expert, 2026, 10)
    reviewer.goto(year_url)
    reviewer.click(f"[data-testid=result-{studio.pk}] >> text=复核")
    reviewer.fill("#id_rectify_deadline", (timezone.localdate() + timezone.timedelta(days=60)).isoformat())
    reviewer.fill("#id_rectify_actions", "每季度开展一次技艺交流，补齐带徒培养记录")
    reviewer.click("main button:has-text('保存复核')")
    flashed(reviewer, "已复核：")
    publish(approver, year_url)
    unit.goto(f"/studios/{studio.pk}/")
    expect(unit.get_by_test_id("studio-state")).to_have_text("限期整改")
    unit.click("text=报送整改情况")
    unit.fill("#id_r-report", "已制定带徒计划，开展交流 1 次")
    unit.click("button[value=report]")
    expect(unit.get_by_test_id("rect-state")).to_have_text("已报送整改情况")

    # the re-assessment fails again → revocation under Art. 13(2)
    reviewer.goto(unit.url)
    reviewer.select_option("#id_a-grade", "unqualified")
    reviewer.fill("#id_a-reasons", "整改后复查：交流活动未落实，带徒记录仍不完整")
    reviewer.click("button[value=reassess]")
    flashed(reviewer, "复评仍不合格")
    approver.goto(f"/studios/{studio.pk}/revoke/?cause=failed_again")
    reauth_if_asked(approver, "approver")
    approver.goto(f"/studios/{studio.pk}/revoke/?cause=failed_again")
    approver.fill("#id_evidence", "2026年度考核不合格，限期整改后复评仍不合格")
    approver.fill("#id_decision", "经评估审查，依第13条第（二）项撤销称号")
    approver.fill("#id_document_no", "京技社〔2026〕12号")
    approver.click("main button:has-text('确认撤销')")
    flashed(approver, "铭牌登记为收回")
    screenshot(approver, "studio-life-recovery")

    today = timezone.localdate().isoformat()
    engine = engine_funding(
        {
            "as_of": today,
            "recognized_on": "2024-06-20",
            "assessments": [{"year": 2025, "grade": "excellent", "on": today}],
            "titles": [],
            "revoked_on": today,
        }
    )["recovery"]
    recovery = Recovery.objects.get(studio=studio)
    assert recovery.engine_amount == Decimal(engine["amount"]) == Decimal("300000.00")
    expect(approver.get_by_test_id("engine-amount")).to_have_text(re.compile(r"^300,000\.00 元"))
    expect(approver.get_by_test_id("amount-due")).to_have_text("200,000.00 元")  # the paid initial grant
    reward.refresh_from_db()
    assert reward.state == "cancelled"  # the 2025 reward was not paid yet

    finance = session(browser, live_server, "finance")
    finance.goto(f"/recoveries/{recovery.pk}/")
    finance.fill("#id_amount", "200000.00")
    finance.fill("#id_voucher_no", "TH-2026-001")
    finance.click("main form button:has-text('登记')")
    expect(finance.locator("ul.messages", has_text="已登记退回款").or_(finance.locator("#id_password"))).to_be_visible()
    if reauth_if_asked(finance, "finance"):
        finance.goto(f"/recoveries/{recovery.pk}/")
        finance.fill("#id_amount", "200000.00")
        finance.fill("#id_voucher_no", "TH-2026-001")
        finance.click("main form button:has-text('登记')")
    expect(finance.get_by_test_id("recovery-state")).to_have_text("已结清")
    unit.goto(f"/studios/{studio.pk}/")
    expect(unit.get_by_test_id("studio-state")).to_have_text("已撤销")
    expect(unit.locator("body")).to_contain_text("铭牌已登记收回")
    screenshot(unit, "studio-life-revoked")
