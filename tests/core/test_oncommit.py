"""The Django internals the platform still reads are read in two adapter modules only, each
checked against one Django version: the on-commit callbacks (core/oncommit.py) and the Redis
backend's client (core/cache.py). An upgrade of Django fails here until they are checked again."""

from __future__ import annotations

import django
import pytest
from django.db import connection, transaction

from masterstudio.core import cache, oncommit


@pytest.mark.parametrize("module", [oncommit, cache])
def test_the_adapters_were_checked_against_this_django(module):
    assert django.VERSION[:2] == module.CHECKED_WITH, (
        f"{module.__name__} was read against Django {module.CHECKED_WITH}; check it against {django.VERSION}"
    )


class _Marker:
    def __call__(self):
        pass


def test_a_callback_registered_in_a_rolled_back_savepoint_is_no_longer_alive(transactional_db):
    with transaction.atomic():
        kept = oncommit.transaction_callback(connection, _Marker, create=True)
        assert oncommit.transaction_callback(connection, _Marker, create=False) is kept
        with pytest.raises(RuntimeError, match="回滚"):
            with transaction.atomic():
                dropped = _Marker()
                transaction.on_commit(dropped)
                assert dropped in oncommit.alive_callbacks(connection)
                raise RuntimeError("回滚")
        alive = oncommit.alive_callbacks(connection)
        assert kept in alive and dropped not in alive


def test_a_callback_dropped_by_a_savepoint_rollback_is_made_again(transactional_db):
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="回滚"):
            with transaction.atomic():
                first = oncommit.transaction_callback(connection, _Marker, create=True)
                raise RuntimeError("回滚")
        assert oncommit.transaction_callback(connection, _Marker, create=False) is None
        again = oncommit.transaction_callback(connection, _Marker, create=True)
        assert again is not first and again in oncommit.alive_callbacks(connection)


def test_the_redis_client_is_made_once_per_pool():
    backend = cache.RedisCache("redis://127.0.0.1:6379/0", {})
    client = backend._cache
    assert client.get_client("a") is client.get_client("b")  # no connection is opened to build it
