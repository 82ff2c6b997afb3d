"""Issue 18 point 7: the public self-check shows its errors beside the fields and in the result panel,
and never an internal key of the calculator's input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masterstudio.core import factlabels
from tests.selfcheck.test_selfcheck import BASE

pytestmark = pytest.mark.django_db
KEYS = re.compile(r"\b(?:unit|leader|team|existing_studios)\.[a-z_]+|existing_studios|as_of\b")


def _post(client, htmx=True, **changes):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("selfcheck:selfcheck"), dict(BASE, **changes), **extra)


def _oob(html: str, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="err-{field}" hx-swap-oob="true">(.*?)</ul>', html, re.S)
    assert match, f"no error slot for {field}"
    return match.group(1)


def test_bad_input_is_shown_in_the_panel_and_beside_each_field(client):
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = _post(client, team_size="-1", frontline_years="99", birth_date=future)
    html = response.content.decode()
    assert "请更正输入" in html and "填写左侧问题后" not in html
    assert "团队人数不能为负数" in _oob(html, "team_size")
    assert "一线工作年数不能超过 60 年" in _oob(html, "frontline_years")
    assert "出生日期不能晚于今天" in _oob(html, "birth_date")
    assert _oob(html, "gender") == ""  # fields without errors are cleared
    panel = html[html.index('data-testid="selfcheck-errors"') :]
    assert "除领办人外，团队中正式员工人数" in panel and "在一线岗位工作年数" in panel


def test_without_script_the_page_comes_back_with_the_errors_and_what_was_typed(client):
    response = _post(client, htmx=False, team_size="-1")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err-team_size"' in html and "团队人数不能为负数" in html and 'value="-1"' in html


def test_no_internal_key_reaches_the_public(client):
    html = _post(client, in_etown="", leader_has_studio="", has_facilities="", gender="").content.decode()
    assert "尚待确认" in html
    shown = re.sub(r'(id|name|for|hx-[a-z]+|data-[a-z-]+)="[^"]*"', "", html)
    assert not KEYS.search(shown), KEYS.search(shown).group(0)
    assert "单位是否在经开区范围内" in html and "已有工作室情况（第七条）" in html


@pytest.mark.parametrize(
    "path, text",
    [
        ("leader.occupation_code", "职业编码"),
        ("unit.in_etown", "单位是否在经开区范围内"),
        ("existing_studios", "已有工作室情况（第七条）"),
        ("team.2.name", "第 3 名团队成员姓名"),
        ("existing_studios.0.occupation_code", "第 1 个已有工作室的职业编码"),
        ("unit.unheard_of", "申报单位"),
    ],
)
def test_every_path_has_a_chinese_label(path, text):
    assert factlabels.label(path) == text


def test_messages_of_the_engine_lose_their_keys():
    text = factlabels.humanize(
        "尚未填写领办人姓名或身份证号（leader.name、leader.id_number），无法核对（existing_studios）"
    )
    assert text == "尚未填写领办人姓名或身份证号（领办人姓名、领办人身份证号），无法核对（已有工作室情况（第七条））"
