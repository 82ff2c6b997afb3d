"""The platform's Chinese error pages (``handler400`` … ``handler500`` in ``masterstudio.urls``,
``CSRF_FAILURE_VIEW``), and the same pages in demo mode too. With ``DEBUG`` on, Django answers a
404 with its technical page (the URL patterns, the settings' name); the demo is shown to people who
should see what the bureau's users see, so a page not found is the platform's 404 page. (A 403 goes
to ``handler403`` whatever ``DEBUG`` says.) Off ``DEBUG``, Django uses the handlers itself."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render


class ShownBadRequest(BadRequest):
    """A 400 whose Chinese ``message`` the error page shows (``core.params.BadParameter``: which
    query-string parameter is wrong and why); any other bad request gets the page without one."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def error_400(request, exception=None):
    message = exception.message if isinstance(exception, ShownBadRequest) else ""
    return render(request, "errors/400.html", {"message": message}, status=400)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else "您无权访问此页面"
    return render(request, "errors/403.html", {"message": message}, status=403)


def error_404(request, exception=None):
    response = render(request, "errors/404.html", status=404)
    response.platform_page = True
    return response


def error_500(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(
        request,
        "errors/403.html",
        {"message": "页面已过期或表单校验失败（CSRF）。请返回上一页，刷新后重新提交；您填写的内容可在刷新前复制保存。"},
        status=403,
    )


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
            return error_404(request)  # no URL pattern matched: Django's technical page otherwise
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return error_404(request, exception)
        return None
