"""Process-level copies of small staff-maintained tables, dropped by the services that change them.

Two tables are read by nearly every request that evaluates eligibility (the calculator API, the
wizard's pre-check): the staff catalogue of occupations and holiday arrangements
(``catalog.engine.staff_facts``) and the confirmed policy versions (``policytools.versions.chain``).
Each process keeps one copy of each (:class:`ProcessCopy`) under a **topic version** kept in the
shared cache (Redis in production, so every server sees the same one).

Nothing here guesses what was written: the service that changes a topic's rows calls
:func:`changed` inside its transaction. That drops this process's copy at once, keeps the open
transaction reading the table itself until it ends, and moves the shared version when the
transaction commits (``transaction.on_commit``; a rollback moves nothing). Other servers look at
the shared version at most once a second (``RECHECK_SECONDS``), so a change saved on one server
is used by every server within a second.

With the cache kept in the database (development, tests) reading the version costs the same
query as reading the rows: no copy is kept and the rows are read every time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

log = logging.getLogger(__name__)

RECHECK_SECONDS = 1.0
_KEY = "tv:{}"
_copies: dict[str, list[ProcessCopy]] = {}


def _initial() -> int:
    # not 1: if the cache loses the key, a restarted counter must not meet a version a copy holds
    return time.time_ns() // 1000


def cache_in_database() -> bool:
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return isinstance(caches["default"], DatabaseCache)


def current(topic: str) -> int:
    """The topic's shared version, started when the cache does not hold it yet."""
    key = _KEY.format(topic)
    version = cache.get(key)
    if version is None:
        cache.add(key, _initial(), timeout=None)
        version = cache.get(key)
    return version


def bump(topic: str) -> None:
    """Move the topic's shared version (after a committed change) and drop this process's copies."""
    for copy in _copies.get(topic, ()):
        copy.forget()
    key = _KEY.format(topic)
    try:
        try:
            cache.incr(key)
        except ValueError:  # not there yet (or evicted): start it afresh
            if not cache.add(key, _initial(), timeout=None):
                cache.incr(key)
    except DatabaseError:
        # the database-kept cache before createcachetable has made its table (migrate on a new
        # database): no copy is kept with that cache either
        log.debug("版本未能更新（缓存表不存在）：%s", topic)
    except Exception:  # the cache is down: copies are not kept without it (ProcessCopy.get)
        log.exception("版本未能更新（缓存不可用）：%s", topic)


def topics_now() -> tuple[tuple[str, int], ...]:
    """Every topic kept by a process copy with the version of what this process reads of it now
    (the copy's, rechecked as :meth:`ProcessCopy.get` does; the shared one when no copy is kept):
    what the staff-maintained tables read through them (the catalogue, the policy versions) are."""
    if cache_in_database():
        return tuple((topic, current(topic)) for topic in sorted(_copies))
    now = []
    for topic in sorted(_copies):
        for copy in _copies[topic]:
            now.append((topic, copy.version()))
    return tuple(now)


class _Bump:
    """The on-commit callback that moves a topic's shared version; while it waits in the open
    transaction's list, that transaction has changed the topic."""

    def __init__(self, topic: str):
        self.topic = topic

    def __call__(self) -> None:
        bump(self.topic)


def changed(topic: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Called by a service that writes the topic's rows, inside its transaction (or after an
    autocommitted write): the copies go now, the shared version moves when the change commits."""
    for copy in _copies.get(topic, ()):
        copy.forget()
    transaction.on_commit(_Bump(topic), using=using)


def changed_in_transaction(topic: str, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the open transaction has changed the topic (it then reads the rows itself).

    The mark is the transaction's own waiting :class:`_Bump`: Django drops it with the transaction
    when it commits or rolls back, and with a savepoint rolled back, so no mark outlives the change
    it stands for (a mark kept beside the connection would, into the next transaction)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return False
    return any(isinstance(entry[1], _Bump) and entry[1].topic == topic for entry in connection.run_on_commit)


class ProcessCopy:
    """One process-level copy of what ``read()`` returns, kept under ``topic``'s shared version."""

    def __init__(self, topic: str, read: Callable[[], Any]):
        self.topic, self.read = topic, read
        self._kept: tuple[int, Any, float] | None = None  # (version, value, monotonic time checked)
        self._lock = threading.Lock()
        _copies.setdefault(topic, []).append(self)

    def forget(self) -> None:
        self._kept = None

    def version(self) -> int | None:
        """The version of the value :meth:`get` returns now."""
        self.get()
        kept = self._kept
        return kept[0] if kept is not None else None

    def get(self) -> Any:
        if cache_in_database() or changed_in_transaction(self.topic):
            return self.read()
        kept, now = self._kept, time.monotonic()
        if kept is not None and now - kept[2] < RECHECK_SECONDS:
            return kept[1]
        try:
            version = current(self.topic)
        except Exception:  # the cache is down: read the rows every time
            return self.read()
        if kept is not None and kept[0] == version:
            self._kept = (version, kept[1], now)
            return kept[1]
        value = self.read()
        with self._lock:
            self._kept = (version, value, now)
        return value
