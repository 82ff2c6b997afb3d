"""A new unit fills the wizard in a real browser, uploads a PDF, watches the pre-check change,
submits and sees its receipt number (issue 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from masterstudio.applications.models import Application
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, id_number, make_unit, make_user
from tests.factories.applications import make_round, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_unit_fills_the_wizard_and_submits(page, tmp_path):
    unit = make_unit("北京亦庄新锐智造有限公司", "91110302MA01ABCD0Y")
    make_user("xinrui_hr", "unit", unit=unit, display_name="新锐人事")
    make_round(title="2026年度经开区技能大师工作室申报")
    certificate = tmp_path / "技师证书.pdf"
    certificate.write_bytes(pdf_bytes("技师证书"))

    login(page, "xinrui_hr", PASSWORD)
    page.goto("/applications/")
    page.click("text=新建申报")
    page.wait_for_url("**/edit/")
    assert page.get_by_test_id("precheck-outcome").inner_text() == "尚不能预检"

    # Register the leader and three team members from inside the wizard.
    people = [("王建国", "1976-04-12"), ("李红", "1988-02-03"), ("赵强", "1990-07-21"), ("孙磊", "1992-11-30")]
    for index, (name, birth) in enumerate(people):
        if not page.is_visible("#id_person-name"):
            page.click("#new-person summary")
        page.fill("#id_person-name", name)
        page.fill("#id_person-id_number", id_number(birth, seq=index + 1))
        expect(page.get_by_test_id("id-facts")).to_contain_text(f"出生日期 {birth}")  # read from the ID number
        page.click("#new-person button[type=submit]")
        expect(page.locator("ul.messages")).to_contain_text(f"已登记人员：{name}")

    page.check("input[name=scope][value=head]")
    page.select_option("#id_leader", label=page.locator("#id_leader option", has_text="王建国").inner_text())
    page.check("input[name=route][value=listed]")
    page.fill("#id_occupation_code", "车工")
    page.wait_for_selector("#occupation-options option[value='6-18-01-01']", state="attached")
    page.fill("#id_occupation_code", "6-18-01-01")
    page.select_option("#id_skill_level", "technician")
    page.fill("#id_certificate_no", "S2019110000123")
    page.fill("#id_frontline_years", "20")
    for name in ("李红", "赵强", "孙磊"):
        page.locator("#id_team label", has_text=name).click()
    for select in page.locator("select[name^=cond_]").all():
        select.select_option("yes")
    page.locator("#id_frontline_years").dispatch_event("change")
    expect(page.get_by_test_id("precheck-outcome")).to_have_text("符合条件")
    expect(page.get_by_text("已选：6-18-01-01 车工")).to_be_visible()
    screenshot(page, "applying-wizard-eligible")

    # Make it fail: the leader listed in the team is refused at the field, then put right.
    page.locator("#id_team label", has_text="王建国").click()
    expect(page.locator("#err-team")).to_contain_text("不能同时列为团队成员")
    page.locator("#id_team label", has_text="王建国").click()
    page.wait_for_selector("#err-team li", state="detached")

    # Submitting without the materials says why and keeps everything typed.
    page.click("[data-testid=submit]")
    expect(page.get_by_test_id("submit-errors")).to_contain_text("第9.1.1条：请上传")
    expect(page.locator("#id_frontline_years")).to_have_value("20")

    for clause in ("9.1.1", "9.1.2", "9.1.3", "9.1.4"):
        page.set_input_files(f"input[id='file-{clause}']", str(certificate))
        page.locator(f"#item-{clause.replace('.', '')}-wrap button[type=submit]").click()
        page.wait_for_selector(f"#item-{clause.replace('.', '')}-wrap >> text=技师证书.pdf")

    page.click("[data-testid=submit]")
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    application = Application.objects.get(unit=unit)
    expect(page.locator("[data-testid=receipt] .stat")).to_have_text(application.receipt_no)
    expect(page.get_by_test_id("timeline")).to_contain_text("提交申报")
    screenshot(page, "applying-receipt")


def test_wizard_on_a_phone(phone_page):
    unit = make_unit("北京亦庄手机测试有限公司", "91110302MA01EFGH1Q")
    make_user("phone_hr", "unit", unit=unit)
    make_round()
    login(phone_page, "phone_hr", PASSWORD)
    phone_page.goto("/applications/")
    phone_page.click("text=新建申报")
    phone_page.wait_for_url("**/edit/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "applying-wizard-phone")
