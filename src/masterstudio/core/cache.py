"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
operation, and building one fills its table of about 170 response callbacks: on this machine about
a third of a millisecond per operation, paid for each session read and
rate-limit count. A ``redis.Redis`` client is safe to share between threads (each command borrows a
connection from the pool), so one per pool is kept and reused.

This reads private parts of Django's Redis backend (``_get_connection_pool_index``,
``_get_connection_pool``, ``_client``, the backend's ``_cache``): ``CHECKED_WITH`` is the Django
version they were read from, and tests/core/test_oncommit.py fails on any other."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

CHECKED_WITH = (5, 2)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


def redis_pipeline(*cache_keys: str):
    """(the keys as stored, a pipeline on the default cache's Redis) for several commands in one
    round trip, or None when the default cache is not Redis (development and tests)."""
    from django.core.cache import caches

    backend = caches["default"]
    if not isinstance(backend, DjangoRedisCache):
        return None
    keys = [backend.make_and_validate_key(key) for key in cache_keys]
    return keys, backend._cache.get_client(keys[0], write=True).pipeline(transaction=False)
