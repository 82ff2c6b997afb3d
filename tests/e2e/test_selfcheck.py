"""The public self-check in a real browser: answers update as facts are entered (htmx)."""

import pytest

from tests.e2e.conftest import screenshot


@pytest.mark.django_db(transaction=True)
def test_selfcheck_updates_live_and_works_on_a_phone(page, phone_page):
    page.goto("/policy/check/")
    page.fill("#id_as_of", "2026-06-30")
    page.fill("#occupation-q", "车工")
    page.click(".occupation-pick[data-code='6-18-01-01']")
    assert page.input_value("#id_occupation_code") == "6-18-01-01"
    for name in (
        "in_etown",
        "lawful_operation",
        "has_talent_pipeline",
        "has_talent_systems",
        "has_stable_funding",
        "has_facilities",
        "has_management_rules",
        "employed",
        "frontline",
        "leader_has_studio",
        "scope_has_studio",
    ):
        value = "no" if name in ("leader_has_studio", "scope_has_studio") else "yes"
        page.check(f"input[name={name}][value={value}]")
    page.fill("#id_team_size", "2")
    page.fill("#id_birth_date", "1975-03-08")
    page.select_option("#id_gender", "male")
    page.fill("#id_frontline_years", "22")
    page.select_option("#id_skill_level", "technician")
    result = page.locator("[data-testid=selfcheck-result]")
    result.locator("h2 .tag-ineligible").wait_for()
    assert "团队" in result.locator("tr[data-clause='4.5']").inner_text()
    page.fill("#id_team_size", "3")
    page.locator("#id_team_size").blur()
    result.locator("h2 .tag-eligible").wait_for()
    assert result.locator("h2").inner_text() == "自测结果：符合申报条件"
    screenshot(page, "selfcheck-desktop")

    phone_page.goto("/policy/check/")
    phone_page.check("input[name=occupation_listed][value=unlisted]")
    phone_page.fill("#id_occupation_name", "无人机巡检员")
    phone_page.locator("#id_occupation_name").blur()
    phone_page.locator("[data-testid=selfcheck-result] >> text=新职业（第6条）").wait_for()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"page scrolls sideways on a phone: {width}px"
    screenshot(phone_page, "selfcheck-phone")
