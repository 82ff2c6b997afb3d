"""Every demo role logs in through the real login page in Debian's chromium and lands in its
own workspace; the screenshots go to test-artifacts/."""

import pytest
from django.core.management import call_command

from masterstudio.workspaces.management.commands.demo_data import ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import login, screenshot

EXPECTED = {
    "unit": ("/unit/", "北京亦庄示例精密机械有限公司"),
    "leader": ("/unit/", "北京亦庄示例精密机械有限公司"),
    "staff": ("/manage/", "管理端工作台"),
    "expert": ("/expert/", "专家端"),
    "evaluator": ("/evaluation/", "第三方评估"),
}


@pytest.mark.django_db(transaction=True)
def test_every_demo_role_logs_in_and_sees_its_workspace(page):
    call_command("demo_data", stdout=open("/dev/null", "w"))
    for username, role, _duties, name, _unit in ACCOUNTS:
        login(page, username, DEMO_PASSWORD)
        path, heading = EXPECTED[role]
        if role == "unit":
            heading = name
        assert page.url.endswith(path), (username, page.url)
        assert heading in page.locator("main").inner_text()
        screenshot(page, f"role-{username}")
        page.click("text=退出")
        page.wait_for_url("**/")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_message_and_phone_menu(page, phone_page):
    call_command("demo_data", stdout=open("/dev/null", "w"))
    login(page, "unit_a", "wrong-password", expect_success=False)
    assert "用户名或密码不正确" in page.inner_text("main")
    phone_page.goto("/")
    assert not phone_page.is_visible("nav.nav")
    phone_page.click("label.menu-button")
    assert phone_page.is_visible("text=单位注册")
    screenshot(phone_page, "phone-home-menu")
