"""Issue 16.7: roles without business duty are offered no business menu; every menu entry a staff
member is offered opens (no 403), and the auditor's read-only entries show real records."""

from __future__ import annotations

import re

import pytest
from django.test import Client

BUSINESS_PREFIXES = (
    "/applications/",
    "/reviews/",
    "/experts/",
    "/notices/manage",
    "/studios/",
    "/assessments/",
    "/summaries/",
    "/activities/",
    "/evaluations/",
    "/funding/",
    "/ledger/",
    "/recoveries/",
    "/dashboards/",
    "/data/",
)


def _menu(client) -> list[str]:
    page = client.get("/manage/").content.decode()
    nav = page.split('<nav class="nav">', 1)[1].split("</nav>", 1)[0]
    return [href for href in re.findall(r'href="([^"]+)"', nav) if href.startswith("/")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_system_administrator_is_offered_no_business_menu(world):
    client = _client(world["users"]["sysadmin"])
    menu = _menu(client)
    assert "/accounts/manage/users/" in menu
    offered = [href for href in menu if href.startswith(BUSINESS_PREFIXES)]
    assert not offered, f"系统管理员的菜单中有业务入口：{offered}"
    page = client.get("/manage/").content.decode()
    assert 'data-testid="no-business"' in page and 'data-testid="waiting-' not in page
    for href in menu:
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_the_auditor_is_offered_read_only_menus_with_real_records(world):
    o = world["objects"]
    client = _client(world["users"]["auditor"])
    menu = _menu(client)
    for expected in ("/studios/", "/assessments/", "/funding/", "/ledger/", "/recoveries/", "/evaluations/"):
        assert expected in menu, expected
    for href in menu:
        assert client.get(href).status_code == 200, f"审计员菜单项 {href} 打不开"
    # the read-only views show real data, not empty lists
    assert o["studio"].name in client.get("/assessments/").content.decode()
    assert o["doomed"].name in client.get("/recoveries/?show=all").content.decode()
    assert o["evaluation"].title in client.get("/evaluations/").content.decode()
    page = client.get("/manage/").content.decode()
    links = re.findall(r'href="([^"]+)" data-testid="waiting-', page)
    assert links, "审计员的工作台没有待办"
    for href in links:
        assert client.get(href).status_code == 200, f"审计员工作台的 {href} 打不开"


@pytest.mark.django_db
def test_every_staff_menu_entry_opens_for_its_duty(world):
    for role in ("reviewer", "approver", "finance"):
        client = _client(world["users"][role])
        for href in _menu(client):
            assert client.get(href).status_code == 200, f"{role} 菜单项 {href} 打不开"
