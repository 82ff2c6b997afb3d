"""Staff add occupations published after 2022 and the holiday arrangement of years the
chinesecalendar package does not know; the engine then uses them."""

from datetime import date

import pytest
from django.urls import reverse

from masterstudio.catalog import engine
from masterstudio.catalog.models import CalendarProposal, CalendarYear, Occupation
from masterstudio.policy.errors import PolicyInputError

NEW = {
    "code": "4-99-99-01",
    "name": "低空飞行器运营管理员",
    "marks": "S",
    "aliases": "无人机运营员、低空运营",
    "source": "人力资源社会保障部 2026 年 7 月发布",
}

# The 2027 arrangement as staff would enter it (dates for the test; not an official notice).
Y2027 = {
    "year": "2027",
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays_text": "2027-01-01\n2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11",
    "workdays_text": "2027-02-06",
}


def test_reviewer_adds_an_occupation_and_search_finds_it(client, cast):
    client.force_login(cast["reviewer"])
    response = client.post(reverse("catalog:occupations"), NEW)
    assert response.status_code == 302
    assert Occupation.objects.get().added_by == cast["reviewer"]
    html = client.get(reverse("catalog:occupation_search"), {"q": "无人机"}).content.decode()
    assert "4-99-99-01" in html and "低空飞行器运营管理员" in html
    assert engine.catalogue().is_skill_type("4-99-99-01")


def test_code_already_in_the_catalogue_is_refused(client, cast):
    client.force_login(cast["reviewer"])
    response = client.post(reverse("catalog:occupations"), dict(NEW, code="6-18-01-01"))
    assert "已在《职业分类大典》目录中" in response.content.decode()


def test_bad_code_shape_is_refused(client, cast):
    client.force_login(cast["reviewer"])
    response = client.post(reverse("catalog:occupations"), dict(NEW, code="6-18-1"))
    assert "大类-中类-小类-细类" in response.content.decode()


def test_only_the_reviewer_duty_adds(client, cast):
    client.force_login(cast["finance"])
    assert client.post(reverse("catalog:occupations"), NEW).status_code == 403
    assert not Occupation.objects.exists()


def test_public_search_by_code_and_name(client, db):
    html = client.get(reverse("catalog:occupation_search"), {"q": "6-18-01-01"}).content.decode()
    assert "车工" in html
    html = client.get(
        reverse("catalog:occupation_search"), {"q": "智能制造系统运维员"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "6-31-07-04" in html and "<html" not in html


def test_calendar_year_entered_by_staff_makes_2027_computable(client, cast):
    with pytest.raises(PolicyInputError) as refused:
        engine.calendar().working_days(date(2027, 2, 4), 5)
    assert refused.value.code == "calendar_year_unknown"
    client.force_login(cast["reviewer"])
    assert client.post(reverse("catalog:calendar"), Y2027).status_code == 302
    proposal = CalendarProposal.objects.get(year=2027)
    assert not CalendarYear.objects.exists()  # not in effect before a second person confirms
    client.force_login(cast["approver"])
    confirmed = client.post(reverse("catalog:calendar_proposal", args=[proposal.pk]), {"action": "confirm"})
    assert confirmed.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.workdays == ["2027-02-06"] and len(row.holidays) == 6
    days = engine.calendar().working_days(date(2027, 2, 4), 5)
    assert [d.isoformat() for d in days] == ["2027-02-04", "2027-02-06", "2027-02-12", "2027-02-15", "2027-02-16"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("holidays_text", "2027-13-01", "不是有效日期"),
        ("holidays_text", "2026-10-01", "不属于 2027 年"),
        ("holidays_text", "明天", "无法识别"),
        ("workdays_text", "2027-02-08", "本来就是工作日"),
        ("workdays_text", "2027-02-05", "不能同时是放假日和调休上班日"),
    ],
)
def test_calendar_entry_errors(client, cast, field, value, message):
    client.force_login(cast["reviewer"])
    response = client.post(reverse("catalog:calendar"), dict(Y2027, **{field: value}))
    html = response.content.decode()
    assert message in html
    assert "国务院办公厅关于2027年部分节假日安排的通知" in html  # what was typed is kept
    assert not CalendarYear.objects.exists() and not CalendarProposal.objects.exists()
