"""Form and model validators for identifiers, in Chinese, built on the policy engine's rules
(GB 11643-1999 for 居民身份证号, GB 32100-2015 for 统一社会信用代码)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from masterstudio.core import identifiers as policy_identity

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_credit_code(value: str) -> None:
    valid, reason = policy_identity.check_credit_code((value or "").strip().upper())
    if not valid:
        raise ValidationError(f"统一社会信用代码有误：{reason}。请对照营业执照核对 18 位代码", code="credit_code")


def validate_id_number(value: str) -> None:
    valid, reason = policy_identity.check_id_number((value or "").strip().upper())
    if not valid:
        raise ValidationError(f"身份证号有误：{reason}。请对照身份证核对 18 位号码", code="id_number")


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value.strip()):
        raise ValidationError("手机号应为 11 位数字（如 13800138000），座机请写作 010-12345678", code="phone")
