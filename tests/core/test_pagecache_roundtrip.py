"""A page served from the page cache, as in production (sessions read through the shared cache):
one cache round trip, no database query (core.pagecache.PrefetchMiddleware)."""

from __future__ import annotations

from unittest import mock

from django.core.cache import caches
from django.test import Client


def test_a_served_page_costs_no_query_and_one_cache_read(
    transactional_db, cast, unit_a, settings, django_assert_num_queries
):
    from tests.factories.money import make_studio

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pagecache-roundtrip"}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    make_studio(unit_a, name="一次读取工作室")
    client = Client()
    client.force_login(cast["reviewer"])
    client.get("/studios/")
    client.get("/studios/")  # rendered and stored; the signed-in user is kept by this process

    backend = type(caches["default"])
    calls = {"get_many": 0, "get_outside": 0}
    inside = []
    real_get_many, real_get = backend.get_many, backend.get

    def get_many(self, keys, *args, **kwargs):
        calls["get_many"] += 1
        inside.append(True)
        try:
            return real_get_many(self, keys, *args, **kwargs)
        finally:
            inside.pop()

    def get(self, key, *args, **kwargs):
        if not inside:
            calls["get_outside"] += 1
        return real_get(self, key, *args, **kwargs)

    with (
        django_assert_num_queries(0),
        mock.patch.object(backend, "get_many", get_many),
        mock.patch.object(backend, "get", get),
    ):
        response = client.get("/studios/")
    assert response["X-Page-Cache"] == "hit" and "一次读取工作室" in response.content.decode()
    assert calls == {"get_many": 1, "get_outside": 0}
