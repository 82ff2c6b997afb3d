"""Rendered pages kept in the shared cache until the data under them changes.

The busiest read pages (the public notice, the workbenches, the lists, the review, scoring and studio
pages, the dashboard) are rendered once and served from the shared cache (Redis in production, so
both application servers see the same entries) until **any** business table is written. There is
no per-page bookkeeping of what a page reads, so nothing can be forgotten:

* every INSERT, UPDATE, DELETE or TRUNCATE that goes through Django's database connection — model
  saves, ``QuerySet.update()``, bulk operations and raw SQL alike — is seen by an execute wrapper
  installed on each connection (:func:`install`). When the write commits (at once in autocommit,
  otherwise through ``transaction.on_commit``) the **data version** in the shared cache is
  incremented; a rolled-back write changes nothing and bumps nothing.
* a cached page is stored with the data version read *before* it was rendered and the day it was
  rendered on; it is served only while both are still current, and at most ``PAGE_CACHE_SECONDS``
  (60 s) after rendering, which bounds anything that depends on the clock alone.
* a connection whose transaction holds uncommitted writes neither reads nor stores cached pages.

What a cached page may differ in between users is kept apart by the key: the path with its query,
the signed-in session (its key and its contents), the language and htmx's request headers. The
CSRF token is not in the cached text: pages are rendered with a placeholder that is replaced by the
request's own token when served. Pages that show a flash message are neither served from nor
stored in the cache. Access checks are not cached: the decorator sits inside them, so they run on
every request; a page served from the cache is one the same session was allowed to see under the
same data.

Writes that do not change what a page shows are not counted: the session table (sessions are read,
not rendered) and the database cache table (the cache itself). Topics other than ``"all"`` let
other process-level caches follow a smaller part of the data: ``"catalog"`` (the staff-maintained
occupation and holiday tables read by every eligibility evaluation, catalog/engine.py) and
``"accounts"`` and ``"units"`` (the signed-in user loaded for every request, with its unit's
registration status: accounts/backends.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.utils import timezone

from masterstudio.core.oncommit import transaction_callback

log = logging.getLogger("masterstudio.pagecache")

CSRF_PLACEHOLDER = "pagecacheCSRFplaceholder0x5f3759df"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_VERSION_KEY = "pc:v:{}"
# a write, also one opening with a writing common table expression (the audit chain's append:
# WITH head AS (UPDATE "core_chainhead" …) INSERT INTO "core_event" …)
_WRITE = re.compile(
    r'\s*(?:WITH\s+"?\w+"?\s+AS\s+\(\s*)?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)',
    re.IGNORECASE,
)
_TOPIC_PREFIXES = (
    ("catalog_", "catalog"),
    ("accounts_", "accounts"),
    ("units_", "units"),
    ("policytools_", "policytools"),
)


def _ignored_tables() -> frozenset[str]:
    tables = {"django_session"}
    for spec in settings.CACHES.values():
        if spec.get("BACKEND", "").endswith("DatabaseCache"):
            tables.add(spec["LOCATION"])
    return frozenset(tables)


_IGNORED: frozenset[str] | None = None


def topics_of(sql: str) -> tuple[str, ...]:
    """The topics a statement writes to: () for reads and for the ignored tables."""
    global _IGNORED
    match = _WRITE.match(sql)
    if not match:
        return ()
    if _IGNORED is None:
        _IGNORED = _ignored_tables()
    table = match.group(1).lower()
    if table in _IGNORED:
        return ()
    return ("all",) + tuple(topic for prefix, topic in _TOPIC_PREFIXES if table.startswith(prefix))


# ------------------------------------------------------------------------------------ versions


def _initial() -> int:
    # not 1: if the cache loses the version key but keeps old pages, a restarted counter must not
    # meet the version an old page was stored with
    return time.time_ns() // 1000


def versions(*topics: str) -> tuple:
    flush_deferred()
    keys = [_VERSION_KEY.format(t) for t in topics]
    found = cache.get_many(keys)
    return tuple(found.get(k) for k in keys)


def current_versions(*topics: str) -> tuple:
    """Several topics' data versions in one round trip (each started when missing)."""
    found = versions(*topics)
    if None in found:
        return tuple(v if v is not None else current_version(t) for t, v in zip(topics, found))
    return found


