"""Grounds for revoking a studio's title (Art. 13), for the bureau's dynamic management.

Revocation is decided by the bureau after review (“由社会事业局评估审查”); the engine only says,
for each cause (一)–(四), whether the recorded facts show it: ``present``, ``absent`` or ``unknown``
(with the facts that would settle it). Recovery of funds on revocation is ``funding.recovery``.

Input (JSON-like):

    {"as_of": "2026-12-31",
     "last_activity_on": "2025-10-01", "non_cooperation": false, "violation": false,
     "assessments": [{"year": 2025, "grade": "unqualified", "reassessment_grade": "unqualified"}],
     "leader": {"birth_date": "1966-01-01", "gender": "male", "original_retirement_age": null,
                "id_number": null, "left": false, "serious_illness": false, "force_majeure": false},
     "other_reason": null}
"""

from __future__ import annotations

from typing import Any

from . import inputs
from .dates import add_years
from .errors import IDENTITY_MISMATCH, PolicyInputError
from .funding import GRADES
from .identity import validate_id_number
from .params import ParameterSet, resolve
from .registry import rule
from .retirement import category_for, retirement

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"


def _ground(clause: str, result: str, message: str, facts: dict, missing: list[str] | None = None) -> dict:
    return {"clause": clause, "result": result, "message": message, "facts": facts, "missing_facts": missing or []}


def _tri(found: list[str], unknown: list[str]) -> str:
    return PRESENT if found else (UNKNOWN if unknown else ABSENT)


@rule("13.1")
def ground_13_1(root: dict, as_of, params: ParameterSet) -> dict:
    """第十三条（一）超过一年以上不开展工作的、不配合主管部门日常管理考核的、出现违规违纪情况的；

    "超过一年": the last day of work plus ``inactivity_years`` is still before ``as_of``.
    """
    years = params.get("inactivity_years", as_of)
    last = inputs.opt_date(root, "last_activity_on", "")
    non_cooperation = inputs.opt_bool(root, "non_cooperation", "")
    violation = inputs.opt_bool(root, "violation", "")
    found, unknown, missing = [], [], []
    facts = {
        "last_activity_on": last.isoformat() if last else None,
        "non_cooperation": non_cooperation,
        "violation": violation,
        "inactivity_years": years,
    }
    if last is None:
        unknown.append("最后一次开展工作的日期")
        missing.append("last_activity_on")
    elif last > as_of:
        raise inputs.fail(
            "last_activity_on", f"最后一次开展工作的日期 {last.isoformat()} 晚于计算日 {as_of.isoformat()}，请核对"
        )
    elif add_years(last, years) < as_of:
        found.append(f"自 {last.isoformat()} 起超过{years}年未开展工作")
    for value, path, text in (
        (non_cooperation, "non_cooperation", "不配合主管部门日常管理考核"),
        (violation, "violation", "出现违规违纪情况"),
    ):
        if value is None:
            unknown.append(f"是否{text}")
            missing.append(path)
        elif value:
            found.append(text)
    result = _tri(found, unknown)
    if result == PRESENT:
        message = f"{'；'.join(found)}，属第十三条第（一）项情形"
    elif result == UNKNOWN:
        message = f"尚未记录{'、'.join(unknown)}（{'、'.join(missing)}），无法判断第十三条第（一）项"
    else:
        message = (
            f"最后一次开展工作在 {last.isoformat()}，未超过{years}年；无不配合管理考核、违规违纪记录（"
            "第十三条第（一）项）"
        )
    return _ground("13.1", result, message, facts, missing if result == UNKNOWN else [])


@rule("13.2", "12")
def ground_13_2(root: dict, as_of, params: ParameterSet) -> dict:
    """第十三条（二）绩效考核不合格，经整改后仍不合格的；（第十二条：考核结果分为优秀、合格和不合格）"""
    found, pending, missing = [], [], []
    assessments = inputs.opt_list(root, "assessments", "") or []
    for index, item in enumerate(assessments):
        path = f"assessments.{index}"
        entry = inputs.item_object(item, path)
        inputs.req(entry, "year", path, "考核年度")
        year = inputs.opt_int(entry, "year", path, minimum=2000, maximum=2100)
        grade = inputs.req_enum(entry, "grade", path, GRADES, "考核等次")
        again = inputs.opt_enum(entry, "reassessment_grade", path, GRADES)
        if grade != "unqualified":
            continue
        if again is None:
            pending.append(str(year))
            missing.append(f"{path}.reassessment_grade")
        elif again == "unqualified":
            found.append(str(year))
    facts = {"assessments": len(assessments), "unqualified_after_rectification": found, "rectifying": pending}
    if found:
        return _ground(
            "13.2",
            PRESENT,
            f"{'、'.join(found)} 年度绩效考核不合格，经整改后复评仍不合格，属第十三条第（二）项情形",
            facts,
        )
    if pending:
        return _ground(
            "13.2",
            UNKNOWN,
            f"{'、'.join(pending)} 年度绩效考核不合格，整改后尚未复评（{'、'.join(missing)}）；"
            "复评仍不合格的属第十三条第（二）项情形",
            facts,
            missing,
        )
    return _ground("13.2", ABSENT, "没有整改后仍不合格的考核记录（第十三条第（二）项）", facts)


