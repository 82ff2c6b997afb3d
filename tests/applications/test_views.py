"""Pages of the applying capability, with the permission cast (habit 7)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from masterstudio.applications import services
from masterstudio.applications.models import AppState, Round
from masterstudio.applications.wizard import read_draft
from masterstudio.core.models import Event
from tests.factories import PASSWORD, make_person
from tests.factories.applications import (
    make_people,
    make_round,
    pdf_bytes,
    png_bytes,
    ready_application,
    upload,
    wizard_data,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def submitted(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    services.submit(app.pk, actor=cast["unit_a"])
    app.refresh_from_db()
    return app


def test_public_page_lists_only_open_rounds(client, db):
    make_round(title="2026年度申报（进行中）")
    make_round(title="2025年度申报（已截止）", year=2025, open_now=False)
    page = client.get("/applications/rounds/").content.decode()
    assert "2026年度申报（进行中）" in page
    assert "2025年度申报（已截止）" not in page
    assert "请按《办法》第9条准备材料。" in page


def test_cast_on_application_pages(cast, submitted):
    urls = [f"/applications/{submitted.pk}/", f"/applications/{submitted.pk}/versions/1/"]
    material = submitted.materials.first()
    file_url = f"/applications/materials/{material.pk}/"
    expected = {"unit_a": 200, "leader": 200, "unit_b": 404, "expert": 404, "evaluator": 404}
    for who, status in expected.items():
        client = client_for(cast[who])
        for url in urls[1:] + [file_url]:
            assert client.get(url).status_code == status, (who, url)
    assert client_for(cast["unit_b"]).get(urls[0]).status_code == 404
    assert client_for(cast["reviewer"]).get(f"/applications/manage/{submitted.pk}/").status_code == 200
    assert client_for(cast["unit_a"]).get(f"/applications/manage/{submitted.pk}/").status_code == 403
    anonymous = Client()
    for url in urls + [file_url]:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unit_b_cannot_guess_ids_for_writes(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    services.upload_materials(app.pk, "9.1.1", [upload("证书.pdf", pdf_bytes())], actor=cast["unit_a"])
    material = app.materials.get()
    client = client_for(cast["unit_b"])
    assert client.get(f"/applications/{app.pk}/edit/").status_code == 404
    assert client.post(f"/applications/{app.pk}/autosave/", {"leader": ""}).status_code == 404
    assert client.post(f"/applications/{app.pk}/submit/").status_code == 404
    assert (
        client.post(f"/applications/{app.pk}/materials/9.1.1/", {"files": upload("x.pdf", pdf_bytes())}).status_code
        == 404
    )
    assert client.post(f"/applications/materials/{material.pk}/remove/").status_code == 404
    assert client.post(f"/applications/{app.pk}/withdraw/").status_code == 404
    assert client.get("/applications/materials/999999/").status_code == 404
    material.refresh_from_db()
    assert material.removed_at is None


def test_download_serves_the_file_under_its_display_name_and_is_logged(cast, submitted):
    material = submitted.materials.get(item="9.1.1")
    response = client_for(cast["reviewer"]).get(f"/applications/materials/{material.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "9.1.1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert material.file.name.startswith("applications/") and material.token in material.file.name
    assert Event.objects.filter(action="material.downloaded", object_id=str(submitted.pk)).count() == 1


def test_autosave_returns_precheck_and_field_errors(cast, unit_a):
    leader, team = make_people(unit_a)
    round_ = make_round()
    app = services.start_application(unit=unit_a, round_=round_, actor=cast["unit_a"])
    client = client_for(cast["unit_a"])
    data = wizard_data(leader=leader, team=[*team, leader], frontline_years="-3")
    response = client.post(f"/applications/{app.pk}/autosave/", data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "领办人“张领办”不能同时列为团队成员" in body
    assert "一线工作年限不能为负数" in body
    assert 'id="err-team" hx-swap-oob="true"' in body
    assert "第四条第（一）项" in body or "4.1" in body
    app.refresh_from_db()
    assert app.draft["frontline_years"] == ["-3"]  # kept as typed
    assert app.leader_id == leader.pk  # the valid part applied


def test_team_member_listed_twice(cast, unit_a):
    leader, team = make_people(unit_a)
    app = services.start_application(unit=unit_a, round_=make_round(), actor=cast["unit_a"])
    data = wizard_data(leader=leader, team=team)
    data.appendlist("team", str(team[0].pk))
    app, form = services.save_draft(app.pk, read_draft(data, unit=unit_a), actor=cast["unit_a"])
    assert form.errors["team"] == [f"团队成员“{team[0].name}”重复列出，每人只能列一次"]


def test_unknown_occupation_code_is_refused_at_the_field(cast, unit_a):
    leader, team = make_people(unit_a)
    app = services.start_application(unit=unit_a, round_=make_round(), actor=cast["unit_a"])
    app, form = services.save_draft(
        app.pk,
        read_draft(wizard_data(leader=leader, team=team, occupation_code="6-99-99-99"), unit=unit_a),
        actor=cast["unit_a"],
    )
    assert "《职业分类大典》中没有编码 6-99-99-99" in form.errors["occupation_code"][0]


def test_occupation_search_by_name_and_code(cast, db):
    client = client_for(cast["unit_a"])
    by_name = client.get("/applications/occupations/", {"occupation_code": "车工"}).content.decode()
    assert '<option value="6-18-01-01">6-18-01-01 车工</option>' in by_name
    by_code = client.get("/applications/occupations/", {"occupation_code": "6-18-01"}).content.decode()
    assert "6-18-01-01" in by_code and "6-18-01-02" in by_code


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("空.pdf", b"", "是空文件"),
        ("伪装.pdf", b"MZ\x90\x00 this is an exe", "内容不是 PDF、JPG、PNG、DOCX 或 XLSX"),
        ("压缩包.docx", zip_bytes(), "内容不是 PDF、JPG、PNG、DOCX 或 XLSX"),
    ],
)
def test_bad_files_are_refused_with_a_reason(cast, unit_a, name, content, message):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    stored, errors = services.upload_materials(app.pk, "9.1.2", [upload(name, content)], actor=cast["unit_a"])
    assert stored == []
    assert len(errors) == 1 and message in errors[0] and name in errors[0]


def test_too_large_file_is_refused_with_the_limit(cast, unit_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    big = pdf_bytes() + b"0" * (1024 * 1024)
    stored, errors = services.upload_materials(app.pk, "9.1.2", [upload("大文件.pdf", big)], actor=cast["unit_a"])
    assert stored == []
    assert "超过上限 1.0 MB" in errors[0]


def test_good_files_are_kept_by_content_kind(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    files = [upload("照片.jpg", png_bytes()), upload("设备清单.xlsx", xlsx_bytes()), upload("说明.pdf", pdf_bytes())]
    stored, errors = services.upload_materials(app.pk, "9.1.3", files, actor=cast["unit_a"])
    assert errors == []
    assert [(m.original_name, m.kind) for m in stored] == [
        ("照片.jpg", "png"),
        ("设备清单.xlsx", "xlsx"),
        ("说明.pdf", "pdf"),
    ]
    assert all(m.file.name.endswith(f"{m.token}.{m.kind}") for m in stored)


def test_upload_view_keeps_going_after_a_bad_file(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    client = client_for(cast["unit_a"])
    response = client.post(
        f"/applications/{app.pk}/materials/9.1.1/",
        {"files": [upload("好.pdf", pdf_bytes()), upload("空.pdf", b"")]},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "好.pdf" in body and "是空文件" in body
    assert app.materials.filter(removed_at__isnull=True).count() == 1


def test_submit_page_says_why_and_keeps_the_input(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"], materials=False)
    response = client_for(cast["unit_a"]).post(f"/applications/{app.pk}/submit/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "第9.1.1条：请上传" in body
    assert 'value="22"' in body  # the typed front-line years are still in the form


def test_submit_redirects_to_the_receipt(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    client = client_for(cast["unit_a"])
    response = client.post(f"/applications/{app.pk}/submit/", follow=True)
    body = response.content.decode()
    app.refresh_from_db()
    assert app.state == AppState.SUBMITTED
    assert f"申报已提交，受理编号 {app.receipt_no}" in body
    assert 'data-testid="receipt"' in body
    assert "提交申报" in body and f"受理编号 {app.receipt_no}，第 1 版" in body


def test_progress_timeline_shows_each_state_change_with_message(cast, submitted):
    services.start_material_review(submitted.pk, actor=cast["reviewer"])
    services.return_for_supplement(
        submitted.pk, actor=cast["reviewer"], comment="", items={"team": "请补充团队成员劳动合同"}
    )
    body = client_for(cast["unit_a"]).get(f"/applications/{submitted.pk}/").content.decode()
    assert "社会事业局开始材料审核" in body
    assert "<strong>退回补正</strong>" in body
    assert "请补充团队成员劳动合同" in body
    assert "按退回补正意见逐项补正材料，然后重新提交" in body  # what the unit must do next


def test_quick_person_form_reads_birth_date_from_id_number(cast, unit_a):
    """The birth date is the ID number's (issue 18.8): not asked, so it cannot disagree with it."""
    from tests.factories import id_number

    app = services.start_application(unit=unit_a, round_=make_round(), actor=cast["unit_a"])
    client = client_for(cast["unit_a"])
    bad = id_number("1980-05-06")[:-1] + ("0" if id_number("1980-05-06")[-1] != "0" else "1")
    response = client.post(f"/applications/{app.pk}/person/", {"person-name": "王师傅", "person-id_number": bad})
    assert "身份证号有误：校验码错误" in response.content.decode()
    response = client.post(
        f"/applications/{app.pk}/person/",
        {
            "person-name": "王师傅",
            "person-id_number": id_number("1980-05-06"),
            "person-formal_employee": "on",
            "person-frontline": "on",
        },
    )
    assert response.status_code == 302
    assert str(unit_a.people.get(name="王师傅").birth_date) == "1980-05-06"


