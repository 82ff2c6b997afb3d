"""Art. 5 (occupation listed in the 大典: 5.1–5.3 and the direct recognitions 5.d1–5.d3) and Art. 6
(occupation not listed: 6.1–6.3): the conditions on the leader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import skills
from ..clauses import label as clause_label
from ..dates import add_years, whole_months_between
from ..occupations import MAJOR_GROUP_NAMES
from ..params import ParameterSet
from ..registry import rule
from ..retirement import Retirement, category_for, retirement
from .common import FAIL, PASS, UNKNOWN, _check, _combine, _years_text
from .parsing import CHINESE_NUMERALS, HONOR_PARAMETERS, HONORS, Application
from .waiver import PART_LABELS, Waiver, _assemble, _part, waived_parts


@rule("5.1")
def check_5_1(app: Application, params: ParameterSet, waiver: Waiver | None = None) -> dict:
    """第五条（一）长期在生产服务一线岗位工作；"""
    leader = app.leader
    facts = {
        "frontline": leader.frontline,
        "frontline_years": _years_text(leader.frontline_years) if leader.frontline_years is not None else None,
    }
    years = f"（一线工作 {facts['frontline_years']} 年）" if leader.frontline_years is not None else ""
    if leader.frontline is None:
        part = _part(
            "5.1", UNKNOWN, "尚未填写领办人是否长期在生产服务一线岗位工作（leader.frontline）", ["leader.frontline"]
        )
    elif not leader.frontline:
        part = _part(
            "5.1",
            FAIL,
            f"领办人不在生产服务一线岗位工作{years}，"
            f"不符合第五条第（一）项（长期在生产服务一线岗位工作）；"
            f"可另选长期在一线工作的领办人，或核对是否符合直接认定条件",
        )
    else:
        part = _part("5.1", PASS, f"领办人长期在生产服务一线岗位工作{years}")
    return _assemble("5.1", [part], facts, (), "长期在生产服务一线岗位工作", waiver)


def occupation_missing_message(code: str, major_group: int, skill_type: bool) -> str:
    kind = "技能类职业" if skill_type else "不是技能类职业（解释口径8）"
    return (
        f"职业编码 {code} 不在平台的职业目录中（平台数据缺少《职业分类大典（2022年版）》的部分职业"
        f"和2024年以来发布的"
        f"部分新职业）；工作人员将核实该编码并补录目录，补录后重新预审，申报人无需改选“新职业”。"
        f"按编码，该职业属大典第{CHINESE_NUMERALS[major_group]}大类，核实无误即为{kind}"
    )


@rule("5.2")
def check_5_2(app: Application, params: ParameterSet, waiver: Waiver | None = None) -> dict:
    """第五条（二）所从事的职业（工种）在《中华人民共和国职业分类大典》内的技能类职业（工种），且具有
    技师及以上国家职业资格或技能等级证书；

    Two tests: ``occupation`` (a skill-type occupation of the 大典, interpretation 8) and ``level``
    (技师 or above). A code the platform's data lacks but that may be a 大典 occupation leaves the
    occupation test ``unknown`` for staff to confirm (section 4 of issue 17).
    """
    leader = app.leader
    occupation = leader.occupation
    code = leader.occupation_code
    assert code is not None
    values = params.values_on(app.as_of)
    groups = values["skill_type_major_groups"]
    minimum = values["min_skill_level"]
    major = int(code[0])
    skill_type = major in groups
    groups_text = "、".join(CHINESE_NUMERALS[g] for g in groups)
    facts = {
        "occupation_code": code,
        "occupation_name": occupation.name if occupation else leader.occupation_name,
        "major_group": major,
        "skill_type": skill_type,
        "skill_type_major_groups": list(groups),
        "skill_level": leader.skill_level,
        "min_skill_level": minimum,
        "in_catalogue": occupation is not None,
    }
    interpretation = ("skill_type_major_groups",)
    group_text = f"大典第{CHINESE_NUMERALS[major]}大类（{MAJOR_GROUP_NAMES[major]}）"
    minimum_text = skills.label(minimum)
    if occupation is None:
        first = _part(
            "occupation", UNKNOWN, occupation_missing_message(code, major, skill_type), ["leader.occupation_code"]
        )
    elif not skill_type:
        first = _part(
            "occupation",
            FAIL,
            f"职业 {occupation.label} 属{group_text}，不是技能类职业"
            f"（解释口径8：第{groups_text}大类为技能类），"
            f"不符合第五条第（二）项；领办人应从事大典内的技能类职业（工种）",
        )
    else:
        first = _part("occupation", PASS, f"职业 {occupation.label} 属{group_text}，为技能类职业")
    if leader.skill_level is None:
        second = _part(
            "level",
            UNKNOWN,
            f"尚未填写领办人职业技能等级（leader.skill_level），第五条第（二）项要求{minimum_text}及以上",
            ["leader.skill_level"],
        )
    else:
        level_text = skills.label(leader.skill_level)
        if not skills.at_least(leader.skill_level, minimum):
            second = _part(
                "level",
                FAIL,
                f"领办人职业技能等级为{level_text}，低于{minimum_text}，不符合第五条第（二）项"
                f"（技师及以上国家职业资格或技能等级证书）；取得{minimum_text}及以上证书后方可申报，或核对是否符合直接认定条件",
            )
        else:
            second = _part("level", PASS, f"领办人职业技能等级为{level_text}，达到{minimum_text}及以上")
    return _assemble("5.2", [first, second], facts, interpretation, f"大典内技能类职业且{minimum_text}及以上", waiver)


@rule("5.3", "6.3")
def check_employment_and_retirement(
    app: Application, params: ParameterSet, clause: str, waiver: Waiver | None = None
) -> dict:
    """第五条（三）在职在聘，距法定退休年龄2年以上（含2年）。
    第六条（三）在职在岗，距法定退休年龄2年以上（含2年）。

    Two tests (``employment``, ``retirement``), so that 直接认定 can waive one without the other
    (interpretation 2). Reference date: the round's closing date, ``as_of`` (interpretation 1).
    "2年以上（含2年）": as_of + 2 years (month-end clamped) must not be later than the statutory
    retirement date.
    """
    leader = app.leader
    where = clause_label(clause)
    status = "在职在聘" if clause == "5.3" else "在职在岗"
    years = params.values_on(app.as_of)["retirement_min_years"]
    facts: dict[str, Any] = {
        "employed": leader.employed,
        "reference_date": app.as_of.isoformat(),
        "retirement_min_years": years,
    }
    interpretations: tuple[str, ...] = ()

    category = category_for(leader.gender, leader.original_retirement_age) if leader.gender else None
    if leader.birth_date is None or leader.gender is None:
        known = (("leader.birth_date", leader.birth_date), ("leader.gender", leader.gender))
        absent = [path for path, value in known if value is None]
        retirement_part = _part(
            "retirement", UNKNOWN, f"缺少{'、'.join(absent)}，无法计算法定退休日期（也可填写 leader.id_number）", absent
        )
    elif category is None:
        retirement_part = _part(
            "retirement",
            UNKNOWN,
            "领办人为女职工，须填写原法定退休年龄（50 或 55 周岁，leader.original_retirement_age）才能计算法定退休日期",
            ["leader.original_retirement_age"],
        )
    else:
        outcome: Retirement = retirement(leader.birth_date, category)
        latest_start = add_years(app.as_of, years)
        facts.update(
            {
                "retirement_date": outcome.retirement_date.isoformat(),
                "retirement_age": {"years": outcome.age_years, "months": outcome.age_months},
                "retirement_category": category.code,
                "earliest_allowed_retirement_date": latest_start.isoformat(),
            }
        )
        interpretations = ("reference_date",)
        retire = outcome.retirement_date.isoformat()
        if outcome.retirement_date <= app.as_of:
            retirement_part = _part(
                "retirement",
                FAIL,
                f"法定退休日期 {retire}，不晚于申报截止日 {app.as_of.isoformat()}，领办人已达到法定退休年龄，"
                f"不符合{where}（距法定退休年龄{years}年以上，含{years}年）",
            )
        else:
            months = whole_months_between(app.as_of, outcome.retirement_date)
            span = f"距申报截止日 {months // 12} 年 {months % 12} 个月"
            facts["months_to_retirement"] = months
            if outcome.retirement_date >= latest_start:
                retirement_part = _part(
                    "retirement", PASS, f"法定退休日期 {retire}，{span}，满足{years}年以上（含{years}年）"
                )
            else:
                retirement_part = _part(
                    "retirement",
                    FAIL,
                    f"法定退休日期 {retire}，{span}，不足{years}年（须法定退休日期不早于 {latest_start.isoformat()}），"
                    f"不符合{where}；请另选距法定退休年龄{years}年以上的领办人",
                )
    if leader.employed is None:
        employment_part = _part(
            "employment", UNKNOWN, f"尚未填写领办人是否{status}（leader.employed）", ["leader.employed"]
        )
    elif not leader.employed:
        employment_part = _part("employment", FAIL, f"领办人不是{status}人员，不符合{where}（须{status}）")
    else:
        employment_part = _part("employment", PASS, f"领办人{status}")
    return _assemble(
        clause,
        [retirement_part, employment_part],
        facts,
        interpretations,
        f"{status}、距法定退休年龄{years}年以上（含{years}年）",
        waiver,
    )


@rule("5.d1", "5.d2", "5.d3")
def direct_recognition_checks(app: Application, params: ParameterSet) -> list[dict]:
    """第五条 符合以下条件可直接认定为经开区技能大师工作室领办人：
    （1）获得北京市“中华技能大奖”“全国技术能手”“享受国务院政府特殊津贴”“北京市有突出贡献的高技能
    人才”“享受北京市政府技师特殊津贴”；（2）代表北京市在世界技能大赛项目中获奖的“专家组长、教练
    组长、主教练”；（3）“非物质遗产传承人”“老字号工匠”等称号的优秀高技能人才。

    One check per clause whose honours the leader holds; none when no honour is held (holding no
    honour is not a failure: the ordinary conditions 5.1–5.3 apply). (3) also asks for a 高技能人才
    (interpretation 21: 三级/高级工 or above) and is open ("等"): an honour not listed is ``unknown``
    for staff to judge (interpretation 22). A (3) that the leader does not meet is ``fail`` here;
    ``evaluate_application`` keeps it out of the outcome (it is an alternative, not a condition).
    """
    leader = app.leader
    if not leader.honors and not leader.other_honors:
        return []
    values = params.values_on(app.as_of)
    waived_text = "、".join(f"“{PART_LABELS[p]}”" for p in waived_parts(values["direct_recognition_waives"]))
    checks = []
    for clause, parameter in HONOR_PARAMETERS:
        listed = values[parameter]
        held = [honor for honor in leader.honors if honor in listed]
        others = list(leader.other_honors) if clause == "5.d3" else []
        if not held and not others:
            continue
        names = "、".join(f"“{HONORS[h]}”" for h in held)
        where = clause_label(clause)
        if clause != "5.d3":
            checks.append(
                _check(
                    clause,
                    PASS,
                    f"领办人获得{names}，符合{where}，可直接认定为领办人；{waived_text}的要求不再适用（解释口径2）",
                    {"honors": held},
                    interpretations=("direct_recognition_waives",),
                )
            )
            continue
        checks.append(_check_5_d3(app, values, held, others, names, waived_text))
    return checks


def _check_5_d3(
    app: Application, values: Mapping, held: list[str], others: list[str], names: str, waived_text: str
) -> dict:
    leader = app.leader
    minimum = values["direct_recognition_high_skill_level"]
    open_list = values["direct_recognition_other_honours"] == "staff_judgement"
    minimum_text = skills.label(minimum)
    facts: dict[str, Any] = {
        "honors": held,
        "other_honors": others,
        "skill_level": leader.skill_level,
        "high_skill_min_level": minimum,
    }
    interpretations: tuple[str, ...] = ("direct_recognition_high_skill_level",)
    where = "第五条直接认定第（3）项"
    other_text = "、".join(f"“{name}”" for name in others)
    honour_text = "、".join(part for part in (names, other_text) if part)
    if others:
        interpretations += ("direct_recognition_other_honours",)
    if not held and not open_list:
        return _check(
            "5.d3",
            FAIL,
            f"领办人所填称号{other_text}不是{where}列明的称号，按解释口径22只认列明的称号，不能直接认定；"
            f"按第五条第（一）至（三）项判断",
            facts,
            interpretations=interpretations,
        )
    if leader.skill_level is None:
        return _check(
            "5.d3",
            UNKNOWN,
            f"领办人获得{honour_text}；{where}是“……等称号的优秀高技能人才”，须同时为高技能人才"
            f"（{minimum_text}及以上，解释口径21）；尚未填写职业技能等级（leader.skill_level）",
            facts,
            ["leader.skill_level"],
            interpretations,
        )
    level_text = skills.label(leader.skill_level)
    if not skills.at_least(leader.skill_level, minimum):
        return _check(
            "5.d3",
            FAIL,
            f"领办人获得{honour_text}，但职业技能等级为{level_text}，低于{minimum_text}，不是高技能人才，"
            f"不符合{where}（“……等称号的优秀高技能人才”，解释口径21），不能直接认定；按第五条第（一）至（三）项判断",
            facts,
            interpretations=interpretations,
        )
    if held:
        return _check(
            "5.d3",
            PASS,
            f"领办人获得{names}，职业技能等级为{level_text}（高技能人才，{minimum_text}及以上），符合{where}，"
            f"可直接认定为领办人；{waived_text}的要求不再适用（解释口径2）",
            facts,
            interpretations=("direct_recognition_waives",) + interpretations,
        )
    missing = [f"leader.honors.{index}" for index in leader.other_honor_positions]
    return _check(
        "5.d3",
        UNKNOWN,
        f"领办人获得{other_text}，职业技能等级为{level_text}（高技能人才）；该称号未在{where}中列明，"
        f"须由工作人员判断是否属于与“非物质遗产传承人”“老字号工匠”同类的称号（“等称号”，解释口径22），"
        f"判断前直接认定待定",
        facts,
        missing,
        interpretations,
    )


# -- Art. 6: leader, occupation not listed ---------------------------------------------------------
@rule("6.1")
def check_6_1(app: Application, params: ParameterSet) -> dict:
    """第六条（一）在生产服务一线岗位工作三年以上；

    Whether the leader must be on the front line *now* is interpretation 23
    (``unlisted_frontline_current``); it is listed in the answer whenever the current post decides
    or could decide the result (``leader.frontline`` false or unknown).
    """
    leader = app.leader
    values = params.values_on(app.as_of)
    minimum = values["unlisted_frontline_min_years"]
    reading = values["unlisted_frontline_current"]
    years = leader.frontline_years
    facts = {
        "frontline": leader.frontline,
        "frontline_years": _years_text(years) if years is not None else None,
        "unlisted_frontline_min_years": minimum,
        "frontline_current": reading,
    }
    rule_text = f"在生产服务一线岗位工作{minimum}年以上，含本数"
    results, sentences, missing = [], [], []
    interpretations: tuple[str, ...] = ()
    if years is None:
        results.append(UNKNOWN)
        missing.append("leader.frontline_years")
        sentences.append("尚未填写领办人在生产服务一线岗位工作的年数（leader.frontline_years）")
    elif years < minimum:
        results.append(FAIL)
        sentences.append(f"领办人在生产服务一线岗位工作 {_years_text(years)} 年，不足 {minimum} 年")
    else:
        results.append(PASS)
        sentences.append(f"领办人在生产服务一线岗位工作 {_years_text(years)} 年，达到 {minimum} 年")
    if leader.frontline is not True:
        interpretations = ("unlisted_frontline_current",)
        if reading == "years_only":
            sentences.append(
                "按解释口径23，一线工作累计年数达到即可，不要求目前仍在一线岗位"
                + ("（领办人目前不在一线岗位）" if leader.frontline is False else "")
            )
        elif leader.frontline is None:
            results.append(UNKNOWN)
            missing.append("leader.frontline")
            sentences.append(
                "尚未填写领办人目前是否在生产服务一线岗位工作（leader.frontline）；"
                "按解释口径23，领办人须目前仍在一线岗位"
            )
        else:
            results.append(FAIL)
            sentences.append(
                "领办人目前不在生产服务一线岗位工作；按解释口径23，领办人须目前仍在一线岗位"
                "（一线工作累计满3年但已离开一线的不符合）"
            )
    result = _combine(results)
    tail = {
        PASS: f"（第六条第（一）项：{rule_text}）",
        FAIL: f"，不符合第六条第（一）项（{rule_text}）",
        UNKNOWN: f"；第六条第（一）项要求{rule_text}",
    }[result]
    return _check("6.1", result, "；".join(sentences) + tail, facts, missing, interpretations)


@rule("6.2")
def check_6_2(app: Application, params: ParameterSet) -> dict:
    """第六条（二）拥有较为丰富的实操经验，熟练掌握所从事岗位的技艺方法；

    An expert judgement (interpretation 3): undetermined until an expert or staff member records it.
    """
    value = app.leader.practical_mastery
    facts = {"practical_mastery": value, "judgement": params.values_on(app.as_of)["practical_mastery_judgement"]}
    if value is None:
        return _check(
            "6.2",
            UNKNOWN,
            "“拥有较为丰富的实操经验，熟练掌握所从事岗位的技艺方法”须由评审专家判断（解释口径3），"
            "待专家或工作人员记录结论（leader.practical_mastery）；申报时请提交技艺水平或实操经验证明材料（第九条第（二）项第1目）",
            facts,
            ["leader.practical_mastery"],
            ("practical_mastery_judgement",),
        )
    if not value:
        return _check(
            "6.2",
            FAIL,
            "经专家或工作人员认定，领办人的实操经验和技艺方法尚未达到第六条第（二）项（较为丰富的实操经验，熟练掌握所从事岗位的技艺方法）",
            facts,
        )
    return _check(
        "6.2",
        PASS,
        "经专家或工作人员认定，领办人拥有较为丰富的实操经验，熟练掌握所从事岗位的技艺方法（第六条第（二）项）",
        facts,
    )
