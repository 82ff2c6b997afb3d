import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """A password must mix at least three of: lower case, upper case, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError("密码须至少包含小写字母、大写字母、数字、符号中的三类", code="password_classes")

    def get_help_text(self) -> str:
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"


class MinimumLengthValidator:
    """At least ``min_length`` characters. Django's own message for this rule has no Chinese
    translation in Django 5.2, so the platform says it itself (found by the property tests of the
    forms, tests/security/test_bad_input.py)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短：至少需要 {self.min_length} 个字符，当前只有 {len(password)} 个",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


_LOOKALIKE = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "0": "o",
        "1": "i",
        "!": "i",
        "|": "i",
        "3": "e",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
        "6": "g",
    }
)
_DATA = Path(__file__).with_name("data") / "common-passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list (accounts/data/common-passwords.txt) and Django's 20,000 common passwords."""
    from django.contrib.auth.password_validation import CommonPasswordValidator

    shipped = {
        line.strip().lower()
        for line in _DATA.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    return frozenset(shipped | set(CommonPasswordValidator().passwords))


def pattern_bases(password: str) -> set[str]:
    """What a password is made of once the usual disguises are taken off: lower case, the digits
    and symbols before and after the letters dropped, look-alike symbols read as letters
    (``P@ssw0rd123`` → ``password``; ``Admin@2026`` → ``admin``)."""
    lowered = password.lower()
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    bases = {lowered, core}
    for text in (lowered, core):
        plain = text.translate(_LOOKALIKE)
        bases |= {plain, plain.replace("i", "l"), re.sub(r"^[^a-z]+|[^a-z]+$", "", plain)}
    return {b for b in bases if b}


class CommonPatternValidator:
    """Refuses the most common passwords and the patterns built on them: a common word with
    look-alike symbols (@ for a, 0 for o, 1 for i, $ for s …) and digits or symbols around it."""

    def validate(self, password: str, user=None) -> None:
        common = common_passwords()
        for base in pattern_bases(password):
            if len(base) >= 3 and base in common:
                raise ValidationError(
                    f"密码过于常见：去掉首尾的数字符号、把形似字母的符号还原后是常见密码“{base}”，容易被猜中，请换一个",
                    code="password_common_pattern",
                )

    def get_help_text(self) -> str:
        return "不能是常见密码，也不能是常见密码换几个形似符号、加上数字（如 P@ssw0rd123）。"


class PasswordHistoryValidator:
    """None of the holder's last ``PASSWORD_HISTORY`` passwords (the current one included) may be used again."""

    def validate(self, password: str, user=None) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        if user is None or not getattr(user, "pk", None):
            return
        used = [user.password, *(getattr(user, "password_history", None) or [])][: settings.PASSWORD_HISTORY]
        if any(encoded and check_password(password, encoded) for encoded in used):
            raise ValidationError(
                f"不能使用最近 {settings.PASSWORD_HISTORY} 次用过的密码（含当前密码），请换一个", code="password_reused"
            )

    def get_help_text(self) -> str:
        return "不能与最近用过的密码相同。"
