"""Accounts and roles.

Roles (one per account): applicant unit (申报单位), studio leader (领办人), bureau staff
(社会事业局工作人员, with finer duties), expert (评审专家), third-party evaluator (第三方评估机构).
The public needs no account.

Staff duties follow separation of duties (三员分立): the system administrator manages accounts
but holds no business duty; the audit administrator only reads the audit trail.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from masterstudio.core.crypto import EncryptedTextField, mask_phone
from masterstudio.core.roles import Role  # defined on the core floor so core and units compare roles through it
from masterstudio.core.transitions import StateGuarded


class Duty(models.TextChoices):
    REVIEWER = "reviewer", "业务审核"
    APPROVER = "approver", "审批"
    FINANCE = "finance", "财务"
    SYSADMIN = "sysadmin", "系统管理员"
    AUDITOR = "auditor", "安全审计员"


BUSINESS_DUTIES = {Duty.REVIEWER, Duty.APPROVER, Duty.FINANCE}
SEPARATED_DUTIES = {Duty.SYSADMIN, Duty.AUDITOR}
SECOND_FACTOR_ROLES = {Role.STAFF, Role.EXPERT, Role.EVALUATOR}


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    duties = models.JSONField("职责", default=list, blank=True)
    display_name = models.CharField("姓名或名称", max_length=100)
    phone = EncryptedTextField("手机号", blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    person = models.OneToOneField(
        "units.Person",
        verbose_name="对应人员（领办人）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    organisation = models.CharField("工作单位或机构", max_length=200, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # A password set by someone else (an administrator's new account or reset, a command) must be
    # replaced by the holder at the next sign-in, before anything else (issue 21.1, 21.8).
    must_change_password = models.BooleanField("须修改密码", default=False)
    # Hashes of the holder's last PASSWORD_HISTORY passwords, newest first: none may be used again.
    password_history = models.JSONField("历史密码（哈希）", default=list, blank=True)
    # Second factor (TOTP, RFC 6238) — required for bureau staff; recovery codes stored hashed.
    totp_secret = EncryptedTextField("动态口令密钥", blank=True)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True)
    totp_last_step = models.PositiveBigIntegerField(default=0)
    recovery_codes = models.JSONField("恢复码（哈希）", default=list, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=models.Q(role__in=[r.value for r in Role]),
            ),
            models.CheckConstraint(
                name="unit_account_has_unit",
                condition=~models.Q(role__in=["unit", "leader"]) | models.Q(unit__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    @property
    def display_label(self) -> str:
        """The name with the role once: a name that already ends with its role (e.g. "张师傅（领办人）")
        is not given it a second time."""
        role = f"（{self.get_role_display()}）"
        return self.display_name if self.display_name.endswith(role) else f"{self.display_name}{role}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @classmethod
    def unit_recipients(cls, unit_ids):
        """The active accounts of the units ``unit_ids`` that a notice to a unit goes to (its unit
        and leader accounts), as a query."""
        return cls.objects.filter(unit_id__in=list(unit_ids), role__in=[Role.UNIT, Role.LEADER], is_active=True)

    @classmethod
    def unit_recipients_by_unit(cls, unit_ids) -> dict[int, list]:
        """:meth:`unit_recipients`, read with one query and grouped by unit id."""
        accounts: dict[int, list] = {}
        for user in cls.unit_recipients(unit_ids):
            accounts.setdefault(user.unit_id, []).append(user)
        return accounts

    @classmethod
    def staff_with(cls, *duties: str) -> list:
        """Active staff holding any of ``duties`` (the people a staff notice goes to), read without
        the columns a notice does not need (the password hash and the encrypted phone number and
        authenticator secret, which would each be decrypted)."""
        return [
            user
            for user in cls.objects.filter(role=Role.STAFF, is_active=True).defer("password", "phone", "totp_secret")
            if any(user.has_duty(duty) for duty in duties)
        ]

    def set_password(self, raw_password):
        """Keep the password being replaced among the last ``PASSWORD_HISTORY`` (refused again by
        validators.PasswordHistoryValidator). A password set here counts as the holder's own: who
        sets one for someone else (accounts.services.issue_initial_password) marks it afterwards."""
        from django.conf import settings

        if self.password and self.has_usable_password():
            kept = max(settings.PASSWORD_HISTORY - 1, 0)
            self.password_history = [self.password, *(self.password_history or [])][:kept]
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.must_change_password = False

    def has_duty(self, duty: str) -> bool:
        return self.role == Role.STAFF and self.is_active and duty in (self.duties or [])

    @property
    def duty_labels(self) -> list[str]:
        return [Duty(d).label for d in self.duties or [] if d in Duty.values]

    @property
    def is_bureau(self) -> bool:
        return self.role == Role.STAFF

    @property
    def requires_second_factor(self) -> bool:
        """Bureau staff (all duties, administrators included), experts and evaluators (who read
        applicants' materials and personal data) sign in with a second factor."""
        return self.role in SECOND_FACTOR_ROLES

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class GrantState(models.TextChoices):
    PENDING = "pending", "待确认"
    APPROVED = "approved", "已确认"
    REFUSED = "refused", "已拒绝"


class DutyGrant(StateGuarded, models.Model):
    """A business duty (审核, 审批, 财务) asked for by the system administrator, held by the account
    only once a second person with a business duty or the auditor has confirmed it (三员分立)."""

    user = models.ForeignKey(User, verbose_name="账号", on_delete=models.CASCADE, related_name="duty_grants")
    duties = models.JSONField("申请的职责", default=list)
    state = models.CharField("状态", max_length=16, choices=GrantState.choices, default=GrantState.PENDING)
    requested_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        User, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    reason = models.CharField("意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "职责授予"
        verbose_name_plural = "职责授予"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="dutygrant_state_valid", condition=models.Q(state__in=[s.value for s in GrantState])
            ),
            models.CheckConstraint(
                name="dutygrant_second_person", condition=~models.Q(decided_by=models.F("requested_by"))
            ),
        ]

    @property
    def duty_labels(self) -> list[str]:
        return [Duty(d).label for d in self.duties if d in Duty.values]


class SignInThrottle(models.Model):
    """Failed sign-ins of one account name from one address (issue 21.7). After
    ``LOGIN_FAILURE_LIMIT`` failures that pair waits, the wait doubling with each further failure
    (from ``LOGIN_BACKOFF_SECONDS`` up to ``LOGIN_LOCKOUT_MINUTES``); other addresses are not
    slowed, so one attacker cannot lock the holder out. The failures of one address over all
    accounts are summed from these rows for the per-address limit."""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="signinthrottle_pair")]
        indexes = [models.Index(fields=["address", "last_failure_at"], name="signinthrottle_address")]
