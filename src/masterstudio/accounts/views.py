from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from masterstudio.accounts import otp, services
from masterstudio.accounts.forms import (
    AccountCreateForm,
    LoginForm,
    ReauthForm,
    SecondFactorForm,
    UnitDecisionForm,
    UnitRegistrationForm,
)
from masterstudio.accounts.models import Role, User
from masterstudio.core.events import events_for, record_event
from masterstudio.core.permissions import duty_required
from masterstudio.core.ratelimit import rate_limited
from masterstudio.units.models import Unit, UnitStatus


def _until(moment) -> str:
    """'今天 14:35', or '11月25日 00:10' when the lock ends on another day (Asia/Shanghai)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"今天 {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        candidate = User.objects.filter(username__iexact=username).first()
        if candidate is not None and candidate.is_locked():
            form.add_error(None, f"连续登录失败次数过多，账号已锁定至{_until(candidate.locked_until)}，请稍后再试或联系系统管理员")
            record_event("auth.login_locked", obj=candidate, ip=services.client_ip(request))
        else:
            user = authenticate(request, username=candidate.username if candidate else username,
                                password=form.cleaned_data["password"])
            if user is None:
                failed = services.record_login_failure(username, request)
                if failed is not None and failed.is_locked():
                    form.add_error(None, f"连续登录失败次数过多，账号已锁定至{_until(failed.locked_until)}")
                else:
                    form.add_error(None, "用户名或密码不正确（注意区分大小写）")
            elif user.requires_second_factor:
                request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
                return redirect("accounts:login_verify" if user.totp_confirmed_at else "accounts:login_enrol")
            else:
                return _complete_login(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


PENDING = "pending_login"
PENDING_SECONDS = 300


def _complete_login(request, user, next_url: str = ""):
    request.session.pop(PENDING, None)
    request.session.pop("enrol_secret", None)
    login(request, user, backend="masterstudio.accounts.backends.AccountBackend")
    request.session[REAUTH] = time.time()
    services.record_login_success(user, request)
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect("core:home")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending.get("next", "")


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_verify(request):
    """Second step for staff: a code from the authenticator app, or a one-time recovery code."""
    user, next_url = _pending_user(request)
    if user is None:
        messages.warning(request, "登录已超时，请重新输入用户名和密码")
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if user.is_locked():
            form.add_error(None, "连续验证失败次数过多，账号已锁定，请稍后再试")
        elif otp.verify_code(user, code) or otp.use_recovery_code(user, code):
            return _complete_login(request, user, next_url)
        else:
            services.record_login_failure(user.username, request)
            form.add_error("code", "动态口令不正确或已使用过。请输入验证器中当前显示的 6 位数字，或一个恢复码")
    return render(request, "accounts/login_verify.html", {"form": form, "pending_user": user})


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_enrol(request):
    """First sign-in of a staff member: set up the authenticator app before entering."""
    user, next_url = _pending_user(request)
    if user is None or user.totp_confirmed_at:
        return redirect("accounts:login")
    secret = request.session.get("enrol_secret") or otp.new_secret()
    request.session["enrol_secret"] = secret
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.verify_code(user, form.cleaned_data["code"], secret=secret):
            codes = otp.confirm_enrolment(user, secret)
            record_event("auth.second_factor_enrolled", obj=user, actor=user, ip=services.client_ip(request))
            _complete_login(request, user, next_url)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url or "/"})
        form.add_error("code", "验证码不正确。请确认手机时间准确，并输入验证器中当前显示的 6 位数字")
    return render(request, "accounts/login_enrol.html", {
        "form": form, "secret": secret, "uri": otp.provisioning_uri(user, secret), "pending_user": user})


REAUTH = "reauth_at"


@login_required
def reauth(request):
    """Confirm identity again before money and revocation actions."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    form = ReauthForm(request.POST or None, needs_code=request.user.requires_second_factor)
    if request.method == "POST" and form.is_valid():
        user = request.user
        ok = user.check_password(form.cleaned_data["password"])
        if ok and user.requires_second_factor:
            ok = otp.verify_code(user, form.cleaned_data.get("code", ""))
        if ok:
            request.session[REAUTH] = time.time()
            record_event("auth.reauthenticated", obj=user, actor=user, ip=services.client_ip(request))
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("core:home")
        services.record_login_failure(user.username, request)
        form.add_error(None, "密码或动态口令不正确")
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_event("auth.logout", obj=request.user, actor=request.user, ip=services.client_ip(request))
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("core:home")


@login_required
def account(request):
    return render(request, "accounts/account.html")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        update_session_auth_hash(request, user)
        record_event("auth.password_changed", obj=user, actor=user, ip=services.client_ip(request))
        messages.success(request, "密码已修改")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@rate_limited("register", limit="REGISTER_RATE_LIMIT", window=3600)
def register(request):
    form = UnitRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_unit(form.cleaned_data, request)
        login(request, user, backend="masterstudio.accounts.backends.AccountBackend")
        messages.success(request, "注册成功。社会事业局审核通过后，即可填报申报材料")
        return redirect("units:dashboard")
    return render(request, "accounts/register.html", {"form": form})


@duty_required("sysadmin")
def user_list(request):
    users = User.objects.select_related("unit").order_by("role", "username")
    role = request.GET.get("role", "")
    if role:
        users = users.filter(role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "roles": Role.choices, "role": role})


@duty_required("sysadmin")
def user_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.create_account(form.cleaned_data, actor=request.user, request=request)
        messages.success(request, f"已创建账号 {user.username}")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_create.html", {"form": form})


@duty_required("sysadmin")
@require_POST
def user_toggle(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.set_active(user, not user.is_active, actor=request.user, request=request)
        messages.success(request, f"账号 {user.username} 已{'停用' if user.is_active else '启用'}")
    except services.AccountError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:user_list")


@duty_required("reviewer", "approver")
def unit_registrations(request):
    status = request.GET.get("status", UnitStatus.PENDING)
    units = Unit.objects.order_by("-registered_at")
    if status:
        units = units.filter(status=status)
    page = Paginator(units, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/unit_registrations.html",
                  {"page": page, "status": status, "statuses": UnitStatus.choices})


@duty_required("reviewer", "approver")
def unit_registration_detail(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    form = UnitDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_unit(unit, decision=form.cleaned_data["decision"],
                                 reason=form.cleaned_data["reason"], actor=request.user, request=request)
            messages.success(request, f"已审核：{unit.name}")
            return redirect("accounts:unit_registrations")
        except services.AccountError as exc:
            form.add_error(None, str(exc))
    return render(request, "accounts/unit_registration_detail.html",
                  {"unit": unit, "form": form, "events": events_for(unit)})
