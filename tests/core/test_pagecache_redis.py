"""The production configuration of the shared cache: Redis (``masterstudio.core.cache.RedisCache``)
with sessions read through it. Needs Redis at REDIS_TEST_URL (default redis://127.0.0.1:6379/13,
a database of its own that these tests empty); .ci/run starts Redis, and in CI a missing Redis fails
the run (tests/conftest.py: nothing may skip there)."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.test import Client

from masterstudio.core import pagecache

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        message = f"Redis 不可用：{REDIS_TEST_URL}"
        if os.environ.get("CI"):  # CI starts Redis (.ci/run): its absence is a failure there
            pytest.fail(message)
        pytest.skip(message)
    settings.CACHES = {"default": {"BACKEND": "masterstudio.core.cache.RedisCache", "LOCATION": REDIS_TEST_URL}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_versions_start_high_and_move_by_one_per_commit(transactional_db, redis_cache, unit_a):
    from django.db import transaction

    from masterstudio.units.models import Unit

    pagecache.bump("all", "units")  # the first bump starts each counter from the clock
    start_all, start_units = pagecache.versions("all", "units")
    assert start_all > 10**12 and start_units > 10**12
    with transaction.atomic():
        Unit.objects.filter(pk=unit_a.pk).update(name="改名一")
        Unit.objects.filter(pk=unit_a.pk).update(name="改名二")
    assert pagecache.versions("all", "units") == (start_all + 1, start_units + 1)  # one commit, one step


def test_a_served_page_is_one_redis_command_and_no_query(
    transactional_db, redis_cache, cast, unit_a, django_assert_num_queries
):
    from unittest import mock

    import redis

    from tests.factories.money import make_studio

    make_studio(unit_a, name="红色缓存工作室")
    client = Client()
    client.force_login(cast["reviewer"])
    client.get("/studios/")
    assert client.get("/studios/")["X-Page-Cache"] == "hit"
    real = redis.Redis.execute_command
    commands = []

    def counting(self, *args, **options):
        commands.append(args[0])
        return real(self, *args, **options)

    with django_assert_num_queries(0), mock.patch.object(redis.Redis, "execute_command", counting):
        response = client.get("/studios/")
    assert response["X-Page-Cache"] == "hit" and "红色缓存工作室" in response.content.decode()
    assert commands == ["MGET"]


def test_signing_out_ends_the_session_read_through_redis(transactional_db, redis_cache, cast):
    client = Client()
    client.force_login(cast["reviewer"])
    assert client.get("/manage/").status_code == 200
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value  # the same browser on another tab
    assert other.get("/manage/").status_code == 200
    client.post("/accounts/logout/")
    response = other.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_rate_limits_count_in_one_round_trip_and_refuse_over_the_limit(redis_cache):
    from masterstudio.core.ratelimit import hit

    results = [hit("redis-test", "127.0.0.9", limit=3, window=60)[0] for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert hit("redis-test", "127.0.0.10", limit=3, window=60)[0]  # another address has its own count


def test_the_policy_version_chain_is_kept_per_process_and_follows_a_confirmed_version(
    transactional_db, redis_cache, cast, django_assert_num_queries, monkeypatch
):
    from datetime import date

    from masterstudio.policytools import versions
    from masterstudio.policytools.models import PolicyVersion, VersionState

    versions._forget()
    first = versions.chain()
    with django_assert_num_queries(0):  # kept: no query for the next question
        assert versions.chain() is first
    row = PolicyVersion.objects.create(
        name="measures-2027",
        title="2027",
        text="第1条",
        parameters={},
        effective_from=date(2027, 1, 11),
        valid_until=date(2029, 12, 31),
        proposed_by=cast["reviewer"],
    )
    monkeypatch.setattr(versions, "_read_chain", lambda: "re-read")  # a write bumped policytools
    assert versions.chain() == "re-read"
    # another server's write: the shared version moves; this process sees it at its next check
    monkeypatch.setattr(versions, "RECHECK_SECONDS", 0.0)
    versions._cached = (versions._cached[0] - 1, first, 0.0)
    assert versions.chain() == "re-read"
    assert row.state == VersionState.PROPOSED
