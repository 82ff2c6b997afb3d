"""What every eligibility check shares: the results (pass, fail, unknown, waived) and the helpers that
build a check's answer.
"""

from __future__ import annotations

from decimal import Decimal

from ..clauses import label as clause_label

PASS, FAIL, UNKNOWN, WAIVED = "pass", "fail", "unknown", "waived"


# -- small helpers -------------------------------------------------------------------------------
def _check(
    clause: str,
    result: str,
    message: str,
    facts: dict,
    missing: list[str] | None = None,
    interpretations: tuple[str, ...] = (),
) -> dict:
    return {
        "clause": clause,
        "result": result,
        "message": message,
        "facts": facts,
        "missing_facts": missing or [],
        "interpretations": list(interpretations),
    }


def _combine(results: list[str]) -> str:
    if FAIL in results:
        return FAIL
    if UNKNOWN in results:
        return UNKNOWN
    return PASS


def _years_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _declared(clause: str, items: list[tuple[str, bool | None, str]], requirement: str) -> dict:
    """A check over declared yes/no facts: ``items`` = (dotted path, value, what it means)."""
    fails = [what for _, value, what in items if value is False]
    unknown = [(path, what) for path, value, what in items if value is None]
    facts = {path.split(".", 1)[1]: value for path, value, _ in items}
    where = clause_label(clause)
    if fails:
        return _check(
            clause,
            FAIL,
            f"单位未具备：{'；'.join(fails)}，不符合{where}（{requirement}）；请先建立或完善后再申报",
            facts,
        )
    if unknown:
        missing = [path for path, _ in unknown]
        return _check(
            clause,
            UNKNOWN,
            f"尚未填写单位是否具备：{'；'.join(what for _, what in unknown)}（{'、'.join(missing)}）；"
            f"{where}要求{requirement}",
            facts,
            missing,
        )
    return _check(clause, PASS, f"单位具备：{'；'.join(what for _, _, what in items)}（{where}）", facts)


def _same_person(id_a: str | None, name_a: str | None, id_b: str | None, name_b: str | None) -> bool | None:
    """Identity rule of the contract: ID numbers when both sides have one, else names."""
    if id_a and id_b:
        return id_a == id_b
    if name_a and name_b:
        return name_a == name_b
    return None


def _norm_branch(branch: str | None) -> str | None:
    return "".join(branch.split()).casefold() if branch else None
