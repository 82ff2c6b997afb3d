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
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、符号中的三类", code="password_classes"
            )

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
                code="password_too_short", params={"min_length": self.min_length})

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"
