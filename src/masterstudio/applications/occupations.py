"""The wizard's door to the occupation catalogue (《职业分类大典（2022年版）》 and the new
occupations since, as loaded by the policy engine, plus staff-added entries): look up a code, search by name or code."""

from __future__ import annotations

from masterstudio.catalog import engine


def catalogue():
    """The engine's catalogue with the occupations staff added (catalog app)."""
    return engine.catalogue()


def lookup(code: str) -> dict | None:
    """``{"code", "name", "major_group"}`` of an occupation (细类), or None."""
    entry = catalogue().get(code.strip())
    if entry is None or not entry.is_occupation:
        return None
    return {"code": entry.code, "name": entry.name, "major_group": entry.major_group}


def to_confirm(code: str) -> bool:
    """A code the catalogue lacks but that may be a 大典 occupation: staff confirm it (issue 17)."""
    return catalogue().to_confirm(code.strip())


def search(term: str, limit: int = 20) -> list[dict]:
    return [
        {"code": e.code, "name": e.name, "major_group": e.major_group}
        for e in catalogue().search(term or "", limit=limit)
    ]
