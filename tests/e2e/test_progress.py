"""Issue 18 in a real browser: the unit's progress page before and after the notice (18.1, 18.12),
an expert before and after the declaration of (no) conflict of interest (18.2), and the phone
layouts of the unit's applications and of the public notice (18.13)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from masterstudio.core.models import Event
from masterstudio.experts.models import Assignment
from masterstudio.reviews.services.decisions import decide
from masterstudio.reviews.services.scoring import finish_expert_review
from masterstudio.reviews.services.visits import add_photo, record_visit, schedule_visit
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_unit, make_user
from tests.factories import selecting as f
from tests.factories.applications import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b(review\.item|visit\.[a-z_]+|decision\.saved|application\.[a-z_]+|material\.[a-z_]+)\b")


def _cast():
    unit = make_unit("北京亦庄精工机械有限公司", "91110302MA01ABCD0Y")
    other = make_unit("北京亦庄精密仪器有限公司", "91110302MA01EFGH1Q")
    cast = {
        "unit": make_user("jinggong", "unit", unit=unit, display_name="精工人事"),
        "other": make_user("jingmi", "unit", unit=other, display_name="精密人事"),
        "reviewer": make_user("reviewer", "staff", duties=["reviewer"], display_name="王审核"),
        "approver": make_user("approver", "staff", duties=["approver"], display_name="李审批"),
    }
    return unit, other, cast


def test_the_unit_reads_its_progress_in_words_and_nothing_of_the_evaluation_before_the_notice(page, phone_page):
    unit, other, cast = _cast()
    application = f.submitted_application(unit, cast["unit"])
    f.pass_material_review(application, cast["reviewer"])
    visit = schedule_visit(
        application, scheduled_on=date(2026, 12, 9), people="王审核、李专家", contact="联系人", actor=cast["reviewer"]
    )
    photo = add_photo(visit, SimpleUploadedFile("现场.png", png_bytes()), caption="车间", actor=cast["reviewer"])

    # The site inspection is arranged: the unit reads when and what to prepare.
    login(page, "jinggong", PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_test_id("next-step")).to_contain_text("请在考察当天安排工作室场所")
    expect(page.get_by_test_id("next-by")).to_have_text("期限：2026年12月9日")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li.stage-current h3")).to_contain_text("实地考察")
    expect(timeline.locator("li[data-stage=material]")).to_contain_text("材料审核通过")
    expect(timeline.locator("li[data-stage=site]")).to_contain_text("考察日期 2026-12-09，考察人员：王审核、李专家")
    assert CODE.findall(timeline.inner_text()) == []
    page.context.clear_cookies()

    # A reviewer opens the photo three times: one line in the staff's record, none for the unit.
    login(page, "reviewer", PASSWORD)
    for _ in range(3):
        response = page.request.get(f"/review/photos/{photo.pk}/")
        assert response.status == 200
    assert Event.objects.filter(action="visit.photo_downloaded").count() == 1
    page.context.clear_cookies()

    record_visit(
        visit,
        checks={"site": "yes", "equipment": "yes", "team_present": "yes", "systems_displayed": "yes"},
        findings="内部考察意见",
        result="pass",
        actor=cast["reviewer"],
    )
    f.make_rubric(application.round)
    for i in range(3):
        f.make_expert(f"e2e_expert_{i}", name=f"专家{i}")
    f.draw_panel([application], cast["reviewer"])
    f.score_all(application, points=("27.5", "21", "22", "17"))
    finish_expert_review(application, actor=cast["reviewer"])
    decide(application, outcome="propose", reason="专家评分 87.5，排名第一", rank=1, version=0, actor=cast["approver"])
    second = f.submitted_application(other, cast["other"], application.round, prefix="乙", seq_base=50)
    f.to_evaluation(second, cast["reviewer"])
    decide(second, outcome="reject", reason="评分低于拟认定线", rank=None, version=0, actor=cast["approver"])

    # Proposed: the unit still reads 综合评议, no decision, no score, no code — on a phone too.
    for screen in (page, phone_page):
        login(screen, "jinggong", PASSWORD)
        screen.goto(f"/applications/{application.pk}/")
        expect(screen.get_by_test_id("state")).to_have_text("综合评议")
        expect(screen.get_by_test_id("next-step")).to_contain_text("评议结果在公示时公布")
        text = screen.locator("main").inner_text()
        for secret in ("拟认定", "87.5", "专家评分", "内部考察意见"):
            assert secret not in text, secret
        assert CODE.findall(text) == []
        assert "查看考察照片" not in text
        screen.goto("/applications/")
        expect(screen.get_by_test_id("my-state").first).to_have_text("综合评议")
    screenshot(phone_page, "progress-before-notice-phone")
    phone_page.context.clear_cookies()

    # After the notice the decision and its reason are published to the unit.
    f.published(application.round, cast["approver"], on=date.today().isoformat())
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_test_id("state")).to_have_text("公示中")
    evaluation = page.locator("li[data-stage=evaluation]")
    expect(evaluation).to_contain_text("综合评议结论：列入拟认定名单")
    expect(evaluation).to_contain_text("专家评分 87.5，排名第一")
    expect(page.locator("li[data-stage=notice]")).to_contain_text("列入拟认定名单并向社会公示")
    expect(page.get_by_test_id("next-step")).to_contain_text("公示中")
    screenshot(page, "progress-after-notice")


def test_an_expert_reads_no_material_before_declaring(page):
    unit, other, cast = _cast()
    cast_for_factory = {"unit_a": cast["unit"], "unit_b": cast["other"], "reviewer": cast["reviewer"]}
    application = f.ready_for_experts(cast_for_factory, unit, other)[0]
    for i in range(3):
        f.make_expert(f"coi_{i}", name=f"评审专家{i}")
    f.draw_panel([application], cast["reviewer"])
    assignment = Assignment.objects.filter(panel__object_id=application.pk).select_related("expert__user").first()
    material = application.materials.filter(removed_at__isnull=True).first()

    login(page, assignment.expert.user.username, PASSWORD)
    page.goto(f"/experts/tasks/{assignment.pk}/")
    expect(page.get_by_test_id("task-state")).to_have_text("待声明利益冲突")
    expect(page.locator(f"a[href*='/applications/materials/{material.pk}/']")).to_have_count(0)
    response = page.request.get(f"/applications/materials/{material.pk}/?inline=1")
    assert response.status == 404
    page.check("input[name=conflict][value=no]")
    page.click("text=提交声明")
    expect(page.get_by_test_id("task-state")).to_have_text("评分中")
    link = page.locator(f"a[href*='/applications/materials/{material.pk}/']")
    expect(link).to_have_count(1)
    assert page.request.get(f"/applications/materials/{material.pk}/?inline=1").status == 200


def test_on_a_phone_the_list_keeps_state_and_progress_and_the_notice_keeps_unit_names_whole(phone_page):
    unit, other, cast = _cast()
    application = f.submitted_application(unit, cast["unit"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"], on=date.today().isoformat())

    login(phone_page, "jinggong", PASSWORD)
    phone_page.goto("/applications/")
    state = phone_page.get_by_test_id("my-state").first
    progress = phone_page.get_by_test_id("my-progress").first
    for element in (state, progress):
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box  # on screen, no sideways scrolling
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "applications-list-phone")
    phone_page.context.clear_cookies()

    phone_page.goto(f"/notices/{notice.pk}/")
    name = phone_page.locator("td.unit-name").first
    expect(name).to_have_text("北京亦庄精工机械有限公司")
    box = name.bounding_box()
    line = float(phone_page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.unit-name')).lineHeight)"))
    assert box["height"] < 2.5 * line, (box, line)  # twelve characters on one or two lines, not six
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "notice-phone")
