"""Factories for tests: real objects through the real models, valid identifiers."""

from __future__ import annotations

from django.utils import timezone

from masterstudio.accounts.models import User
from masterstudio.core import transitions
from masterstudio.units.models import Person, Unit

PASSWORD = "Test@2026pass"

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(birth: str, *, male: bool = True, area: str = "110105", seq: int = 1) -> str:
    """A valid 居民身份证号 for a birth date 'YYYY-MM-DD' (check digit by ISO 7064 MOD 11-2)."""
    order = seq * 2 + (1 if male else 0)
    if order % 2 != (1 if male else 0):
        order += 1
    body = f"{area}{birth.replace('-', '')}{order:03d}"[:17]
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=False))
    return body + "10X98765432"[total % 11]


def make_unit(name: str, credit_code: str, **extra) -> Unit:
    defaults = dict(
        kind="enterprise",
        address="北京经济技术开发区",
        in_etown=True,
        contact_name="联系人",
        contact_phone="13800138000",
        status="approved",
        approved_at=timezone.now(),
    )
    defaults.update(extra)
    with transitions.seed("test fixture: a unit whose registration the bureau has already decided"):
        return Unit.objects.create(name=name, credit_code=credit_code, **defaults)


def make_user(username: str, role: str, *, unit=None, duties=None, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        unit=unit,
        duties=duties or [],
        display_name=extra.pop("display_name", username),
        **extra,
    )


def make_person(unit: Unit, name: str = "张三", birth: str = "1975-03-08", male: bool = True, **extra) -> Person:
    seq = extra.pop("seq", Person.objects.count() + 1)
    if not male:
        extra.setdefault("original_retirement_age", 55)
    return Person.objects.create(unit=unit, name=name, id_number=id_number(birth, male=male, seq=seq), **extra)
