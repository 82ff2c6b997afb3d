"""The empty view: the cheapest answer the full stack (gunicorn, every middleware, the URL
resolver) can give. The benchmark compares each key page with it. Routed only when the setting
BENCH_ENDPOINTS is true (see masterstudio/urls.py)."""

from django.http import HttpResponse


def empty(request):
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")
