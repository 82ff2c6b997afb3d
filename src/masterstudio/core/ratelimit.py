"""Rate limits kept in the shared cache (Redis or the database cache table), so that every
application server counts the same requests. Fixed windows: simple and predictable."""

from __future__ import annotations

import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render


def client_key(request) -> str:
    from masterstudio.core.clientaddr import client_address

    return client_address(request) or "unknown"


def _count_in_redis(cache_key: str, timeout: int) -> int | None:
    """One round trip to Redis (SET NX EX, then INCR, pipelined); None when the cache is not Redis."""
    from masterstudio.core.cache import redis_pipeline

    found = redis_pipeline(cache_key)
    if found is None:
        return None
    (key,), pipe = found
    pipe.set(key, 0, ex=timeout, nx=True)
    pipe.incr(key)
    return int(pipe.execute()[1])


def hit(scope: str, key: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one request; returns (allowed, seconds until the window resets)."""
    now = int(time.time())
    bucket = now // window
    cache_key = f"rl:{scope}:{key}:{bucket}"
    count = _count_in_redis(cache_key, window + 5)
    if count is not None:
        return count <= limit, (bucket + 1) * window - now
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            count = 1
    return count <= limit, (bucket + 1) * window - now


def rate_limited(
    scope: str, *, limit: int | str, window: int, methods: tuple[str, ...] = ("POST",), json: bool = False
):
    """Refuse with 429 and a Chinese message after ``limit`` requests per ``window`` seconds per address.

    ``limit`` is a number, or the name of a setting read at each request (so deployments and
    tests can change it)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                from django.conf import settings

                allowed, retry = hit(
                    scope, client_key(request), getattr(settings, limit) if isinstance(limit, str) else limit, window
                )
                if not allowed:
                    message = f"操作过于频繁，请 {retry} 秒后再试"
                    if json:
                        from django.http import JsonResponse

                        response = JsonResponse(
                            {"error": {"code": "rate_limited", "field": None, "message": message}}, status=429
                        )
                    else:
                        response = render(request, "errors/429.html", {"message": message}, status=429)
                    response["Retry-After"] = str(retry)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
