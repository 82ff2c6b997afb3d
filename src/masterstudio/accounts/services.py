"""Writes for accounts: sign-in bookkeeping, unit registration and approval, account creation."""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from masterstudio.accounts.models import (
    BUSINESS_DUTIES,
    SEPARATED_DUTIES,
    Duty,
    DutyGrant,
    GrantState,
    Role,
    SignInThrottle,
    User,
)
from masterstudio.accounts.states import DUTY_GRANT_MACHINE
from masterstudio.core.events import record_event
from masterstudio.core.notify import notify
from masterstudio.core.transitions import ConcurrentTransition
from masterstudio.units.models import Unit, UnitStatus
from masterstudio.units.states import UNIT_MACHINE


class AccountError(Exception):
    pass


def _throttle_key(username: str, ip: str | None) -> tuple[str, str]:
    return (username or "").strip().lower()[:150], (ip or "unknown")[:64]


def sign_in_wait(username: str, ip: str | None, now=None):
    """Until when sign-in as ``username`` from the address ``ip`` must wait (None: it may go
    on): the account+address back-off, or the address's failures over all accounts."""
    now = now or timezone.now()
    name, address = _throttle_key(username, ip)
    waits = []
    row = SignInThrottle.objects.filter(username=name, address=address).first()
    if row is not None and row.blocked_until and row.blocked_until > now:
        waits.append(row.blocked_until)
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = SignInThrottle.objects.filter(address=address, last_failure_at__gte=now - window).aggregate(
        failures=Sum("failures"), last=Max("last_failure_at")
    )
    if (recent["failures"] or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        waits.append(recent["last"] + window)
    return max(waits) if waits else None


def record_login_failure(username: str, ip: str | None) -> tuple[User | None, object]:
    """Count a failed sign-in (password or second factor) of ``username`` from this address.

    After LOGIN_FAILURE_LIMIT failures the pair account+address waits LOGIN_BACKOFF_SECONDS, the
    wait doubling with each further failure up to LOGIN_LOCKOUT_MINUTES; other addresses sign in
    as before. The account itself is locked only when LOGIN_ACCOUNT_FAILURE_LIMIT failures from
    anywhere fall within LOGIN_LOCKOUT_MINUTES, which one address's back-off cannot reach. The
    holder is told when a back-off starts and when the account is locked. Returns the account (or
    None) and until when this address waits (or None)."""
    now = timezone.now()
    name, address = _throttle_key(username, ip)
    with transaction.atomic():
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(username=name, address=address)
        row.failures += 1
        row.last_failure_at = now
        limit = settings.LOGIN_FAILURE_LIMIT
        if row.failures >= limit:
            seconds = min(
                settings.LOGIN_BACKOFF_SECONDS * 2 ** min(row.failures - limit, 20), settings.LOGIN_LOCKOUT_MINUTES * 60
            )
            row.blocked_until = now + timedelta(seconds=seconds)
        row.save()
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        data = {"username": username[:150]}
        if row.blocked_until and row.failures >= limit:
            data["address_blocked_until"] = row.blocked_until.isoformat()
        if user is not None:
            user.failed_logins = min(user.failed_logins + 1, 32767)
            window = now - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            recent = (
                SignInThrottle.objects.filter(username=name, last_failure_at__gte=window).aggregate(n=Sum("failures"))[
                    "n"
                ]
                or 0
            )
            if recent >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT and not user.is_locked(now):
                user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                data["locked_until"] = user.locked_until.isoformat()
                notify([user], "account_locked", {"until": timezone.localtime(user.locked_until), "count": recent})
            elif row.failures == limit:
                notify(
                    [user],
                    "sign_in_backoff",
                    {"address": address, "count": row.failures, "until": timezone.localtime(row.blocked_until)},
                )
            user.save(update_fields=["failed_logins", "locked_until"])
        record_event("auth.login_failed", obj=user, data=data, ip=ip)
    return user, (row.blocked_until if row.failures >= limit else None)


def record_login_success(user: User, ip: str | None) -> None:
    name, address = _throttle_key(user.username, ip)
    SignInThrottle.objects.filter(username=name, address=address).delete()
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record_event("auth.login", obj=user, actor=user, ip=ip)


@transaction.atomic
def register_unit(data: dict, ip: str | None = None) -> User:
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
    record_event(
        "unit.registered",
        obj=unit,
        actor=user,
        to_state=UnitStatus.PENDING,
        ip=ip,
        data={"privacy_consent": True},
    )
    reviewers = [u for u in User.objects.filter(role=Role.STAFF, is_active=True) if u.has_duty("reviewer")]
    notify(
        reviewers, "unit_registered", {"unit": unit}, url=reverse("accounts:unit_registration_detail", args=[unit.pk])
    )
    return user


@transaction.atomic
def decide_unit(unit: Unit, *, decision: str, reason: str, actor: User, ip: str | None = None) -> Unit:
    if decision not in (UnitStatus.APPROVED, UnitStatus.REJECTED):
        raise AccountError("审核结果只能是通过或不通过")
    unit.refresh_from_db()
    if unit.status != UnitStatus.PENDING:
        raise AccountError("该单位注册已被审核（状态已变化），请刷新页面")
    try:
        UNIT_MACHINE.apply(
            unit,
            decision,
            actor=actor,
            reason=reason,
            ip=ip,
            extra_fields={"status_reason": reason, "approved_at": timezone.now(), "approved_by": actor},
            then=[
                lambda unit, _event: notify(
                    User.unit_recipients([unit.pk]), "unit_decided", {"unit": unit}, url=reverse("units:dashboard")
                )
            ],
        )
    except ConcurrentTransition as exc:
        raise AccountError("该单位注册已被审核（状态已变化），请刷新页面") from exc
    return unit


def _initial_password() -> str:
    """A random password of four character classes (the holder replaces it at first sign-in)."""
    alphabet = string.ascii_letters + string.digits + "#%+=@"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(16))
        if all(
            any(c in group for c in raw)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "#%+=@")
        ):
            return raw


