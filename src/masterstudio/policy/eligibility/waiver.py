"""The waiver of 直接认定 (Art. 5, interpretation 2): which parts of 5.1–5.3 it reaches, and how a
waivable check is assembled from its parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clauses import label as clause_label
from .common import FAIL, PASS, WAIVED, _check, _combine

# -- Art. 5: leader, occupation listed in the 大典 -------------------------------------------------
# The parts of Art. 5(二)(三) that the waiver of 直接认定 can reach (interpretation 2): each clause
# is two tests, so that a reading can waive one without the other.
WAIVABLE = {"5.1": ("5.1",), "5.2": ("5.2.occupation", "5.2.level"), "5.3": ("5.3.employment", "5.3.retirement")}
PART_LABELS = {
    "5.1": "长期在生产服务一线岗位工作",
    "5.2.occupation": "从事大典内技能类职业（工种）",
    "5.2.level": "具有技师及以上国家职业资格或技能等级证书",
    "5.3.employment": "在职在聘",
    "5.3.retirement": "距法定退休年龄2年以上（含2年）",
}


def waived_parts(waives) -> tuple[str, ...]:
    """The parameter ``direct_recognition_waives`` expanded to parts (``5.2`` = both of its parts)."""
    parts: list[str] = []
    for item in waives:
        for part in WAIVABLE.get(item, (item,)):
            if part not in parts:
                parts.append(part)
    return tuple(parts)


def _part(test: str, result: str, sentence: str, missing: list[str] | None = None) -> dict:
    return {"test": test, "result": result, "message": sentence, "missing_facts": list(missing or [])}


def _assemble(
    clause: str,
    parts: list[dict],
    facts: dict,
    interpretations: tuple[str, ...],
    requirement: str,
    waiver: Waiver | None = None,
) -> dict:
    """One check of ``clause`` from its ``parts``; parts the waiver reaches are ``waived`` (their own
    outcome kept in the message as the waiver's consequence) and do not count."""
    where = clause_label(clause)
    counted, waived = [], []
    for part in parts:
        name = part["test"] if part["test"].startswith(clause) else f"{clause}.{part['test']}"
        if waiver is not None and name in waiver.parts:
            waived.append(part)
        else:
            counted.append(part)
    results = [p["result"] for p in counted]
    missing = [path for p in counted for path in p["missing_facts"]]
    sentences = [p["message"] for p in counted]
    if waived:
        interpretations = tuple(dict.fromkeys(interpretations + ("direct_recognition_waives",)))
        consequence = []
        for part in waived:
            if part["result"] == PASS:
                consequence.append(f"{part['message']}（本来也符合）")
            else:
                outcome = "不符合" if part["result"] == FAIL else "待定"
                consequence.append(f"{part['message']}——若不免除，本项为“{outcome}”")
        label = "、".join(
            PART_LABELS.get(f"{clause}.{p['test']}", PART_LABELS.get(p["test"], p["test"])) for p in waived
        )
        waived_text = (
            f"领办人符合{clause_label(waiver.clause)}，可直接认定；按解释口径2，直接认定免除{where}中"
            f"“{label}”的要求（免于适用）。免除的后果：{'；'.join(consequence)}"
        )
        facts = {**facts, "direct_recognition": waiver.clause, "waived_tests": [p["test"] for p in waived]}
        if not counted:  # the readings behind the waived tests did not decide anything
            check = _check(clause, WAIVED, waived_text, facts, interpretations=("direct_recognition_waives",))
            check["parts"] = [{**p, "result": WAIVED, "would_be": p["result"]} for p in parts]
            return check
        sentences.append(waived_text)
    result = _combine(results)
    if result == PASS:
        suffix = f"（{where}）"
    elif result == FAIL:
        suffix = ""
    else:
        suffix = f"；{where}要求{requirement}"
    check = _check(clause, result, "；".join(sentences) + suffix, facts, missing, interpretations)
    check["parts"] = [{**p, "result": WAIVED, "would_be": p["result"]} if p in waived else p for p in parts]
    return check


@dataclass(frozen=True, slots=True)
class Waiver:
    """直接认定 in force for this application: the clause that grants it and the parts it waives."""

    clause: str
    parts: tuple[str, ...]
