"""The public self-check: plain questions in, clause-by-clause answer out."""

from django.urls import reverse

BASE = {
    "as_of": "2026-06-30",
    "unit_kind": "enterprise",
    "in_etown": "yes",
    "lawful_operation": "yes",
    "has_talent_pipeline": "yes",
    "has_talent_systems": "yes",
    "has_stable_funding": "yes",
    "has_facilities": "yes",
    "has_management_rules": "yes",
    "team_size": "3",
    "branch": "",
    "occupation_listed": "listed",
    "occupation_code": "6-18-01-01",
    "occupation_name": "车工",
    "birth_date": "1975-03-08",
    "gender": "male",
    "employed": "yes",
    "frontline": "yes",
    "frontline_years": "22",
    "skill_level": "technician",
    "leader_has_studio": "no",
    "scope_has_studio": "no",
}


def _result(client, **changes):
    response = client.post(reverse("selfcheck:selfcheck"), dict(BASE, **changes), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_page_opens_without_login(client, db):
    html = client.get(reverse("selfcheck:selfcheck")).content.decode()
    assert (
        "政策自测" in html
        and "200,000.00 元" in html
        and "2027年1月10日" in html
        and "第十四条（首次认定资助）" in html
    )


def test_all_conditions_met(client, db):
    html = _result(client)
    assert "符合申报条件" in html and 'data-clause="5.3"' in html and "领办人国家职业资格或技能等级证书" in html


def test_team_of_two_fails_art_4_5(client, db):
    html = _result(client, team_size="2")
    assert "不符合申报条件" in html
    assert 'data-clause="4.5"><td>第四条第（五）项</td><td><span class="tag tag-fail">' in html or "tag-fail" in html


def test_unsure_answers_are_listed_as_still_to_confirm(client, db):
    html = _result(client, has_facilities="", gender="", birth_date="")
    assert "尚待确认" in html and "还需确认" in html and "领办人出生日期" in html


def test_existing_studio_of_the_leader_fails_art_7(client, db):
    html = _result(client, leader_has_studio="yes")
    assert "不符合申报条件" in html and 'data-clause="7.1"' in html


def test_unlisted_route_needs_expert_judgement(client, db):
    html = _result(
        client, occupation_listed="unlisted", occupation_code="", occupation_name="无人机巡检员", frontline_years="5"
    )
    assert "新职业（第6条）" in html and "由评审专家认定" in html


def test_unknown_code_is_explained_at_the_field(client, db):
    html = _result(client, occupation_code="6-99-99-99")
    assert "请更正输入" in html or "errorlist" in html
