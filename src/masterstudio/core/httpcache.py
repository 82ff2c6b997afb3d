"""Public pages for anonymous visitors: ordinary HTTP caching, and the rendered page kept under
**what it shows** — never under a time or a version that a write might forget to move.

A public page's view reads its rows as always and hands the context to :func:`render_public`
instead of ``render``. The page's identity (its ETag) is a digest of everything the template can
show: the context itself (the view hands values — dicts, lists, strings, numbers, dates; a model
row could reach other rows while the template renders, so a row makes the page render as usual),
the outputs of the context processors, the full path, the language and time zone, today's date
and the versions of the staff-maintained tables that template tags read (``{% param %}``: the
policy versions, the catalogue; :func:`core.versions.topics_now`), and the
code (:data:`CODE`, a digest of the package's files). Two requests with the same identity are
answered with the same bytes; a write that changes a row the page shows changes the identity, so
no visitor and no browser is ever answered with a page from before it (``tests/core/test_httpcache.py``,
``tests/notices/test_public_pages_fresh.py``).

- ``If-None-Match`` with the current identity is answered ``304 Not Modified`` without rendering;
  every answer says ``Cache-Control: public, no-cache`` (a browser or proxy may keep it but must ask
  again each time) and ``Vary: Cookie``.
- The rendered bytes are kept in the shared cache (Redis in production) under the identity for
  ``KEEP_SECONDS``: another visitor, on any server, gets them without the template being rendered.
  With the cache kept in the database (development, the suite's default) the page is rendered as
  usual, without an ETag: reading the versions and storing pages would be queries and writes.
- Only anonymous visitors without a session or a pending message are served this way; a page
  whose rendering used the CSRF token (a form) is never stored. Anything in the context that
  cannot be described by its values (an object of an unknown kind) makes the page render as usual.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import types
import uuid
from collections.abc import Mapping
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import models
from django.http import HttpResponse, HttpResponseNotModified
from django.template import loader
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from masterstudio.core import versions

KEEP_SECONDS = 600
CACHE_CONTROL = "public, no-cache"
# processors whose values are settled by who may be served here (anonymous, no message): their
# outputs are objects (the user, the permissions, the message store), not values
_SETTLED_PROCESSORS = {
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.request",
}
_CSRF_FIELD = b'name="csrfmiddlewaretoken"'


class Undescribable(TypeError):
    """A context value that cannot be told by its values: the page is rendered as usual."""


@once
def code_digest() -> str:
    """The code and templates this process runs: a deployment changes the identity of every page."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
            stat = path.stat()
            h.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return h.hexdigest()


_PLAIN = frozenset(
    {str, int, float, bool, type(None), decimal.Decimal, uuid.UUID, datetime.date, datetime.datetime, datetime.time}
)
_PLAIN |= {datetime.timedelta}


def describe(value, depth: int = 0):
    """A value's description (its ``repr`` tells every value apart): equal descriptions render equally."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if depth > 12:
        raise Undescribable("嵌套过深")
    if isinstance(value, enum.Enum):
        return ("enum", kind.__qualname__, value.value)
    if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType | types.ModuleType):
        return ("code", getattr(value, "__module__", ""), getattr(value, "__qualname__", repr(value)))
    if isinstance(value, models.Model | models.QuerySet):
        # a row can reach other rows (a relation read while rendering): public pages hand values
        raise Undescribable(f"{kind.__qualname__}：公开页面的内容须以值传入")
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), describe(v, depth + 1)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("seq", tuple([describe(v, depth + 1) for v in value]))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((describe(v, depth + 1) for v in value), key=repr)))
    raise Undescribable(kind.__qualname__)


def _processors() -> list:
    names = []
    for engine in settings.TEMPLATES:
        names += engine.get("OPTIONS", {}).get("context_processors", [])
    return [import_string(name) for name in names if name not in _SETTLED_PROCESSORS]


def servable(request) -> bool:
    """An anonymous visitor without a session and without a message waiting for them."""
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def identity(request, template_name: str, context: dict) -> str:
    shown = (
        code_digest(),
        template_name,
        request.get_host(),
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        # what template tags read besides the context: the law values in force today ({% param %})
        # from the staff-maintained policy versions and catalogue, each under its topic version
        timezone.localdate().isoformat(),
        versions.topics_now(),
        describe(context),
        tuple(describe(processor(request)) for processor in _processors()),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=20).hexdigest()


def _matches(request, etag: str) -> bool:
    asked = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in asked.split(","))


def _headed(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Cookie"
    return response


def render_public(request, template_name: str, context: dict) -> HttpResponse:
    """``render`` for a public page: the same answer, served without rendering when it has been."""
    if not servable(request):
        response = HttpResponse(loader.render_to_string(template_name, context, request))
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Cookie"
        return response
    if versions.cache_in_database():  # development, tests: no page kept, no version read (queries)
        return HttpResponse(loader.render_to_string(template_name, context, request))
    try:
        digest = identity(request, template_name, context)
    except Undescribable:
        return HttpResponse(loader.render_to_string(template_name, context, request))
    etag = f'"{digest}"'
    if _matches(request, etag):
        return _headed(HttpResponseNotModified(), etag)
    key = f"page:{digest}"
    body = cache.get(key)
    if body is None:
        body = loader.render_to_string(template_name, context, request).encode()
        if _CSRF_FIELD in body:  # a form: its token is this visitor's own
            return HttpResponse(body)
        cache.set(key, body, KEEP_SECONDS)
    return _headed(HttpResponse(body), etag)
