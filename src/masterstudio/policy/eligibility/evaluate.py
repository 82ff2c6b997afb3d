"""The whole evaluation: every check in the contract's order, the waiver applied, the outcome; with
Art. 20 (validity) and Art. 9 (the materials of each route).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..clauses import label as clause_label
from ..clauses import measures
from ..errors import PolicyInputError
from ..occupations import Catalogue, load_catalogue
from ..params import ParameterSet, resolve
from ..registry import rule
from .art4 import check_4_1, check_4_2, check_4_3, check_4_4, check_4_5
from .art5_6 import (
    check_5_1,
    check_5_2,
    check_6_1,
    check_6_2,
    check_employment_and_retirement,
    direct_recognition_checks,
)
from .art7 import check_7_1, check_unit_scope
from .common import FAIL, PASS, UNKNOWN, _check
from .parsing import Application, parse_application
from .waiver import Waiver, waived_parts


# -- Art. 20: validity -----------------------------------------------------------------------------
@rule("20")
def check_20(app: Application, params: ParameterSet) -> dict:
    """第二十条 本办法自印发之日起试行，有效期截止2027年1月10日……"""
    until = params.valid_until
    facts = {"as_of": app.as_of.isoformat(), "valid_until": until.isoformat()}
    if app.as_of > until:
        return _check(
            "20",
            FAIL,
            f"申报截止日 {app.as_of.isoformat()} 晚于本办法有效期截止日 {until.isoformat()}（第二十条），"
            f"本版办法下不再认定工作室（解释口径10）；请待社会事业局加载新版政策参数后再评估",
            facts,
            interpretations=("validity_cutoff",),
        )
    return _check(
        "20",
        PASS,
        f"申报截止日 {app.as_of.isoformat()} 在本办法有效期内（截止 {until.isoformat()}，第二十条）",
        facts,
    )


# -- Art. 9: materials ------------------------------------------------------------------------------
@rule("9.1.1", "9.1.2", "9.1.3", "9.1.4", "9.2.1", "9.2.2", "9.2.3", "9.2.4")
def required_materials(route: str, direct_recognition: bool = False) -> list[dict]:
    """第九条 申报经开区技能大师工作室需提交以下材料：
    （一）领办人从事职业（工种）列入大典的：1.领办人国家职业资格或技能等级证书等证明材料；2.工作室各项
    配套制度；3.场所、设备等工作条件情况说明或照片；4.重点项目建设情况、获奖证书复印件、获得的国家专利
    或主要创新发明等材料。
    （二）未列入大典的：1.领办人职位职级情况、技艺水平或实操经验等证明材料；2–4 同上。
    """
    items = [{"clause": clause_id, "title": title} for clause_id, title in _materials(route)]
    if direct_recognition and route == "listed":
        items[0]["note"] = "直接认定的，同时提交荣誉称号证明材料"
    return items


@lru_cache(maxsize=2)
def _materials(route: str) -> tuple[tuple[str, str], ...]:
    prefix = "9.1." if route == "listed" else "9.2."
    return tuple((clause.id, clause.title) for clause in (measures().clause(f"{prefix}{n}") for n in range(1, 5)))


# -- the whole evaluation --------------------------------------------------------------------------
INTERPRETATION_ORDER = (
    "reference_date",
    "direct_recognition_waives",
    "direct_recognition_high_skill_level",
    "direct_recognition_other_honours",
    "unlisted_frontline_current",
    "practical_mastery_judgement",
    "public_notice_counting",
    "annual_summary_deadline",
    "funding_cycle_years",
    "award_frequency",
    "skill_type_major_groups",
    "studio_scope_key",
    "validity_cutoff",
)


def _waiver_could_rescue(check: dict, parts: tuple[str, ...]) -> bool:
    """Whether ``check`` fails or is unknown only in tests that 直接认定 would waive."""
    if check["result"] == PASS:
        return False
    clause = check["clause"]
    for part in check.get("parts", ()):
        name = part["test"] if part["test"].startswith(clause) else f"{clause}.{part['test']}"
        if part["result"] != PASS and name not in parts:
            return False
    return True


def _await_direct_recognition(check: dict, pending: dict) -> None:
    """A failing check that a direct recognition still to be judged would waive is ``unknown``."""
    if check["result"] == FAIL:
        check["result"] = UNKNOWN
    check["message"] += (
        f"；但领办人可能符合{clause_label(pending['clause'])}直接认定（待定），"
        f"认定后本项免于适用（解释口径2），"
        f"否则不符合"
    )
    check["missing_facts"] = list(dict.fromkeys(check["missing_facts"] + pending["missing_facts"]))
    check["interpretations"] = list(dict.fromkeys(check["interpretations"] + ["direct_recognition_waives"]))


def evaluate_application(app: Application, params: ParameterSet, catalogue: Catalogue) -> dict:
    checks = [
        check_4_1(app, params),
        check_4_2(app, params),
        check_4_3(app, params),
        check_4_4(app, params),
        check_4_5(app, params),
    ]
    direct = False
    notes = list(app.notes)
    if app.route == "listed":
        honours = direct_recognition_checks(app, params)
        granted = [c for c in honours if c["result"] == PASS]
        pending = [c for c in honours if c["result"] == UNKNOWN]
        parts = waived_parts(params.values_on(app.as_of)["direct_recognition_waives"])
        waiver = Waiver(granted[0]["clause"], parts) if granted else None
        ordinary = [
            check_5_1(app, params, waiver),
            check_5_2(app, params, waiver),
            check_employment_and_retirement(app, params, "5.3", waiver),
        ]
        direct = waiver is not None
        # A direct-recognition clause is an alternative to the ordinary conditions, not a condition:
        # one that the leader does not meet never fails the application; one left to staff counts
        # only while it could still change the answer.
        kept = list(granted)
        if not granted and pending:
            rescuable = [c for c in ordinary if _waiver_could_rescue(c, parts)]
            if rescuable:
                kept.extend(pending)
                for check in rescuable:
                    _await_direct_recognition(check, pending[0])
            else:
                notes.extend(
                    f"{clause_label(c['clause'])}：{c['message']}（不影响本次结论：普通条件已满足或另有不符合项）"
                    for c in pending
                )
        for check in honours:
            if check not in kept and check["result"] != UNKNOWN:
                notes.append(f"{clause_label(check['clause'])}：{check['message']}")
            elif check not in kept and granted:
                notes.append(
                    f"{clause_label(check['clause'])}：{check['message']}（已按{clause_label(granted[0]['clause'])}直接认定）"
                )
        checks.extend(ordinary)
        checks.extend(sorted(kept, key=lambda c: c["clause"]))
    else:
        checks.extend(
            [check_6_1(app, params), check_6_2(app, params), check_employment_and_retirement(app, params, "6.3")]
        )
        if app.leader.honors or app.leader.other_honors:
            notes.append(
                "直接认定（第五条）只适用于职业列入大典的领办人；本申报职业未列入大典，按第六条条件判断，所填荣誉可作为第九条第（二）项第1目的证明材料"
            )
    checks.append(check_7_1(app, params))
    checks.append(check_unit_scope(app, params, catalogue))
    checks.append(check_20(app, params))

    failed = sorted({c["clause"] for c in checks if c["result"] == FAIL})
    unknown = sorted({c["clause"] for c in checks if c["result"] == UNKNOWN})
    outcome = "ineligible" if failed else ("undetermined" if unknown else "eligible")
    missing = list(dict.fromkeys(path for c in checks for path in c["missing_facts"]))
    used = {name for c in checks for name in c["interpretations"]}
    return {
        "outcome": outcome,
        "route": app.route,
        "direct_recognition": direct,
        "checks": checks,
        "failed_clauses": failed,
        "unknown_clauses": unknown,
        "missing_facts": missing,
        "required_materials": required_materials(app.route, direct),
        "interpretations": [name for name in INTERPRETATION_ORDER if name in used],
        "policy": params.policy_info(),
        "as_of": app.as_of.isoformat(),
        "occupation": (
            {
                "code": app.leader.occupation.code,
                "name": app.leader.occupation.name,
                "major_group": app.leader.occupation.major_group,
                "marks": app.leader.occupation.marks,
            }
            if app.leader.occupation
            else {"code": app.leader.occupation_code, "name": app.leader.occupation_name, "catalogue": "to_confirm"}
            if app.leader.occupation_code
            else {"code": None, "name": app.leader.occupation_name}
        ),
        "notes": notes,
    }


def evaluate(payload: Any, *, params: ParameterSet | str | None = None, catalogue: Catalogue | None = None) -> dict:
    """The contract's ``eligibility`` answer for a JSON-like ``payload``."""
    pset = resolve(params)
    cat = catalogue if catalogue is not None else load_catalogue()
    app = parse_application(payload, cat)
    try:
        pset.get("valid_until", app.as_of)
    except PolicyInputError as error:  # an as_of before the parameters' first effective date
        raise PolicyInputError(error.code, "as_of", error.message) from None
    return evaluate_application(app, pset, cat)


def results_by_clause(result: Mapping) -> dict[str, str]:
    return {check["clause"]: check["result"] for check in result["checks"]}