@rule("13.3")
def ground_13_3(root: dict, as_of, params: ParameterSet) -> dict:
    """第十三条（三）领办人因退休、离职、重大疾病或其他不可抗因素不能继续开展工作的；

    Retirement: the leader has reached the statutory retirement date (2024 decision) by ``as_of``.
    """
    leader = inputs.opt_object(root, "leader", "")
    birth = inputs.opt_date(leader, "birth_date", "leader")
    gender = inputs.opt_enum(leader, "gender", "leader", {"male": "男", "female": "女"})
    id_number = inputs.opt_str(leader, "id_number", "leader", max_length=30)
    if id_number is not None:
        checked = validate_id_number(id_number)
        if not checked.valid:
            raise inputs.fail("leader.id_number", f"身份证号无效：{checked.reason}；请核对")
        if birth is not None and birth != checked.facts["birth_date"]:
            raise PolicyInputError(
                IDENTITY_MISMATCH, "leader.birth_date", "身份证号中的出生日期与填写的出生日期不一致，请核对"
            )
        if gender is not None and gender != checked.facts["gender"]:
            raise PolicyInputError(IDENTITY_MISMATCH, "leader.gender", "身份证号中的性别与填写的性别不一致，请核对")
        birth, gender = checked.facts["birth_date"], checked.facts["gender"]
    original = inputs.opt_int(leader, "original_retirement_age", "leader", minimum=0, maximum=100)
    if gender == "female" and original is not None and original not in (50, 55):
        raise inputs.fail("leader.original_retirement_age", "女职工的原法定退休年龄只能是 50 或 55（周岁）")
    found, unknown, missing = [], [], []
    facts: dict[str, Any] = {}
    category = category_for(gender, original) if gender else None
    if birth is None or gender is None:
        unknown.append("法定退休日期")
        missing.extend(p for p, v in (("leader.birth_date", birth), ("leader.gender", gender)) if v is None)
    elif category is None:
        unknown.append("法定退休日期")
        missing.append("leader.original_retirement_age")
    else:
        outcome = retirement(birth, category)
        facts["retirement_date"] = outcome.retirement_date.isoformat()
        if outcome.retirement_date <= as_of:
            found.append(f"领办人已于 {outcome.retirement_date.isoformat()} 达到法定退休年龄")
    for key, text in (
        ("left", "领办人已离职"),
        ("serious_illness", "领办人患重大疾病不能继续开展工作"),
        ("force_majeure", "领办人因其他不可抗因素不能继续开展工作"),
    ):
        value = inputs.opt_bool(leader, key, "leader")
        facts[key] = value
        if value is None:
            unknown.append(text.replace("领办人", "领办人是否", 1))
            missing.append(f"leader.{key}")
        elif value:
            found.append(text)
    result = _tri(found, unknown)
    if result == PRESENT:
        message = f"{'；'.join(found)}，属第十三条第（三）项情形（是否不能继续开展工作由社会事业局评估审查）"
    elif result == UNKNOWN:
        message = f"尚未记录：{'、'.join(unknown)}（{'、'.join(missing)}），无法判断第十三条第（三）项"
    else:
        message = "领办人未达法定退休年龄，未离职，无重大疾病或不可抗因素记录（第十三条第（三）项）"
    return _ground("13.3", result, message, facts, missing if result == UNKNOWN else [])


@rule("13.4")
def ground_13_4(root: dict, as_of, params: ParameterSet) -> dict:
    """第十三条（四）其它原因不能正常开展工作的。

    Only a reason recorded by staff can show this cause; the engine reports it, it cannot find it.
    """
    reason = inputs.opt_str(root, "other_reason", "", max_length=500)
    if reason:
        return _ground(
            "13.4", PRESENT, f"工作人员记录的其他原因：{reason}；属第十三条第（四）项情形", {"other_reason": reason}
        )
    return _ground("13.4", ABSENT, "未记录其他不能正常开展工作的原因（第十三条第（四）项）", {"other_reason": None})


def revocation_grounds(payload: Any, params: ParameterSet | str | None = None) -> dict:
    """Art. 13 causes (一)–(四) for one studio; ``outcome`` is ``grounds_present`` when any cause is
    present, ``undetermined`` when none is but some is unknown, else ``no_grounds``."""
    pset = resolve(params)
    root = inputs.root_object(payload, "撤销情形核查")
    as_of = inputs.req_date(root, "as_of", "", "计算日（as_of，YYYY-MM-DD）")
    grounds = [
        ground_13_1(root, as_of, pset),
        ground_13_2(root, as_of, pset),
        ground_13_3(root, as_of, pset),
        ground_13_4(root, as_of, pset),
    ]
    present = [g["clause"] for g in grounds if g["result"] == PRESENT]
    unknown = [g["clause"] for g in grounds if g["result"] == UNKNOWN]
    outcome = "grounds_present" if present else ("undetermined" if unknown else "no_grounds")
    return {
        "outcome": outcome,
        "grounds": grounds,
        "present_clauses": present,
        "unknown_clauses": unknown,
        "missing_facts": list(dict.fromkeys(p for g in grounds for p in g["missing_facts"])),
        "consequence": "取消工作室称号；涉及资金的，追回当年所在资助周期内的全部区级补助资金（第十三条，见 "
        "funding.recovery）"
        if present
        else None,
        "policy": pset.policy_info(),
    }
