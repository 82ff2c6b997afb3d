"""Who may open what. Views use these decorators; object visibility lives in each app's
``selectors`` module so that lists, exports, files and the API share one rule."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from masterstudio.core.roles import Role


def _require(check, message):
    """``message``: the refusal's text, or a function of the user giving it."""

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
    return _require(lambda u: u.role in roles and u.is_active, "您的账号角色无权访问此页面")


SEPARATED_DUTIES = ("sysadmin", "auditor")


def duty_refusal(user, duties) -> str:
    """Why ``user`` may not do what needs one of ``duties``: the separation of duties for the system
    administrator and the auditor, else the duty the action needs (e.g. a reviewer deciding: 审批)."""
    from masterstudio.accounts.models import Duty

    if (
        user.role == Role.STAFF
        and any(d in SEPARATED_DUTIES for d in user.duties or [])
        and not any(d in SEPARATED_DUTIES for d in duties)
    ):
        return "您的岗位职责无权执行此操作（三员分立：系统管理员、审计员不办理业务）"
    needed = "或".join(f"“{Duty(d).label}”" for d in duties)
    if user.role != Role.STAFF:
        return f"此操作仅限社会事业局具有{needed}职责的工作人员办理"
    held = "、".join(user.duty_labels) or "无"
    return f"此操作需要{needed}职责（您的岗位职责：{held}），请由具有该职责的工作人员办理"


def duty_required(*duties: str):
    """Bureau staff holding any of the duties."""
    return _require(
        lambda u: u.role == Role.STAFF and any(u.has_duty(d) for d in duties),
        lambda u: duty_refusal(u, duties),
    )


def staff_required(view):
    return _require(lambda u: u.role == Role.STAFF and u.is_active, "仅社会事业局工作人员可访问")(view)


def approved_unit_required(view):
    """Unit and leader accounts whose unit registration has been approved."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role not in (Role.UNIT, Role.LEADER) or user.unit_id is None:
            raise PermissionDenied("仅申报单位账号可访问")
        status = getattr(user, "unit_status", None)  # read with the user (accounts/backends.py)
        if status is None:
            from masterstudio.units.models import Unit

            status = Unit.objects.filter(pk=user.unit_id).values_list("status", flat=True).first()
        if status != "approved":
            raise PermissionDenied("单位注册尚未通过社会事业局审核，审核通过后即可使用此功能")
        return view(request, *args, **kwargs)

    return wrapped


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


WORKSPACES = {
    Role.UNIT: ("units:dashboard", "单位端"),
    Role.LEADER: ("units:dashboard", "单位端（领办人）"),
    Role.STAFF: ("core:manage", "管理端"),
    Role.EXPERT: ("core:expert", "专家端"),
    Role.EVALUATOR: ("core:evaluator", "评估端"),
}
