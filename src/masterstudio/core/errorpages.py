"""The platform's own Chinese error pages in demo mode too. With ``DEBUG`` on, Django answers a
404 with its technical page (the URL patterns, the settings' name); the demo is shown to people who
should see what the bureau's users see, so a page not found is the platform's 404 page. (A 403 goes
to ``handler403`` whatever ``DEBUG`` says.) Off ``DEBUG``, Django uses the handlers itself."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404


class DemoErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not getattr(response, "platform_page", False)
        ):
            from masterstudio.core.views import error_404

            return error_404(request)  # no URL pattern matched: Django's technical page otherwise
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            from masterstudio.core.views import error_404

            return error_404(request, exception)
        return None