def test_round_form_refuses_a_close_after_policy_expiry(cast):
    client = client_for(cast["reviewer"])
    response = client.post(
        "/applications/manage/rounds/new/",
        {
            "year": 2027,
            "title": "2027年度申报",
            "opens_at": "2027-01-01T09:00",
            "closes_at": "2027-02-01T17:00",
            "guide": "",
            "policy_version": "measures-2026-draft",
        },
    )
    assert "所选政策版本有效期至 2027-01-10（第20条）" in response.content.decode()
    response = client.post(
        "/applications/manage/rounds/new/",
        {
            "year": 2026,
            "title": "2026年度申报",
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-11-01T17:00",
            "guide": "",
            "policy_version": "measures-2026-draft",
        },
    )
    assert "截止时间必须晚于开始时间" in response.content.decode()
    response = client.post(
        "/applications/manage/rounds/new/",
        {
            "year": 2026,
            "title": "2026年度申报",
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-12-31T17:00",
            "guide": "申报指南正文",
            "policy_version": "measures-2026-draft",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="2026年度申报")
    assert timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M") == "2026-12-31 17:00"
    assert client_for(cast["finance"]).get("/applications/manage/rounds/new/").status_code == 403


def test_staff_list_filters_pages_and_exports(cast, unit_a, unit_b):
    first = ready_application(unit_a, cast["unit_a"])
    services.submit(first.pk, actor=cast["unit_a"])
    leader_b, team_b = make_people(unit_b, prefix="乙", seq_base=200)
    second = ready_application(
        unit_b,
        cast["unit_b"],
        first.round,
        leader=leader_b,
        team=team_b,
        route="unlisted",
        occupation_code="",
        occupation_name="无人机装调工艺师",
        skill_level="",
        certificate_no="",
    )
    services.submit(second.pk, actor=cast["unit_b"])
    draft = ready_application(
        unit_b,
        cast["unit_b"],
        first.round,
        materials=False,
        leader=make_person(unit_b, "草稿领办", "1980-01-01", seq=300),
        team=team_b,
        occupation_code="6-18-01-03",
    )
    client = client_for(cast["reviewer"])
    body = client.get("/applications/manage/").content.decode()
    assert first.unit.name in body and second.unit.name in body and "6-18-01-03" not in body
    body = client.get("/applications/manage/", {"outcome": "undetermined"}).content.decode()
    assert unit_b.name in body and unit_a.name not in body
    body = client.get("/applications/manage/", {"q": "车工"}).content.decode()
    assert unit_a.name in body and unit_b.name not in body
    # the unit and the leader are matched on their own tables (subqueries, trigram-indexed on PostgreSQL)
    for term in ("测试乙", leader_b.name, unit_b.credit_code[-8:].lower()):
        body = client.get("/applications/manage/", {"q": term}).content.decode()
        assert unit_b.name in body and unit_a.name not in body, term
    second.refresh_from_db()
    body = client.get("/applications/manage/", {"q": second.receipt_no[-6:]}).content.decode()
    assert unit_b.name in body and unit_a.name not in body
    response = client.get("/applications/manage/export.xlsx", {"outcome": "undetermined"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "受理编号"
    second.refresh_from_db()
    assert [r[0] for r in rows[1:]] == [second.receipt_no]
    assert Event.objects.filter(action="export.xlsx", data__what="applications").count() == 1
    assert draft.state == AppState.DRAFT


def test_staff_list_query_count_does_not_grow(cast, unit_a, django_assert_max_num_queries):
    round_ = make_round()
    for i in range(3):
        leader, team = make_people(unit_a, prefix=f"{i}", seq_base=100 * (i + 1))
        app = ready_application(
            unit_a, cast["unit_a"], round_, leader=leader, team=team, occupation_code=f"6-18-01-0{i + 1}"
        )
        services.submit(app.pk, actor=cast["unit_a"])
    client = client_for(cast["reviewer"])
    with django_assert_max_num_queries(12):
        assert client.get("/applications/manage/").status_code == 200


def test_unit_pages_render(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    client = client_for(cast["unit_a"])
    assert "继续填报" in client.get("/applications/").content.decode()
    body = client.get(f"/applications/{app.pk}/edit/").content.decode()
    assert "实时预检" in body
    assert "领办人国家职业资格或技能等级证书等证明材料" in body
    assert 'data-testid="precheck-outcome">符合条件' in body


def test_the_search_indexes_are_trigram_indexes_on_postgresql_and_absent_on_sqlite(db):
    from django.db import connection

    names = {
        "units_unit": {"units_unit_name_trgm", "units_unit_credit_code_trgm"},
        "units_person": {"units_person_name_trgm"},
        "applications_application": {"applications_receipt_no_trgm", "applications_occupation_name_trgm"},
    }
    with connection.cursor() as cursor:
        for table, wanted in names.items():
            found = set(connection.introspection.get_constraints(cursor, table))
            if connection.vendor == "postgresql":
                assert wanted <= found, table
            else:
                assert not wanted & found, table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'units_unit_name_trgm'")
            assert "gin_trgm_ops" in cursor.fetchone()[0]
