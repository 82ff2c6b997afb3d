"""The page cache (core/pagecache.py): which writes count, when versions move, and what a served
page may and may not share between requests. These tests commit for real (transactional_db),
because the cache follows commits."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client

from masterstudio.core import pagecache, transitions


@pytest.fixture(autouse=True, params=["database", "memory"])
def shared_cache(request, settings):
    """Every test runs with the cache kept in the database (development, tests: versions counted
    at the next statement, no process-level copies) and with a cache outside it (as Redis in
    production: versions counted at once, users and the catalog kept per process)."""
    if request.param == "memory":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"pagecache-{request.node.name}",
            }
        }
    return request.param


@pytest.mark.parametrize(
    "sql, topics",
    [
        ('INSERT INTO "studios_studio" ("name") VALUES (%s)', ("all",)),
        ('UPDATE "catalog_occupation" SET "name" = %s', ("all", "catalog")),
        ('DELETE FROM "accounts_user" WHERE id = 1', ("all", "accounts")),
        ("  update units_unit set status = %s", ("all", "units")),
        ('TRUNCATE "notices_notice", "notices_entry"', ("all",)),
        ('TRUNCATE TABLE "catalog_calendaryear"', ("all", "catalog")),
        ('SELECT * FROM "studios_studio"', ()),
        ('UPDATE "django_session" SET "expire_date" = %s', ()),
        ('INSERT INTO "cache_table" ("cache_key") VALUES (%s)', ()),
        ('SAVEPOINT "s1"', ()),
        ('WITH head AS (UPDATE "core_chainhead" SET "seq" = %s) INSERT INTO "core_event" ("seq") SELECT 1', ("all",)),
        ('WITH recent AS (SELECT 1) SELECT * FROM "studios_studio"', ()),
    ],
)
def test_which_statements_count_as_writes(sql, topics):
    assert pagecache.topics_of(sql) == topics


def _version(topic="all"):
    return pagecache.current_version(topic)


def test_versions_move_when_writes_commit_and_not_before(transactional_db, unit_a):
    from masterstudio.units.models import Unit

    before = _version()
    Unit.objects.filter(pk=unit_a.pk).update(name="自动提交的修改")  # autocommit: counted at once
    after_autocommit = _version()
    assert after_autocommit > before

    with transaction.atomic():
        Unit.objects.filter(pk=unit_a.pk).update(name="事务中的修改")
        assert pagecache.has_uncommitted_writes()
        assert _version() == after_autocommit  # not yet: others cannot see the write
    assert not pagecache.has_uncommitted_writes()
    after_commit = _version()
    assert after_commit > after_autocommit
    assert _version("units") > before and _version("catalog") is not None

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Unit.objects.filter(pk=unit_a.pk).update(name="回滚的修改")
            raise RuntimeError
    assert _version() == after_commit  # rolled back: nothing changed, nothing bumped
    assert not pagecache.has_uncommitted_writes()


def test_a_rolled_back_savepoint_keeps_the_outer_writes_counted(transactional_db, unit_a):
    from masterstudio.units.models import Unit

    before = _version()
    with transaction.atomic():
        Unit.objects.filter(pk=unit_a.pk).update(name="外层修改")
        try:
            with transaction.atomic():
                Unit.objects.filter(pk=unit_a.pk).update(name="内层修改")
                raise ValueError
        except ValueError:
            pass
        assert pagecache.has_uncommitted_writes()
    assert _version() > before


def test_raw_sql_writes_are_counted(transactional_db, unit_a):
    before = _version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE units_unit SET name = %s WHERE id = %s", ["原始语句修改", unit_a.pk])
    assert _version() > before


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_pages_are_served_from_the_cache_until_the_data_changes(transactional_db, cast, unit_a):
    from masterstudio.studios.models import Studio
    from tests.factories.money import make_studio

    studio = make_studio(unit_a, name="缓存测试工作室")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["reviewer"])
    first = client.get("/studios/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert "缓存测试工作室" in first.content.decode()
    second = client.get("/studios/")
    assert second["X-Page-Cache"] == "hit" and "缓存测试工作室" in second.content.decode()
    assert pagecache.CSRF_PLACEHOLDER not in second.content.decode()

    Studio.objects.filter(pk=studio.pk).update(name="改名后的工作室")  # no signal: seen by the SQL itself
    third = client.get("/studios/")
    assert third["X-Page-Cache"] == "miss" and "改名后的工作室" in third.content.decode()

    # the token in a served page is this session's own and is accepted
    hit = client.get("/studios/")
    assert hit["X-Page-Cache"] == "hit"
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": _token(hit.content.decode())}).status_code == 302


def test_sessions_do_not_share_pages(transactional_db, cast, unit_a):
    from tests.factories.money import make_studio

    make_studio(unit_a, name="共享测试工作室")
    reviewer, approver = Client(), Client()
    reviewer.force_login(cast["reviewer"])
    approver.force_login(cast["approver"])
    reviewer.get("/studios/")
    assert reviewer.get("/studios/")["X-Page-Cache"] == "hit"
    page = approver.get("/studios/")
    assert page["X-Page-Cache"] == "miss"
    assert cast["approver"].display_name in page.content.decode()


def test_anonymous_visitors_share_a_page(transactional_db):
    a, b = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert a.get("/notices/")["X-Page-Cache"] == "miss"
    served = b.get("/notices/")
    assert served["X-Page-Cache"] == "hit"
    assert pagecache.CSRF_PLACEHOLDER not in served.content.decode()


def test_a_flash_message_is_shown_once_and_not_cached(transactional_db, cast, unit_a):
    from tests.factories.money import make_studio

    make_studio(unit_a, name="消息测试工作室")
    client = Client()
    client.force_login(cast["reviewer"])
    client.get("/studios/")
    assert client.get("/studios/")["X-Page-Cache"] == "hit"
    from types import SimpleNamespace

    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    # what a form's redirect leaves behind: the message in the messages cookie
    client.cookies["messages"] = CookieStorage(SimpleNamespace(COOKIES={}))._encode(
        [Message(25, "已保存：消息只显示一次")]
    )
    shown = client.get("/studios/")
    assert "已保存：消息只显示一次" in shown.content.decode() and "X-Page-Cache" not in shown
    again = client.get("/studios/")
    assert "已保存：消息只显示一次" not in again.content.decode()


def test_role_changes_reach_the_next_request(transactional_db, cast):
    from masterstudio.accounts.models import User

    client = Client()
    client.force_login(cast["reviewer"])
    assert client.get("/manage/").status_code == 200
    assert client.get("/manage/").status_code == 200  # the user is now kept by this process
    User.objects.filter(pk=cast["reviewer"].pk).update(is_active=False)
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unit_approval_status_reaches_the_next_request(transactional_db, cast, unit_a):
    from masterstudio.units.models import Unit

    client = Client()
    client.force_login(cast["unit_a"])
    assert client.get("/applications/").status_code == 200
    assert client.get("/applications/").status_code == 200  # the user and its unit's status are kept now
    with transitions.seed("test: the unit's status changed behind the cache's back"):
        Unit.objects.filter(pk=unit_a.pk).update(status="pending")
    assert client.get("/applications/").status_code == 403


def test_staff_catalog_changes_reach_the_calculator(transactional_db, cast):
    from masterstudio.catalog import engine
    from masterstudio.catalog.models import Occupation

    _, extra = engine.staff_facts()
    assert not any(e["code"] == "6-99-99-98" for e in extra)
    engine.staff_facts()  # kept by the process now
    Occupation.objects.create(code="6-99-99-98", name="缓存测试新职业", source="测试", added_by=cast["sysadmin"])
    _, extra = engine.staff_facts()
    assert any(e["code"] == "6-99-99-98" for e in extra)


def test_the_cache_can_be_turned_off(transactional_db, cast, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.force_login(cast["reviewer"])
    client.get("/studios/")
    assert "X-Page-Cache" not in client.get("/studios/")


def test_catalog_changes_saved_on_another_server_are_seen(transactional_db, cast, monkeypatch, shared_cache):
    """Another server's write moves the shared version but not this process's copy; the copy looks
    at the version again once FACTS_RECHECK_SECONDS have passed."""
    from masterstudio.catalog import engine
    from masterstudio.catalog.models import Occupation

    engine.staff_facts()
    copy_before = engine._facts
    Occupation.objects.create(
        code="6-99-99-97", name="另一台服务器保存的职业", source="测试", added_by=cast["sysadmin"]
    )
    engine._facts = copy_before  # this process did not see the write: only the shared version moved
    if shared_cache == "memory":
        _, extra = engine.staff_facts()
        assert not any(e["code"] == "6-99-99-97" for e in extra)  # within the second: the copy
    monkeypatch.setattr(engine, "FACTS_RECHECK_SECONDS", 0.0)
    _, extra = engine.staff_facts()
    assert any(e["code"] == "6-99-99-97" for e in extra)
