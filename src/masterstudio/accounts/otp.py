"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits) with one-time recovery codes.

A code is accepted once: the last accepted time step is stored, so a replayed code fails.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
from django.db import transaction
from django.utils import timezone

from masterstudio.accounts.models import User

ISSUER = "经开区技能大师工作室管理平台"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def verify_code(user: User, code: str, *, secret: str | None = None) -> bool:
    """Check a 6-digit code against the user's secret (or a secret being enrolled)."""
    code = (code or "").strip().replace(" ", "")
    secret = secret or user.totp_secret
    if not secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // 30
    for step in (now_step - 1, now_step, now_step + 1):  # one step of clock drift either side
        if secrets.compare_digest(totp.at(step * 30), code):
            with transaction.atomic():
                claimed = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
            return bool(claimed)
    return False


def use_recovery_code(user: User, code: str) -> bool:
    digest = _hash(code)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if digest not in locked.recovery_codes:
            return False
        locked.recovery_codes = [c for c in locked.recovery_codes if c != digest]
        locked.save(update_fields=["recovery_codes"])
    user.recovery_codes = locked.recovery_codes
    return True


def confirm_enrolment(user: User, secret: str) -> list[str]:
    """Store the secret and return fresh recovery codes (shown to the user once)."""
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}".upper()
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.recovery_codes = [_hash(c) for c in codes]
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "recovery_codes"])
    return codes