def issue_initial_password(user: User, *, actor: User | None, reason: str) -> None:
    """Give ``user`` a password nobody but the holder sees: random, e-mailed to the holder's own
    address and shown nowhere else; it works once, for INITIAL_PASSWORD_HOURS, and only to set a new
    password — then the holder enrols the second factor (the authenticator and recovery codes are
    cleared here), so whoever set the account up never holds a usable secret of it."""
    if not user.email:
        raise AccountError("该账号没有电子邮箱：初始密码只发送到本人邮箱，请先填写本人的电子邮箱")
    raw = _initial_password()
    user.set_password(raw)
    user.must_change_password = True
    user.totp_secret, user.totp_confirmed_at, user.recovery_codes, user.totp_last_step = "", None, [], 0
    user.save()
    expires = timezone.localtime(user.password_changed_at + timedelta(hours=settings.INITIAL_PASSWORD_HOURS))
    notify(
        [user],
        "account_password",
        {"password": raw, "expires": expires, "reason": reason},
        url=reverse("accounts:login"),
    )


def _business_reviewers() -> list[User]:
    return [
        u
        for u in User.objects.filter(role=Role.STAFF, is_active=True)
        if any(u.has_duty(d) for d in (*BUSINESS_DUTIES, Duty.AUDITOR))
    ]


def request_duties(user: User, duties, *, actor: User, ip: str | None = None) -> DutyGrant | None:
    """Ask for business duties (审核, 审批, 财务) for a staff account. They are held only once a second
    person with a business duty, or the auditor, confirms (:func:`decide_duty_grant`)."""
    duties = sorted(set(duties or []))
    if not duties:
        return None
    if any(d not in BUSINESS_DUTIES for d in duties):
        raise AccountError("只有业务审核、审批、财务职责需要申请确认")
    if user.role != Role.STAFF:
        raise AccountError("只有工作人员有职责")
    if user.pk == actor.pk:
        raise AccountError("不能为自己申请职责")
    if set(user.duties or []) & SEPARATED_DUTIES:
        raise AccountError("三员分立：系统管理员、安全审计员不得兼任其他职责")
    if DutyGrant.objects.filter(user=user, state=GrantState.PENDING).exists():
        raise AccountError("该账号已有待确认的职责申请，请等待确认后再申请")
    grant = DutyGrant.objects.create(user=user, duties=duties, requested_by=actor)
    record_event(
        "dutygrant.requested",
        obj=grant,
        actor=actor,
        to_state=GrantState.PENDING,
        ip=ip,
        data={"user": user.pk, "duties": duties},
    )
    notify(_business_reviewers(), "duty_requested", {"grant": grant}, url=reverse("accounts:duty_grants"))
    return grant


