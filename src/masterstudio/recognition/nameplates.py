"""The studio's title, name and nameplate number (Art. 10: 授予“经开区技能大师工作室”称号和铭牌)."""

from __future__ import annotations

from masterstudio.applications.models import Application
from masterstudio.core.locks import serialise
from masterstudio.studios.models import Studio

TITLE = "经开区技能大师工作室"


def nameplate_prefix(year: int) -> str:
    return f"经开技大〔{year}〕"


def nameplate(year: int, number: int) -> str:
    return f"{nameplate_prefix(year)}{number:03d}号"


def next_number(year: int) -> int:
    """The number after the year's last nameplate (1 for the year's first)."""
    prefix = nameplate_prefix(year)
    last = (
        Studio.objects.filter(nameplate_no__startswith=prefix)
        .order_by("-nameplate_no")
        .values_list("nameplate_no", flat=True)
        .first()
    )
    return int(last[len(prefix) :].rstrip("号")) + 1 if last else 1


def hold_nameplates(year: int) -> None:
    """Recognitions number their nameplates one after another within a year (PostgreSQL: a named
    lock until the commit; SQLite writes one at a time anyway)."""
    serialise(f"nameplate:{year}")


def studio_name(application: Application) -> str:
    return f"{application.leader.name}{application.occupation_name}技能大师工作室"