def current_version(topic: str = "all"):
    """The topic's data version, started when the cache does not hold it yet."""
    flush_deferred()
    key = _VERSION_KEY.format(topic)
    version = cache.get(key)
    if version is None:
        cache.add(key, _initial(), timeout=None)
        version = cache.get(key)
    return version


def _bump_in_redis(topics) -> bool:
    """All topics in one round trip (SET NX to a fresh start, then INCR, pipelined); False when the
    cache is not Redis."""
    from masterstudio.core.cache import redis_pipeline

    found = redis_pipeline(*(_VERSION_KEY.format(topic) for topic in topics))
    if found is None:
        return False
    keys, pipe = found
    for key in keys:
        pipe.set(key, _initial(), nx=True)
        pipe.incr(key)
    pipe.execute()
    return True


_local_listeners: dict[str, list] = {}


def on_local_bump(topic: str, callback) -> None:
    """Call ``callback()`` whenever this process bumps ``topic`` (a process-level copy that checks
    the shared version only now and then drops itself at once after its own process's writes)."""
    _local_listeners.setdefault(topic, []).append(callback)


def bump(*topics: str) -> None:
    """Increment the data version of each topic (after a committed write)."""
    if not topics:
        return
    for topic in topics:
        for callback in _local_listeners.get(topic, ()):
            callback()
    try:
        if _bump_in_redis(topics):
            return
    except Exception:  # Redis is down: pages are not served from it either
        log.exception("数据版本未能更新（缓存不可用）：%s", "、".join(topics))
        return
    for topic in topics:
        key = _VERSION_KEY.format(topic)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet (or evicted): start it afresh
                if not cache.add(key, _initial(), timeout=None):
                    cache.incr(key)
        except DatabaseError:
            # the database-kept cache (development, tests) before createcachetable has made its
            # table, e.g. while migrate fills a new database: nothing can be cached yet either
            log.debug("数据版本未能更新（缓存表不存在）：%s", topic)
        except Exception:  # the cache is down: pages are not served from it either
            log.exception("数据版本未能更新（缓存不可用）：%s", topic)


class _BumpOnCommit:
    """The one on-commit callback a transaction with writes registers; collects its topics."""

    def __init__(self):
        self.topics: set[str] = set()

    def __call__(self):
        bump(*sorted(self.topics))


def _pending(connection) -> _BumpOnCommit | None:
    """The bump registered by the current transaction, if it has written anything."""
    return transaction_callback(connection, _BumpOnCommit, create=False)


def _cache_in_database() -> bool:
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return isinstance(caches["default"], DatabaseCache)


def shared_cache_outside_database() -> bool:
    """Whether process-level copies (the signed-in user, the staff catalog) are worth keeping under
    a data version: with the cache kept in the database (development, tests) reading the version
    costs the same query as reading the rows."""
    return not _cache_in_database()


