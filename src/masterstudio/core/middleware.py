from contextvars import ContextVar

from django.conf import settings

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def current_client_address() -> str | None:
    """The address of the request being served (None outside a request: commands, tests)."""
    return _client_address.get()


class SessionIdleMiddleware:
    """Sessions end SESSION_COOKIE_AGE (30 minutes) after the last request. Rather than writing the
    session row on every request, the session is renewed (saved with a new expiry, and its cookie
    sent again) when its last renewal is SESSION_RENEW_SECONDS (a minute) old, so a session ends
    between 29 and 30 idle minutes after the last request. Empty sessions (visitors who never
    signed in) are not stored at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.session_key and not session.is_empty():
            import time

            now = int(time.time())
            if now - int(session.get("_touched", 0)) >= settings.SESSION_RENEW_SECONDS:
                session["_touched"] = now
        return response


class RequestAddressMiddleware:
    """Remembers the client's address for the audit trail, so that every event recorded while
    serving a request names where it came from, even where the caller did not pass it. The address
    is the client's behind a trusted proxy (core.clientaddr); it replaces ``REMOTE_ADDR`` for the
    rest of the request (the peer stays in ``PEER_ADDR``), so every reader sees the same address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from masterstudio.core.clientaddr import client_address

        peer = request.META.get("REMOTE_ADDR")
        address = client_address(request)
        if address != peer:
            request.META["PEER_ADDR"] = peer
            request.META["REMOTE_ADDR"] = address
        token = _client_address.set(address or None)
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy without inline scripts, plus permissions and cross-origin headers."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not settings.DEBUG and settings.SESSION_COOKIE_NAME in request.COOKIES:
            # signed-in pages are not kept by browsers or proxies (decided without a database query,
            # so that this also works while the database is unreachable)
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class DatabaseUnavailableMiddleware:
    """Losing the database connection (restart, network, failover) answers a clear Chinese page with
    503 and Retry-After instead of a bare server error. The page is rendered without touching the
    database. Whatever the request was writing was inside a transaction and is not saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        import logging

        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse
        from django.template.loader import render_to_string

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logging.getLogger("masterstudio.db").error(
            "数据库连接异常：%s %s：%s", request.method, request.path, type(exception).__name__
        )
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
        response["Retry-After"] = "60"
        return response
