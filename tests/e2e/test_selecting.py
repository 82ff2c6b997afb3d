"""The whole selecting path in a real browser (issue 5): staff review and inspect, three experts
are drawn (a conflicted one excluded) and score — one on a phone —, staff publish, the public
page shows the notice, an objection is filed and resolved, the period ends over National Day, and
the studio and its certificate exist. The submitted application comes from the issue-4 services."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from masterstudio.applications.models import Application, AppState
from masterstudio.experts.models import Assignment
from masterstudio.funding.models import Grant
from masterstudio.notices.models import Notice
from masterstudio.notices.period import notice_days
from masterstudio.studios.models import Studio
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_unit, make_user
from tests.factories import selecting as f
from tests.factories.applications import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.context.clear_cookies()


def test_selecting_from_review_to_certificate(page, phone_page, browser, live_server, tmp_path):
    unit = make_unit("北京亦庄精工机械有限公司", "91110302MA01ABCD0Y")
    unit_user = make_user("jinggong", "unit", unit=unit, display_name="精工人事")
    make_user("reviewer", "staff", duties=["reviewer"], display_name="王审核")
    make_user("approver", "staff", duties=["approver"], display_name="李审批")
    application = f.submitted_application(unit, unit_user)
    experts = [f.make_expert(f"expert{i}", name=f"评审专家{i}") for i in range(3)]
    f.make_expert("insider", name="同单位专家", employer=unit.name)
    site_photo = tmp_path / "现场.png"
    site_photo.write_bytes(png_bytes())
    evidence = tmp_path / "证据.pdf"
    evidence.write_bytes(pdf_bytes("异议证据"))

    # Material review: every item passed, then the conclusion.
    login(page, "reviewer", PASSWORD)
    page.goto(f"/review/{application.pk}/")
    page.click("text=开始材料审核")
    first = page.locator(".item-line").nth(0)
    first.locator("input[value=pass]").check()
    first.locator("button").click()  # one line saved from its row
    expect(page.locator(".msg-success").first).to_contain_text("已保存：")
    lines = page.locator(".item-line")
    for index in range(lines.count()):  # the rest ticked, then saved with the conclusion in one submit
        lines.nth(index).locator("input[value=pass]").check()
    page.check("input[name=conclusion][value=pass]")
    page.fill("#id_comment", "材料齐全，条件符合")
    page.click("text=提交审核结论")
    expect(page.get_by_test_id("state")).to_have_text("实地考察")

    # Site inspection: schedule, record with a photo, pass.
    page.fill("#id_scheduled_on", "2026-11-20")
    page.fill("#id_people", "王审核、评审专家0")
    page.click("button:has-text('安排考察')")
    page.set_input_files("input[name=photo]", str(site_photo))
    page.click("text=上传照片")
    expect(page.locator(".photos img")).to_have_count(1)
    for name in ("site", "equipment", "team_present", "systems_displayed"):
        page.select_option(f"select[name={name}]", "yes")
    page.fill("textarea[name=findings]", "场所独立，数控设备齐全，三名队员在岗，制度上墙")
    page.select_option("select[name=result]", "pass")
    page.click("text=保存考察记录")
    expect(page.get_by_test_id("state")).to_have_text("专家评审")

    # The bureau's rubric for the round, then the random draw.
    page.goto(f"/review/rounds/{application.round_id}/rubric/")
    for index, (title, top, below) in enumerate(
        (("领办人技能水平", "40", "20"), ("团队与梯队", "30", ""), ("条件与制度", "30", ""))
    ):
        page.fill(f"#id_c-{index}-title", title)
        page.fill(f"#id_c-{index}-max_points", top)
        page.fill(f"#id_c-{index}-weight", "1")
        if below:
            page.fill(f"#id_c-{index}-comment_below", below)
    page.select_option("#id_aggregation", "trimmed")
    page.click("text=保存评分表")
    page.goto(f"/review/{application.pk}/")
    page.fill("#id_size", "3")
    page.fill("#id_seed", "e2e-seed")
    page.click("button:has-text('随机抽取')")
    expect(page.locator("text=已随机抽取 3 位专家")).to_be_visible()
    page.click("text=抽取 #")
    expect(page.get_by_test_id("replay")).to_contain_text("结果一致")
    expect(page.locator("text=利益冲突：与申报单位为同一单位")).to_be_visible()
    screenshot(page, "selecting-draw")
    seated = set(Assignment.objects.values_list("expert__name", flat=True))
    assert seated == {e.name for e in experts}
    logout(page)

    # Three experts declare and score; the first on a phone, the others on a desk.
    for index, expert in enumerate(experts):
        screen = phone_page if index == 0 else page
        login(screen, expert.user.username, PASSWORD)
        screen.goto("/expert/")
        screen.click("a.task-card")
        screen.check("input[name=conflict][value=no]")
        screen.click("text=提交声明")
        points = [("36", "30", "28"), ("30", "25", "20"), ("38", "28", "29")][index]
        inputs = screen.locator(".score-line input[type=number]")
        for position, value in enumerate(points):
            inputs.nth(position).fill(value)
        if index == 0:
            inputs.nth(0).fill("50")
            screen.click("button[value=submit]")
            expect(screen.locator(".errorlist")).to_contain_text("得分应在 0 到 40 之间")
            expect(inputs.nth(1)).to_have_value("30")  # nothing typed is lost
            inputs.nth(0).fill(points[0])
            screenshot(screen, "selecting-expert-phone")
        screen.click("button[value=submit]")
        expect(screen.get_by_test_id("task-state")).to_have_text("已提交评分")
        screen.context.clear_cookies()

    # Staff open the sealed scores; the approver proposes and publishes.
    login(page, "reviewer", PASSWORD)
    page.goto(f"/review/{application.pk}/")
    page.click("text=开封评分，进入综合评议")
    expect(page.get_by_test_id("aggregate")).to_contain_text("94 分")  # (94 + 75 + 95) without 95 and 75
    logout(page)
    login(page, "approver", PASSWORD)
    page.goto(f"/review/{application.pk}/")
    page.check("input[name=outcome][value=propose]")
    page.fill("#id_rank", "1")
    page.fill("#id_reason", "专家评分第一，条件全部符合")
    page.click("text=保存评议决定")
    page.goto(f"/review/rounds/{application.round_id}/")
    expect(page.get_by_test_id("proposed-count")).to_have_text("1")
    screenshot(page, "selecting-evaluation")
    page.click("button:has-text('发布公示')")
    expect(page.locator("text=已发布公示")).to_be_visible()
    logout(page)

    # The public sees the notice without logging in, and objects with evidence.
    page.goto("/")
    page.click("nav >> text=公示")
    page.click(f"text={application.round.year}年度经开区技能大师工作室拟认定名单公示")
    expect(page.locator("td", has_text="北京亦庄精工机械有限公司")).to_be_visible()
    assert application.leader.id_number not in page.content()
    page.click("text=提出异议")
    page.fill("#id_name", "赵群众")
    page.fill("#id_contact", "13900001111")
    page.fill("#id_content", "领办人近两年不在生产一线岗位，申报材料所述年限与事实不符")
    page.set_input_files("#id_evidence", str(evidence))
    page.check("#id_pledge")
    page.click("text=提交异议")
    expect(page.get_by_test_id("objection-state")).to_have_text("已受理")
    receipt = page.get_by_test_id("receipt").inner_text()

    # Staff investigate, dismiss and reply; the objector reads the reply by receipt number.
    login(page, "approver", PASSWORD)
    page.goto("/notices/manage/")
    page.click(f"text={receipt}")
    page.click("text=开始调查核实")
    page.check("input[name=outcome][value=dismissed]")
    page.fill("#id_investigation", "经查社保和考勤记录，领办人一直在一线岗位")
    page.fill("#id_reply", "经调查核实，异议不成立，感谢监督")
    page.click("text=提交处理结论")
    expect(page.get_by_test_id("objection-state")).to_have_text("异议不成立")
    logout(page)
    page.goto(f"/notices/objections/{receipt}/")
    expect(page.locator("text=经调查核实，异议不成立")).to_be_visible()

    # The period ends over National Day: a notice published 2026-09-28 runs to 2026-10-09.
    days = notice_days(f.at("2026-09-28").date())
    Notice.objects.update(
        published_at=f.at("2026-09-28", 9), starts_on=days[0], ends_on=days[-1], days=[d.isoformat() for d in days]
    )
    call_command("close_notices")
    call_command("close_notices")
    studio = Studio.objects.get()
    assert Application.objects.get(pk=application.pk).state == AppState.RECOGNISED
    assert Grant.objects.get().amount == 200000
    page.goto(f"/notices/{Notice.objects.get().pk}/")
    expect(page.get_by_test_id("period")).to_contain_text("2026年9月28日 至 2026年10月9日")
    expect(page.locator("text=已认定")).to_be_visible()

    # The unit downloads its certificate.
    login(page, "jinggong", PASSWORD)
    response = page.request.get(f"/studios/{studio.pk}/certificate.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.goto("/notifications/")
    expect(page.locator("text=已认定为经开区技能大师工作室")).to_be_visible()
