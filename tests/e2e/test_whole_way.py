"""The whole way as people live it (issue 18), in a real browser on the demo data and the demo clock:
the public self-check, a unit applying, a supplement and the resubmission, the material review and
the site inspection, the expert draw, the experts' declarations and scores, the evaluation, the public
notice and an objection, the notice's end two weeks later on the demo clock, the recognition, the
certificate and the first payment. At each step: what the unit sees, and what it does not see."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from masterstudio.applications.models import Application, AppState
from masterstudio.core import clock
from masterstudio.experts.models import Assignment
from masterstudio.funding.models import Grant
from masterstudio.studios.models import Studio
from masterstudio.workspaces.management.commands.demo_data import DEMO_PASSWORD
from tests.e2e.conftest import login, screenshot
from tests.factories.applications import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    """The demo data, with the demo clock installed (as `make run` has it) and the test's sessions
    kept in real time as the demo's session engine keeps them (core/clock_sessions.py)."""
    from django.contrib.sessions.backends import db as db_sessions

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path
    settings.DEMO_CLOCK = True
    for name in ("load", "save", "get_expiry_age", "get_expiry_date"):
        original = getattr(db_sessions.SessionStore, name)

        def kept(self, *args, _original=original, **kwargs):
            with clock.real_time():
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(db_sessions.SessionStore, name, kept)
    clock.install()
    call_command("demo_data", stdout=io.StringIO())
    yield
    clock.uninstall()


def signed_in(page, username):
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)


def unit_sees(page, pk):
    page.goto(f"/applications/{pk}/")
    return page.locator("main")


