"""What every part of the assessment's services shares: the error, the recipients, the number
and deadline checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from masterstudio.accounts.models import User
from masterstudio.policytools.versions import expiry_warning

HUNDRED = Decimal("100")
TWO = Decimal("0.01")


class AssessmentError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def unit_users(studio):
    return unit_users_of([studio.unit_id])


def unit_users_of(unit_ids):
    return User.unit_recipients(unit_ids)


def staff_with(*duties):
    return User.staff_with(*duties)


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AssessmentError(f"{label}应为数字", field=field) from None
    if not number.is_finite():
        raise AssessmentError(f"{label}应为数字", field=field)
    return number


def measures_valid_until() -> date:
    """The last day of the last policy version (shown beside the rectification deadline)."""
    from masterstudio.catalog.engine import versions  # inside: the engine loads the policy files on first use

    return versions().last_valid_until


def deadline_warning(deadline) -> str:
    """A warning for a rectification deadline outside every policy version (Art. 20: the
    re-assessment and any revocation would fall after the Measures that required them); "" when
    there is nothing to say. The one rule is ``policytools.versions.expiry_warning``."""
    return expiry_warning(deadline, "整改期限") if deadline is not None else ""
