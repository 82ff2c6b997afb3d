"""Issue 17: staff add a 大典 occupation the data lacks from the application's page or by Excel, and a
year's holiday arrangement takes effect only after a second staff member confirms its preview."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from masterstudio.applications import services as application_services
from masterstudio.applications.wizard import read_draft
from masterstudio.catalog import engine, imports, selectors, services
from masterstudio.catalog.models import CalendarProposal, CalendarYear, Occupation, ProposalState
from masterstudio.core.events import verify_chain
from masterstudio.core.transitions import TransitionNotAllowed
from tests.factories.applications import make_people, make_round, ready_application, wizard_data

Y2027 = {
    "year": "2027",
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays_text": "2027-01-01\n2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11",
    "workdays_text": "2027-02-06",
}


# -- section 4: the occupation the data lacks ---------------------------------------------------------
def _draft_with(cast, unit, code, name="某大典职业"):
    leader, team = make_people(unit)
    app = application_services.start_application(unit=unit, round_=make_round(), actor=cast["unit_a"])
    app, form = application_services.save_draft(
        app.pk,
        read_draft(wizard_data(leader=leader, team=team, occupation_code=code, occupation_name=name), unit=unit),
        actor=cast["unit_a"],
    )
    return app, form


def test_the_unit_may_keep_a_code_the_data_lacks_and_is_told_staff_will_confirm(cast, unit_a):
    app, form = _draft_with(cast, unit_a, "4-01-02-02")
    assert "occupation_code" not in form.errors
    assert app.route == "listed" and app.occupation_code == "4-01-02-02"
    assert app.precheck["outcome"] == "undetermined"
    assert app.precheck["occupation"]["catalogue"] == "to_confirm"
    assert any("工作人员将核实" in note for note in app.precheck["notes"])


def test_staff_add_it_from_the_application_page_in_one_step_and_the_pre_check_reruns(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], occupation_code="4-01-02-02", occupation_name="电话销售员")
    application_services.submit(app.pk, actor=cast["unit_a"])
    client.force_login(cast["reviewer"])
    page = client.get(reverse("applications:staff_detail", args=[app.pk])).content.decode()
    assert 'data-testid="add-occupation"' in page and "补录到职业目录并重新预审" in page
    response = client.post(
        reverse("workspaces:add_occupation_from_application", args=[app.pk]),
        {"code": "4-01-02-02", "name": "电话销售员", "marks": "", "source": "《职业分类大典（2022年版）》"},
    )
    assert response.status_code == 302
    occupation = Occupation.objects.get(code="4-01-02-02")
    assert occupation.added_by == cast["reviewer"] and engine.catalogue().get("4-01-02-02").name == "电话销售员"
    app.refresh_from_db()
    assert app.precheck["occupation"] == {"code": "4-01-02-02", "name": "电话销售员", "major_group": 4, "marks": ""}
    checks = {c["clause"]: c for c in app.precheck["checks"]}
    assert checks["5.2"]["result"] == "pass"
    assert verify_chain()[1] is None


def test_adding_from_the_page_refuses_a_missing_source_beside_the_field(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], occupation_code="4-01-02-02", occupation_name="某大典职业")
    application_services.submit(app.pk, actor=cast["unit_a"])
    client.force_login(cast["reviewer"])
    response = client.post(
        reverse("workspaces:add_occupation_from_application", args=[app.pk]),
        {"code": "4-01-02-02", "name": "某大典职业", "marks": "", "source": ""},
    )
    assert response.status_code == 400 and "请填写发布依据" in response.content.decode()
    assert "某大典职业" in response.content.decode()  # what was typed is kept
    assert not Occupation.objects.exists()


def test_only_a_reviewer_adds_from_the_page(client, cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], occupation_code="4-01-02-02", occupation_name="某大典职业")
    application_services.submit(app.pk, actor=cast["unit_a"])
    client.force_login(cast["finance"])
    response = client.post(
        reverse("workspaces:add_occupation_from_application", args=[app.pk]),
        {"code": "4-01-02-02", "name": "x", "source": "y"},
    )
    assert response.status_code == 403 and not Occupation.objects.exists()


def _xlsx(rows, headers=imports.HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_excel_import_previews_every_row_with_chinese_errors(db):
    result = imports.parse(
        _xlsx(
            [
                ["4-10-01-02", "某照护职业", "", "", "《职业分类大典（2022年版）》"],
                ["6-18-01-01", "车工", "", "", "大典"],
                ["6-18-1", "坏编码", "X", "", ""],
                ["4-10-01-02", "重复", "", "", "大典"],
            ]
        )
    )
    assert not result.ok and [r.number for r in result.rows] == [2, 3, 4, 5]
    assert result.rows[0].errors == []
    assert result.rows[1].errors == ["“职业编码”：编码 6-18-01-01 已在《职业分类大典》目录中，无需新增"]
    assert any("大类-中类-小类-细类" in e for e in result.rows[2].errors)
    assert any("标识只能为空" in e for e in result.rows[2].errors)
    assert any("请填写发布依据" in e for e in result.rows[2].errors)
    assert result.rows[3].errors == ["“职业编码”：4-10-01-02 与第 2 行重复"]


def test_a_file_with_other_columns_is_refused_whole(db):
    result = imports.parse(_xlsx([["x"]], headers=["编码", "名称"]))
    assert result.rows == [] and "表头与模板不一致" in result.file_errors[0]


def test_the_import_saves_all_or_nothing_and_reruns_pre_checks(cast, unit_a):
    app, _ = _draft_with(cast, unit_a, "6-09-03-05", "某工艺品制作工")
    bad = _xlsx([["6-09-03-05", "某工艺品制作工", "", "", "大典"], ["6-18-01-01", "车工", "", "", "大典"]])
    with pytest.raises(services.CatalogRefused, match="未导入任何职业"):
        services.import_occupations(bad, actor=cast["reviewer"])
    assert not Occupation.objects.exists()
    good = _xlsx([["6-09-03-05", "某工艺品制作工", "", "", "大典"], ["4-10-01-02", "某照护职业", "l/s", "", "大典"]])
    created = services.import_occupations(good, actor=cast["reviewer"], filename="职业.xlsx")
    assert sorted(o.code for o in created) == ["4-10-01-02", "6-09-03-05"]
    assert Occupation.objects.get(code="4-10-01-02").marks == "L/S"
    app.refresh_from_db()
    assert app.precheck["occupation"]["name"] == "某工艺品制作工"


def test_the_import_page_previews_then_confirms(client, cast, db):
    client.force_login(cast["reviewer"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = _xlsx([["4-10-01-02", "某照护职业", "", "", "大典"]])
    upload = SimpleUploadedFile(
        "职业.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    preview = client.post(reverse("catalog:occupations_import"), {"file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200 and "可导入" in html and not Occupation.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("catalog:occupations_import"), {"token": token, "confirm": "1"})
    assert done.status_code == 302 and Occupation.objects.filter(code="4-10-01-02").exists()


# -- section 5: the 2027 calendar, four eyes -----------------------------------------------------------
def _enter(client, cast, who="reviewer", data=Y2027):
    client.force_login(cast[who])
    response = client.post(reverse("catalog:calendar"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return CalendarProposal.objects.get(year=int(data["year"]), state=ProposalState.PENDING)


def test_the_preview_shows_every_holiday_period_and_make_up_day(client, cast):
    proposal = _enter(client, cast)
    html = client.get(reverse("catalog:calendar_proposal", args=[proposal.pk])).content.decode()
    assert "1月1日（周五）至1月3日（周日），共3天" in html
    assert "2月5日（周五），共1天" in html  # 2-06 is worked: 2-05 stands apart
    assert "2月7日（周日）至2月11日（周四），共5天" in html
    assert "2月6日（周六） 上班" in html
    assert "这是您录入的安排" in html  # the one who entered it sees no confirm button
    assert "复核生效</button>" not in html


def test_the_preview_periods(db):
    preview = services.preview(
        2027,
        ["2027-01-01", "2027-10-01", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"],
        ["2027-09-26", "2027-10-09"],
    )
    assert [p["text"] for p in preview["periods"]] == [
        "1月1日（周五）至1月3日（周日），共3天",
        "10月1日（周五）至10月7日（周四），共7天",
    ]
    assert [w["label"] for w in preview["workdays"]] == ["9月26日（周日）", "10月9日（周六）"]


def test_nothing_takes_effect_until_a_second_person_confirms(client, cast):
    proposal = _enter(client, cast)
    assert engine.calendar().knows(2027) is False
    response = client.post(reverse("catalog:calendar_proposal", args=[proposal.pk]), {"action": "confirm"})
    assert response.status_code == 400 and "录入人不能复核自己录入的节假日安排" in response.content.decode()
    assert not CalendarYear.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="双人复核"):
        services.confirm_calendar_year(proposal.pk, actor=cast["reviewer"])
    row = services.confirm_calendar_year(proposal.pk, actor=cast["approver"])
    assert row.entered_by == cast["reviewer"] and row.confirmed_by == cast["approver"]
    assert engine.calendar().knows(2027)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED and proposal.decided_by == cast["approver"]


def test_a_withdrawn_entry_never_takes_effect_and_needs_a_reason(client, cast):
    proposal = _enter(client, cast)
    client.force_login(cast["approver"])
    page = client.post(reverse("catalog:calendar_proposal", args=[proposal.pk]), {"action": "withdraw", "reason": ""})
    assert page.status_code == 400 and "写明原因" in page.content.decode()
    client.post(
        reverse("catalog:calendar_proposal", args=[proposal.pk]),
        {"action": "withdraw", "reason": "春节假期与通知不一致"},
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN and not CalendarYear.objects.exists()


def test_one_entry_waits_per_year(client, cast):
    _enter(client, cast)
    response = client.post(reverse("catalog:calendar"), Y2027)
    assert response.status_code == 400 and "已有一份录入在等待复核" in response.content.decode()
    assert CalendarProposal.objects.count() == 1


def test_a_year_the_package_knows_is_not_entered(client, cast):
    client.force_login(cast["reviewer"])
    response = client.post(
        reverse("catalog:calendar"), dict(Y2027, year="2026", holidays_text="2026-01-01", workdays_text="")
    )
    assert response.status_code == 400 and "内置日历数据提供" in response.content.decode()


def test_the_dashboard_warns_from_1_november_until_the_year_is_in_effect(client, cast):
    assert selectors.calendar_warnings(date(2026, 10, 31)) == []
    assert [w.year for w in selectors.calendar_warnings(date(2026, 11, 1))] == [2027]
    assert [w.year for w in selectors.calendar_warnings(date(2027, 1, 5))] == [2027]
    client.force_login(cast["approver"])
    html = client.get(reverse("core:manage")).content.decode()  # today is 2026-12-02: the warning shows now
    assert 'data-testid="calendar-warning-2027"' in html and "平台尚无 2027 年的法定节假日和调休安排" in html
    proposal = _enter(client, cast)
    client.force_login(cast["approver"])
    html = client.get(reverse("core:manage")).content.decode()
    assert "待另一名工作人员对照国务院办公厅通知复核后生效" in html
    services.confirm_calendar_year(proposal.pk, actor=cast["approver"])
    html = client.get(reverse("core:manage")).content.decode()
    assert 'data-testid="calendar-warning-2027"' not in html
    assert selectors.calendar_warnings(date(2026, 12, 2)) == []