def test_the_whole_way_on_the_demo_data(demo, page, tmp_path):
    material = tmp_path / "申报材料.pdf"
    material.write_bytes(pdf_bytes("申报材料"))

    # 1. 政策自测, anonymous: a bad answer is named beside its field, then the unit qualifies.
    page.goto("/policy/check/")
    page.fill("#id_team_size", "-1")
    page.locator("#id_team_size").dispatch_event("change")
    expect(page.locator("#err-team_size")).to_contain_text("团队人数不能为负数")
    expect(page.get_by_test_id("selfcheck-errors")).to_contain_text("团队中正式员工人数")
    page.fill("#id_team_size", "3")
    page.fill("#id_occupation_code", "6-18-01-02")
    page.fill("#id_occupation_name", "铣工")
    page.fill("#id_birth_date", "1988-06-15")
    page.select_option("#id_gender", "male")
    page.fill("#id_frontline_years", "16")
    page.select_option("#id_skill_level", "technician")
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
    ):
        page.check(f"input[name={name}][value=yes]")
    page.check("input[name=leader_has_studio][value=no]")
    page.check("input[name=scope_has_studio][value=no]")
    expect(page.get_by_test_id("selfcheck-result")).to_contain_text("符合申报条件")
    expect(page.locator("#err-team_size")).to_be_empty()
    expect(page.get_by_test_id("selfcheck-result")).not_to_contain_text("existing_studios")

    # 2. The unit applies: the wizard, the ID number's birth date, the materials, the receipt.
    signed_in(page, "unit_a")
    page.goto("/applications/")
    page.click("text=新建申报")
    page.wait_for_url("**/edit/")
    expect(page.locator("[data-step-nav]")).to_be_visible()
    page.check("input[name=scope][value=head]")
    page.select_option("#id_leader", label=page.locator("#id_leader option", has_text="李明").inner_text())
    page.check("input[name=route][value=listed]")
    page.fill("#id_occupation_code", "6-18-01-02")
    page.select_option("#id_skill_level", "technician")
    page.fill("#id_certificate_no", "S2018110000789")
    page.fill("#id_frontline_years", "16")
    for name in ("张建国", "王芳", "赵强"):
        page.locator("#id_team label", has_text=name).click()
    for select in page.locator("select[name^=cond_]").all():
        select.select_option("yes")
    page.locator("#id_frontline_years").dispatch_event("change")
    expect(page.get_by_test_id("precheck-outcome")).to_have_text("符合条件")
    page.locator("#materials-section").scroll_into_view_if_needed()
    expect(page.locator("[data-step-nav]")).to_be_in_viewport()  # the step index stays on screen
    for clause in ("9.1.1", "9.1.2", "9.1.3", "9.1.4"):
        page.set_input_files(f"input[id='file-{clause}']", str(material))
        page.locator(f"#item-{clause.replace('.', '')}-wrap button[type=submit]").click()
        expect(page.locator(f"#item-{clause.replace('.', '')}-wrap")).to_contain_text("申报材料.pdf")
    form = page.locator("#submit form")
    action, token = form.get_attribute("action"), form.locator("input[name=csrfmiddlewaretoken]").input_value()
    page.click("[data-testid=submit]")
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    application = Application.objects.get(unit__credit_code="91110302MA01ABCD0Y")
    expect(page.get_by_test_id("receipt")).to_contain_text(application.receipt_no)
    # the back button's page sends the same submission form again
    page.evaluate(
        """([action, token]) => { const f = document.createElement("form"); f.method = "post";
        f.action = action; const i = document.createElement("input"); i.name = "csrfmiddlewaretoken";
        i.value = token; f.appendChild(i); document.body.appendChild(f); f.submit(); }""",
        [action, token],
    )
    expect(page.locator(".messages")).to_contain_text("申报当前为“已提交”，内容已冻结")
    assert "已已" not in page.content()

    # 3. Material review asks for a supplement; the reviewer opens the material from its row.
    signed_in(page, "staff_review")
    page.goto(f"/review/{application.pk}/")
    page.click("text=开始材料审核")
    expect(page.get_by_test_id("item-files").first).to_contain_text("申报材料.pdf")
    href = page.get_by_test_id("open-material").first.get_attribute("href")
    opened = page.request.get(href)
    assert opened.status == 200 and opened.headers["content-disposition"].startswith("inline")
    lines = page.locator(".item-line")
    for index in range(lines.count()):
        lines.nth(index).locator("input[value=pass]").check()
    lines.nth(0).locator("input[value=supplement]").check()
    lines.nth(0).locator("input[type=text]").fill("证书复印件不清晰，请重新上传彩色扫描件")
    page.check("input[name=conclusion][value=supplement]")
    page.fill("#id_comment", "请按逐项意见补正")
    page.click("text=提交审核结论")
    expect(page.get_by_test_id("state")).to_have_text("退回补正")

    # 4. The unit sees what to put right, puts it right and sends it again.
    signed_in(page, "unit_a")
    main = unit_sees(page, application.pk)
    expect(page.get_by_test_id("state")).to_have_text("退回补正")
    expect(page.get_by_test_id("supplement-request")).to_contain_text("证书复印件不清晰")
    page.goto(f"/applications/{application.pk}/edit/")
    expect(page.get_by_test_id("supplement-request")).to_be_visible()
    page.set_input_files("input[id='file-9.1.1']", str(material))
    page.locator("#item-911-wrap .upload-form button").click()
    expect(page.locator("#item-911-wrap .msg-success")).to_contain_text("已上传")
    page.click("[data-testid=submit]")
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    application.refresh_from_db()
    assert application.snapshots.count() == 2

    # 5. The review passes, the site is inspected.
    signed_in(page, "staff_review")
    page.goto(f"/review/{application.pk}/")
    if page.locator("text=开始材料审核").count():
        page.click("text=开始材料审核")
    lines = page.locator(".item-line")
    expect(lines.first).to_be_visible()  # the checklist has loaded before its lines are counted
    for index in range(lines.count()):
        lines.nth(index).locator("input[value=pass]").check()
    page.check("input[name=conclusion][value=pass]")
    page.fill("#id_comment", "补正后材料齐全")
    page.click("text=提交审核结论")
    expect(page.get_by_test_id("state")).to_have_text("实地考察")
    page.fill("#id_scheduled_on", timezone.localdate().isoformat())
    page.fill("#id_people", "王审核、李审批")
    page.click("button:has-text('安排考察')")
    for name in ("site", "equipment", "team_present", "systems_displayed"):
        page.select_option(f"select[name={name}]", "yes")
    page.fill("textarea[name=findings]", "场所独立，设备齐全，团队在岗，制度上墙")
    page.select_option("select[name=result]", "pass")
    page.click("text=保存考察记录")
    expect(page.get_by_test_id("state")).to_have_text("专家评审")

    # 6. The draw from the demo's expert pool, with the demo's rubric (nothing to set up first).
    page.fill("#id_size", "3")
    page.fill("#id_seed", "whole-way")
    page.click("button:has-text('随机抽取')")
    expect(page.locator("text=已随机抽取 3 位专家")).to_be_visible()
    seated = list(
        Assignment.objects.filter(panel__object_id=application.pk).values_list("expert__user__username", flat=True)
    )
    assert len(seated) == 3

    signed_in(page, "unit_a")
    main = unit_sees(page, application.pk)
    expect(page.get_by_test_id("state")).to_have_text("专家评审")
    for name in ("陈专家", "刘专家", "周专家", "吴专家", "郑专家"):
        expect(main).not_to_contain_text(name)  # who the experts are stays with the bureau

    # 7. Each expert declares no conflict of interest, then scores.
    for index, username in enumerate(sorted(seated)):
        signed_in(page, username)
        page.goto("/expert/")
        page.click("a.task-card")
        page.check("input[name=conflict][value=no]")
        page.click("text=提交声明")
        inputs = page.locator(".score-line input[type=number]")
        for position, value in enumerate(
            [("26", "21", "17", "20"), ("24", "20", "16", "21"), ("27", "22", "18", "22")][index]
        ):
            inputs.nth(position).fill(value)
        page.click("button[value=submit]")
        expect(page.get_by_test_id("task-state")).to_have_text("已提交评分")
        expect(page.locator("main")).to_contain_text("满分 100")

    # 8. The scores opened, the evaluation decided by the approver.
    signed_in(page, "staff_review")
    page.goto(f"/review/{application.pk}/")
    page.click("text=开封评分，进入综合评议")
    expect(page.get_by_test_id("aggregate")).to_contain_text("84 分（满分 100")  # (84 + 81 + 89) trimmed: 84
    signed_in(page, "staff_approve")
    page.goto(f"/review/{application.pk}/")
    page.check("input[name=outcome][value=propose]")
    page.fill("#id_rank", "1")
    page.fill("#id_reason", "专家评分第一，条件全部符合")
    page.click("text=保存评议决定")
    # (what the unit does not see of the evaluation before the notice: test_decision_unseen_before_notice)

    # 9. The notice is published; the public objects; the objection is answered.
    signed_in(page, "staff_approve")
    page.goto(f"/review/rounds/{application.round_id}/")
    page.click("button:has-text('发布公示')")
    # unit B's demo application was never reviewed: the approver is warned, named, and confirms (18.4)
    expect(page.get_by_test_id("unfinished-warning")).to_contain_text("未完成评审")
    page.get_by_test_id("confirm-publish").click()
    expect(page.locator("text=已发布公示")).to_be_visible()
    page.context.clear_cookies()
    page.goto("/notices/")
    page.click(f"text={application.round.year}年度")
    expect(page.locator("td", has_text="北京亦庄示例精密机械有限公司")).to_be_visible()
    page.click("text=提出异议")
    page.fill("#id_name", "赵群众")
    page.fill("#id_contact", "13900001111")
    page.fill("#id_content", "据了解，领办人近两年主要从事车间管理工作，不在生产一线岗位，与申报材料不符，请核实。")
    page.check("#id_pledge")
    page.click("text=提交异议")
    expect(page.get_by_test_id("objection-state")).to_have_text("已受理")
    receipt = page.get_by_test_id("receipt").inner_text()
    signed_in(page, "staff_approve")
    page.goto("/notices/manage/")
    page.click(f"text={receipt}")
    page.click("text=开始调查核实")
    page.check("input[name=outcome][value=dismissed]")
    page.fill("#id_investigation", "经查考勤和社保记录，领办人一直在铣工一线岗位")
    page.fill("#id_reply", "经调查核实，异议不成立，感谢监督")
    page.click("text=提交处理结论")
    expect(page.get_by_test_id("objection-state")).to_have_text("异议不成立")
    signed_in(page, "unit_a")
    main = unit_sees(page, application.pk)
    expect(page.get_by_test_id("state")).to_have_text("公示中")

    # 10. Two weeks on the demo clock: the notice's five working days are over; the recognition.
    signed_in(page, "staff_review")
    page.goto("/manage/demo-clock/")
    page.fill("#id_days", "14")
    page.click("button:has-text('向前拨')")
    demo_today = timezone.localdate()
    assert demo_today >= timezone.localtime(clock.real_now()).date() + timedelta(days=14)
    expect(page.get_by_test_id("demo-clock")).to_contain_text(
        f"{demo_today.year}年{demo_today.month}月{demo_today.day}日"
    )
    call_command("close_notices", stdout=io.StringIO())
    application.refresh_from_db()
    assert application.state == AppState.RECOGNISED
    studio = Studio.objects.get(unit=application.unit, occupation_code="6-18-01-02")
    assert studio.recognized_on <= demo_today and studio.recognized_on > timezone.localtime(clock.real_now()).date()

    # 11. The unit sees its studio, with the date the pages say, and downloads the certificate.
    signed_in(page, "unit_a")
    main = unit_sees(page, application.pk)
    expect(page.get_by_test_id("state")).to_have_text("已认定")
    page.goto(f"/studios/{studio.pk}/")
    expect(page.locator("main")).to_contain_text(f"{studio.recognized_on:%Y-%m-%d}（第10条）")
    certificate = page.request.get(f"/studios/{studio.pk}/certificate.pdf")
    assert certificate.status == 200 and certificate.body().startswith(b"%PDF")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("已认定为经开区技能大师工作室")

    # 12. Finance pays the first grant on the demo date; the unit sees it paid.
    grant = Grant.objects.get(studio=studio, kind="initial")
    signed_in(page, "staff_finance")
    page.goto(f"/funding/{grant.pk}/")
    page.fill("#id_amount", f"{grant.amount:.2f}")
    page.fill("#id_paid_on", demo_today.isoformat())
    page.fill("#id_voucher_no", "JKCZ-DEMO-0001")
    page.click("button:has-text('确认拨付')")
    expect(page.locator(".messages")).to_contain_text("已登记拨付")
    grant.refresh_from_db()
    assert grant.state == "disbursed"
    screenshot(page, "whole-way-paid")
    signed_in(page, "unit_a")
    page.goto(f"/studios/{studio.pk}/")
    expect(page.locator("main")).to_contain_text(f"{grant.amount:,.2f}")


def test_decision_unseen_before_notice(page):
    """Before the notice the unit sees neither the evaluation's decision, nor its reason, nor the
    experts' score — the platform promises "公布前不通知单位"."""
    from tests.factories import PASSWORD, make_unit, make_user
    from tests.factories import selecting as f

    unit = make_unit("北京亦庄精工机械有限公司", "91110302MA01ABCD0Y")
    unit_user = make_user("jinggong", "unit", unit=unit)
    staff = make_user("reviewer", "staff", duties=["reviewer"])
    approver = make_user("approver", "staff", duties=["approver"])
    application = f.submitted_application(unit, unit_user)
    f.to_proposed(application, staff, approver)
    login(page, "jinggong", PASSWORD)
    main = unit_sees(page, application.pk)
    expect(main).to_be_visible()
    for shown in ("拟认定", "综合评议排名靠前", "专家评分", "汇总得分"):
        expect(main).not_to_contain_text(shown)