@transaction.atomic
def decide_duty_grant(
    grant: DutyGrant, *, approve: bool, actor: User, reason: str = "", ip: str | None = None
) -> DutyGrant:
    """The second person's decision on a duty request; an approval gives the account its duties."""
    user = User.objects.select_for_update().get(pk=grant.user_id)
    if approve and set(user.duties or []) & SEPARATED_DUTIES:
        raise AccountError("三员分立：系统管理员、安全审计员不得兼任其他职责")
    target = GrantState.APPROVED if approve else GrantState.REFUSED
    DUTY_GRANT_MACHINE.apply(
        grant,
        target,
        actor=actor,
        reason=reason,
        ip=ip,
        data={"user": user.pk, "duties": grant.duties},
        extra_fields={"decided_by": actor, "decided_at": timezone.now(), "reason": reason[:200]},
    )
    if approve:
        user.duties = sorted(set(user.duties or []) | set(grant.duties))
        user.save(update_fields=["duties"])
        record_event(
            "account.duties_changed",
            obj=user,
            actor=actor,
            ip=ip,
            data={"duties": user.duties, "grant": grant.pk},
        )
    return grant


@transaction.atomic
def create_account(data: dict, *, actor: User, ip: str | None = None) -> User:
    """An account for an expert, an evaluator or a staff member. Nobody types its password: a random
    one goes to the holder's e-mail (:func:`issue_initial_password`). Staff duties: the system
    administrator and auditor duties at once; business duties wait for a second person."""
    duties = set(data.get("duties") or [])
    user = User.objects.create_user(
        username=data["username"],
        password=None,
        email=(data.get("email") or "").strip(),
        role=data["role"],
        duties=sorted(duties & SEPARATED_DUTIES),
        display_name=data["display_name"].strip(),
        organisation=(data.get("organisation") or "").strip(),
        phone=(data.get("phone") or "").strip(),
    )
    record_event(
        "account.created",
        obj=user,
        actor=actor,
        ip=ip,
        data={"role": user.role, "duties": user.duties, "requested_duties": sorted(duties & BUSINESS_DUTIES)},
    )
    issue_initial_password(user, actor=actor, reason="新开账号")
    request_duties(user, duties & BUSINESS_DUTIES, actor=actor, ip=ip)
    return user


@transaction.atomic
def reset_password(user: User, *, actor: User, ip: str | None = None) -> None:
    """The administrator's reset: a new random password to the holder's e-mail, the second factor
    cleared; the holder sets a password and enrols again at the next sign-in."""
    if user.pk == actor.pk:
        raise AccountError("不能重置自己的密码，请在“我的账号”中修改密码")
    user = User.objects.select_for_update().get(pk=user.pk)
    issue_initial_password(user, actor=actor, reason="系统管理员重置了密码")
    record_event("account.password_reset", obj=user, actor=actor, ip=ip)


def set_own_password(user: User, raw_password: str, *, ip: str | None = None, first: bool = False) -> None:
    """The holder sets a password (validated by the caller's form): the one replaced joins the
    history, the must-change mark is cleared."""
    user.set_password(raw_password)
    user.save(update_fields=["password", "password_history", "password_changed_at", "must_change_password"])
    record_event("auth.password_set" if first else "auth.password_changed", obj=user, actor=user, ip=ip)


def initial_password_expired(user: User, now=None) -> bool:
    if not user.must_change_password or user.password_changed_at is None:
        return False
    return (now or timezone.now()) > user.password_changed_at + timedelta(hours=settings.INITIAL_PASSWORD_HOURS)


@transaction.atomic
def set_active(user: User, active: bool, *, actor: User, ip: str | None = None) -> None:
    if user.pk == actor.pk:
        raise AccountError("不能停用自己的账号")
    User.objects.filter(pk=user.pk).update(is_active=active)
    record_event("account.activated" if active else "account.deactivated", obj=user, actor=actor, ip=ip)
