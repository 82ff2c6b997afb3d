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
    DutyDecisionForm,
    DutyRequestForm,
    FirstPasswordForm,
    LoginForm,
    ReauthForm,
    SecondFactorForm,
    UnitDecisionForm,
    UnitRegistrationForm,
)
from masterstudio.accounts.models import DutyGrant, Role, User
from masterstudio.accounts.permissions import duty_required
from masterstudio.core.clientaddr import client_address
from masterstudio.core.events import events_for, record_event
from masterstudio.core.ratelimit import rate_limited
from masterstudio.core.transitions import TransitionError
from masterstudio.units.models import Unit, UnitStatus


def _until(moment) -> str:
    """'今天 14:35', or '11月25日 00:10' when the lock ends on another day (Asia/Shanghai)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"今天 {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _throttled(wait) -> str:
    return f"连续登录失败次数过多，该账号在您当前的网络地址已锁定至{_until(wait)}，请稍后再试（从其他地址登录不受影响）"


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        candidate = User.objects.filter(username__iexact=username).first()
        wait = services.sign_in_wait(username, client_address(request))
        if wait is not None:
            form.add_error(None, _throttled(wait))
            record_event(
                "auth.login_throttled", obj=candidate, data={"username": username[:150]}, ip=client_address(request)
            )
        elif candidate is not None and candidate.is_locked():
            form.add_error(
                None, f"连续登录失败次数过多，账号已锁定至{_until(candidate.locked_until)}，请稍后再试或联系系统管理员"
            )
            record_event("auth.login_locked", obj=candidate, ip=client_address(request))
        else:
            user = authenticate(
                request, username=candidate.username if candidate else username, password=form.cleaned_data["password"]
            )
            if user is None:
                failed, wait = services.record_login_failure(username, client_address(request))
                if failed is not None and failed.is_locked():
                    form.add_error(None, f"连续登录失败次数过多，账号已锁定至{_until(failed.locked_until)}")
                elif wait is not None:
                    form.add_error(None, _throttled(wait))
                else:
                    form.add_error(None, "用户名或密码不正确（注意区分大小写）")
            elif services.initial_password_expired(user):
                form.add_error(
                    None,
                    f"初始密码已过期（发出后 {settings.INITIAL_PASSWORD_HOURS} 小时内有效），请联系系统管理员重新发送",
                )
            else:
                request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
                return _next_step(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _next_step(request, user, next_url: str = ""):
    """After the password: a password set by someone else is replaced first, then the second
    factor is enrolled (or its code asked for), then the holder is in."""
    if user.must_change_password:
        return redirect("accounts:login_password")
    if user.requires_second_factor:
        return redirect("accounts:login_verify" if user.totp_confirmed_at else "accounts:login_enrol")
    return _complete_login(request, user, next_url)


PENDING = "pending_login"
PENDING_SECONDS = 300


def _complete_login(request, user, next_url: str = ""):
    request.session.pop(PENDING, None)
    request.session.pop("enrol_secret", None)
    login(request, user, backend="masterstudio.accounts.backends.AccountBackend")
    request.session[REAUTH] = time.time()
    services.record_login_success(user, client_address(request))
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
    if user.must_change_password or not user.totp_confirmed_at:
        return _next_step(request, user, next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if user.is_locked():
            form.add_error(None, "连续验证失败次数过多，账号已锁定，请稍后再试")
        elif otp.verify_code(user, code) or otp.use_recovery_code(user, code):
            return _complete_login(request, user, next_url)
        elif services.sign_in_wait(user.username, client_address(request)) is not None:
            form.add_error(None, _throttled(services.sign_in_wait(user.username, client_address(request))))
        else:
            services.record_login_failure(user.username, client_address(request))
            form.add_error("code", "动态口令不正确或已使用过。请输入验证器中当前显示的 6 位数字，或一个恢复码")
    return render(request, "accounts/login_verify.html", {"form": form, "pending_user": user})


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_enrol(request):
    """First sign-in of a staff member: set up the authenticator app before entering."""
    user, next_url = _pending_user(request)
    if user is None or user.totp_confirmed_at:
        return redirect("accounts:login")
    if user.must_change_password:
        return redirect("accounts:login_password")
    secret = request.session.get("enrol_secret") or otp.new_secret()
    request.session["enrol_secret"] = secret
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.verify_code(user, form.cleaned_data["code"], secret=secret):
            codes = otp.confirm_enrolment(user, secret)
            record_event("auth.second_factor_enrolled", obj=user, actor=user, ip=client_address(request))
            _complete_login(request, user, next_url)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url or "/"})
        form.add_error("code", "验证码不正确。请确认手机时间准确，并输入验证器中当前显示的 6 位数字")
    return render(
        request,
        "accounts/login_enrol.html",
        {"form": form, "secret": secret, "uri": otp.provisioning_uri(user, secret), "pending_user": user},
    )


@rate_limited("login", limit="LOGIN_RATE_LIMIT", window=300)
def login_password(request):
    """First sign-in after an administrator set the password (new account, reset): the holder sets
    their own before anything else."""
    user, next_url = _pending_user(request)
    if user is None:
        messages.warning(request, "登录已超时，请重新输入用户名和密码")
        return redirect("accounts:login")
    if not user.must_change_password:
        return _next_step(request, user, next_url)
    form = FirstPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_own_password(user, form.cleaned_data["new_password1"], ip=client_address(request), first=True)
        request.session[PENDING] = {**request.session[PENDING], "at": time.time()}
        return _next_step(request, user, next_url)
    return render(request, "accounts/login_password.html", {"form": form, "pending_user": user})


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
            record_event("auth.reauthenticated", obj=user, actor=user, ip=client_address(request))
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("core:home")
        services.record_login_failure(user.username, client_address(request))
        form.add_error(None, "密码或动态口令不正确")
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_event("auth.logout", obj=request.user, actor=request.user, ip=client_address(request))
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
        user = request.user
        services.set_own_password(user, form.cleaned_data["new_password1"], ip=client_address(request))
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@rate_limited("register", limit="REGISTER_RATE_LIMIT", window=3600)
def register(request):
    form = UnitRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_unit(form.cleaned_data, client_address(request))
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
        try:
            user = services.create_account(form.cleaned_data, actor=request.user, ip=client_address(request))
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已创建账号 {user.username}：初始密码已发送到本人邮箱（系统管理员看不到），"
                "本人首次登录须设置新密码并绑定动态口令"
                + ("；业务职责待另一位业务人员或安全审计员确认后生效" if user.duty_grants.exists() else ""),
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/user_create.html", {"form": form})


@duty_required("sysadmin")
@require_POST
def user_toggle(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.set_active(user, not user.is_active, actor=request.user, ip=client_address(request))
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
    return render(
        request, "accounts/unit_registrations.html", {"page": page, "status": status, "statuses": UnitStatus.choices}
    )


@duty_required("reviewer", "approver")
def unit_registration_detail(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    form = UnitDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_unit(
                unit,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                ip=client_address(request),
            )
            messages.success(request, f"已审核：{unit.name}")
            return redirect("accounts:unit_registrations")
        except services.AccountError as exc:
            form.add_error(None, str(exc))
    return render(
        request, "accounts/unit_registration_detail.html", {"unit": unit, "form": form, "events": events_for(unit)}
    )


@duty_required("sysadmin")
@require_POST
def user_reset(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.reset_password(user, actor=request.user, ip=client_address(request))
        messages.success(
            request,
            f"已重置 {user.username} 的密码：新的初始密码已发送到本人邮箱，本人登录时须设置新密码并重新绑定动态口令",
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:user_list")


@duty_required("sysadmin")
def duty_request(request, pk: int):
    """The system administrator asks for business duties for a staff account."""
    user = get_object_or_404(User, pk=pk, role=Role.STAFF)
    form = DutyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_duties(user, form.cleaned_data["duties"], actor=request.user, ip=client_address(request))
        except services.AccountError as exc:
            form.add_error("duties", str(exc))
        else:
            messages.success(request, f"已申请为 {user.username} 授予职责，待另一位业务人员或安全审计员确认")
            return redirect("accounts:user_list")
    return render(request, "accounts/duty_request.html", {"form": form, "account": user})


@duty_required("reviewer", "approver", "finance", "auditor")
def duty_grants(request):
    """Duty requests waiting for a second person, and the ones decided."""
    grants = DutyGrant.objects.select_related("user", "requested_by", "decided_by")
    page = Paginator(grants, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/duty_grants.html", {"page": page, "form": DutyDecisionForm()})


@duty_required("reviewer", "approver", "finance", "auditor")
@require_POST
def duty_grant_decide(request, pk: int):
    grant = get_object_or_404(DutyGrant, pk=pk)
    form = DutyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("accounts:duty_grants")
    try:
        services.decide_duty_grant(
            grant,
            approve=form.cleaned_data["decision"] == "approve",
            actor=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_address(request),
        )
        messages.success(request, f"已处理 {grant.user.username} 的职责申请")
    except (services.AccountError, TransitionError) as exc:
        messages.error(request, str(exc))
    return redirect("accounts:duty_grants")
