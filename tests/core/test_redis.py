"""The production configuration of the shared cache: Redis (``masterstudio.core.cache.RedisCache``)
with sessions read through it. Needs Redis at REDIS_TEST_URL (default redis://127.0.0.1:6379/13,
a database of its own that these tests empty); .ci/run starts Redis, and in CI a missing Redis fails
the run (tests/conftest.py: nothing may skip there)."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.test import Client

from masterstudio.core import versions

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
    for copies in versions._copies.values():
        for copy in copies:
            copy.forget()
    yield caches["default"]
    caches["default"].clear()


def test_a_topic_version_starts_high_and_moves_once_per_committed_change(transactional_db, redis_cache, cast):
    from django.db import transaction

    from masterstudio.catalog import services

    start = versions.current("catalog")
    assert start > 10**12
    with transaction.atomic():
        services.add_occupation_values(code="6-99-99-95", name="甲", source="测试", actor=cast["sysadmin"])
        assert versions.current("catalog") == start  # not before the commit
    assert versions.current("catalog") == start + 1


def test_no_page_is_kept_a_write_shows_at_the_next_request(transactional_db, redis_cache, cast, unit_a):
    from masterstudio.studios.models import Studio
    from tests.factories.money import make_studio

    studio = make_studio(unit_a, name="红色缓存工作室")
    client = Client()
    client.force_login(cast["reviewer"])
    assert "红色缓存工作室" in client.get("/studios/").content.decode()
    Studio.objects.filter(pk=studio.pk).update(name="改名后的工作室")
    response = client.get("/studios/")
    assert "改名后的工作室" in response.content.decode() and "红色缓存工作室" not in response.content.decode()


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
