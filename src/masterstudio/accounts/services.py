"""Writes for accounts: sign-in bookkeeping, unit registration and approval, account creation."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masterstudio.accounts.models import Role, User
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.units.models import Unit, UnitStatus


class AccountError(Exception):
    pass


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_login_failure(username: str, request) -> User | None:
    """Count a failed sign-in; lock the account after LOGIN_FAILURE_LIMIT failures."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        data = {"username": username[:150]}
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
                user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                user.failed_logins = 0
                data["locked_until"] = user.locked_until.isoformat()
            user.save(update_fields=["failed_logins", "locked_until"])
        record_event("auth.login_failed", obj=user, data=data, ip=client_ip(request))
    return user


def record_login_success(user: User, request) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record_event("auth.login", obj=user, actor=user, ip=client_ip(request))


@transaction.atomic
def register_unit(data: dict, request=None) -> User:
    unit = Unit.objects.create(
        name=data["unit_name"].strip(),
        credit_code=data["credit_code"],
        kind=data["kind"],
        address=data["address"].strip(),
        in_etown=data["in_etown"],
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
    )
    user = User.objects.create_user(
        username=data["username"],
        password=data["password1"],
        email=data.get("email") or "",
        role=Role.UNIT,
        display_name=unit.name,
        unit=unit,
        phone=data["contact_phone"].strip(),
        password_changed_at=timezone.now(),
    )
    record_event("unit.registered", obj=unit, actor=user, to_state=UnitStatus.PENDING, ip=client_ip(request),
                 data={"privacy_consent": True})
    reviewers = [u for u in User.objects.filter(role=Role.STAFF, is_active=True) if u.has_duty("reviewer")]
    notify(reviewers, "unit_registered", {"unit": unit}, url=f"/accounts/manage/units/{unit.pk}/")
    return user


@transaction.atomic
def decide_unit(unit: Unit, *, decision: str, reason: str, actor: User, request=None) -> Unit:
    if decision not in (UnitStatus.APPROVED, UnitStatus.REJECTED):
        raise AccountError("审核结果只能是通过或不通过")
    changed = Unit.objects.filter(pk=unit.pk, status=UnitStatus.PENDING).update(
        status=decision, status_reason=reason, approved_at=timezone.now(), approved_by=actor
    )
    if not changed:
        raise AccountError("该单位注册已被审核（状态已变化），请刷新页面")
    unit.refresh_from_db()
    record_event("unit." + decision, obj=unit, actor=actor, from_state=UnitStatus.PENDING,
                 to_state=decision, reason=reason, clause="4.1", ip=client_ip(request))
    notify(unit.accounts.all(), "unit_decided", {"unit": unit}, url="/unit/")
    return unit


@transaction.atomic
def create_account(data: dict, *, actor: User, request=None) -> User:
    user = User.objects.create_user(
        username=data["username"],
        password=data["password"],
        email=data.get("email") or "",
        role=data["role"],
        duties=sorted(data.get("duties") or []),
        display_name=data["display_name"].strip(),
        organisation=(data.get("organisation") or "").strip(),
        phone=(data.get("phone") or "").strip(),
    )
    record_event("account.created", obj=user, actor=actor, ip=client_ip(request),
                 data={"role": user.role, "duties": user.duties})
    return user


@transaction.atomic
def set_active(user: User, active: bool, *, actor: User, request=None) -> None:
    if user.pk == actor.pk:
        raise AccountError("不能停用自己的账号")
    User.objects.filter(pk=user.pk).update(is_active=active)
    record_event("account.activated" if active else "account.deactivated", obj=user, actor=actor,
                 ip=client_ip(request))
