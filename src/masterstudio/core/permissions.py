"""Who may open what. Views use these decorators; object visibility lives in each app's
``selectors`` module so that lists, exports, files and the API share one rule."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from masterstudio.core.roles import Role


def require(check, message):
    """A view decorator: the signed-in user passes ``check`` or is refused with ``message`` (the
    refusal's text, or a function of the user giving it); anonymous users are sent to sign in."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(user):
                raise PermissionDenied(message(user) if callable(message) else message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_required(*roles: Role):
    roles = tuple(Role(role) for role in roles)  # an unknown role is a programming error, caught at import
    return require(lambda u: u.role in roles and u.is_active, "您的账号角色无权访问此页面")


def staff_required(view):
    return require(lambda u: u.role == Role.STAFF and u.is_active, "仅社会事业局工作人员可访问")(view)


READER_DUTIES = ("reviewer", "approver", "finance", "auditor")


def reads_business_records(user) -> bool:
    """Bureau staff who may read applications, studios and money records: the business duties and
    the audit administrator (read-only). The system administrator manages accounts only (三员分立)."""
    return user.role == Role.STAFF and any(user.has_duty(d) for d in READER_DUTIES)


REAUTH_SECONDS = 10 * 60


def reauth_redirect(request):
    """None when the user confirmed password (and second factor) within REAUTH_SECONDS; else the
    redirect to the re-authentication page, which brings them back (GET: this page; POST: the form
    they came from — what they typed is kept by the browser's back navigation)."""
    import time

    from django.shortcuts import redirect
    from django.utils.http import urlencode

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if time.time() - request.session.get("reauth_at", 0) > REAUTH_SECONDS:
        target = request.get_full_path() if request.method == "GET" else request.META.get("HTTP_REFERER", "/")
        return redirect("/accounts/reauth/?" + urlencode({"next": target}))
    return None


def recent_auth_required(view):
    """Money and revocation actions: the user confirmed password (and second factor) within
    the last ten minutes, else they are asked again and brought back."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        stale = reauth_redirect(request)
        if stale is not None:
            return stale
        return view(request, *args, **kwargs)

    return wrapped