def flush_deferred(connection=None) -> None:
    """Count the autocommitted writes a database-kept cache could not count at once (below)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    deferred = getattr(connection, "_pagecache_deferred", None)
    if deferred and not connection.in_atomic_block:
        connection._pagecache_deferred = None
        bump(*sorted(deferred))


def _track_writes(execute, sql, params, many, context):
    connection = context["connection"]
    if getattr(connection, "_pagecache_deferred", None) and not connection.in_atomic_block:
        flush_deferred(connection)
    result = execute(sql, params, many, context)
    topics = topics_of(sql) if isinstance(sql, str) else ()
    if topics:
        if not connection.in_atomic_block:
            if _cache_in_database():
                # The cache's own statements would run on this connection before the caller has
                # fetched this statement's result (INSERT … RETURNING on SQLite would be undone):
                # counted at this connection's next statement or version read instead.
                connection._pagecache_deferred = (getattr(connection, "_pagecache_deferred", None) or set()) | set(
                    topics
                )
            else:
                bump(*topics)
        else:
            transaction_callback(connection, _BumpOnCommit, create=True).topics.update(topics)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Connected to ``connection_created``: adds the write tracker to a connection once."""
    if _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def has_uncommitted_writes(*topics: str, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this connection's open transaction has written (to any of ``topics``, if given)."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        return False
    pending = _pending(connection)
    if pending is None:
        return False
    return not topics or any(topic in pending.topics for topic in topics)


# ------------------------------------------------------------------------------------ pages

_prefetched: ContextVar[dict | None] = ContextVar("pagecache_prefetched", default=None)


def _page_key(request) -> str:
    session = getattr(request, "session", None)
    parts = [
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        (session.session_key or "") if session is not None else "",
    ]
    return "pc:p:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _session_digest(request) -> str:
    """What the session holds (but its renewal time): a page is served only to the same contents."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return ""
    data = {k: v for k, v in session.items() if k != "_touched"}
    return hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()


def prefetched_versions(*topics: str) -> tuple | None:
    """The data versions read at the start of this request by PrefetchMiddleware, if it did."""
    found = _prefetched.get()
    if found is None:
        return None
    values = tuple(found["versions"].get(topic) for topic in topics)
    return None if None in values else values


class PrefetchMiddleware:
    """One round trip to the shared cache for a GET of a page-cached view: the session (when it is
    read through the cache, ``cached_db``), the data versions the signed-in user and the page are
    checked against, and the cached page itself. Without it these are three round trips. Place it
    last: it works in ``process_view``, once the view is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _prefetched.set(None)
        try:
            return self.get_response(request)
        finally:
            _prefetched.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "GET"
            or not getattr(view_func, "page_cached", False)
            or not settings.PAGE_CACHE_SECONDS
            or _cache_in_database()
            or "messages" in request.COOKIES
            or has_uncommitted_writes()
        ):
            return None
        keys = {topic: _VERSION_KEY.format(topic) for topic in ("all", "accounts", "units")}
        keys["page"] = _page_key(request)
        session = getattr(request, "session", None)
        prime = (
            session is not None
            and session.session_key
            and not hasattr(session, "_session_cache")
            and session.__class__.__module__ == "django.contrib.sessions.backends.cached_db"
            and settings.SESSION_CACHE_ALIAS == "default"
        )
        if prime:
            keys["session"] = session.cache_key
        try:
            found = cache.get_many(list(keys.values()))
        except Exception:
            log.exception("页面缓存不可用")
            return None
        if prime and keys["session"] in found:
            session._session_cache = found[keys["session"]]  # what cached_db's load() would read
        _prefetched.set(
            {
                "versions": {topic: found.get(keys[topic]) for topic in ("all", "accounts", "units")},
                "key": keys["page"],
                "entry": found.get(keys["page"]),
            }
        )
        return None


def _has_messages(request) -> bool:
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or (session is not None and "_messages" in session)


def _messages_used(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and (storage.used or bool(getattr(storage, "_queued_messages", None)))


def fill_csrf(request, response):
    """Put the request's own CSRF token where the page was rendered with the placeholder."""
    if not getattr(response, "streaming", False) and _PLACEHOLDER_BYTES in response.content:
        from django.middleware.csrf import get_token

        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return response


def cached_page(view):
    """Serve GET requests of ``view`` from the shared cache while the data is unchanged.

    Put it below the access decorators (closest to the function), so that they run every time.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method != "GET"
            or not settings.PAGE_CACHE_SECONDS
            or _has_messages(request)
            or has_uncommitted_writes()
        ):
            return view(request, *args, **kwargs)
        flush_deferred()
        key = _page_key(request)
        today = timezone.localdate().isoformat()
        prefetched = _prefetched.get()
        if prefetched is not None and prefetched["key"] == key:
            version, entry = prefetched["versions"]["all"], prefetched["entry"]
        else:
            try:
                found = cache.get_many([_VERSION_KEY.format("all"), key])
            except Exception:
                log.exception("页面缓存不可用")
                return view(request, *args, **kwargs)
            version, entry = found.get(_VERSION_KEY.format("all")), found.get(key)
        if version is None:  # first use (or the cache was emptied): start the counter
            version = current_version("all")
        digest = _session_digest(request)
        if entry is not None and entry[:3] == (version, today, digest):
            response = HttpResponse(entry[3], status=200)
            for name, value in entry[4]:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return fill_csrf(request, response)
        request._pagecache_rendering = True
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # while the placeholder stands in for the token
        finally:
            request._pagecache_rendering = False
        if (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
            and not _messages_used(request)
            and not has_uncommitted_writes()
            and version is not None
        ):
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in ("content-length", "set-cookie", "x-page-cache")
            ]
            try:
                cache.set(key, (version, today, digest, response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                log.exception("页面缓存写入失败")
            response.headers["X-Page-Cache"] = "miss"
        return fill_csrf(request, response)

    wrapped.page_cached = True  # read by PrefetchMiddleware through the access decorators (functools.wraps)
    return wrapped
