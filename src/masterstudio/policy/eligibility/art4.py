"""Art. 4 of the Measures: the conditions on the unit that sets up the studio (4.1–4.5)."""

from __future__ import annotations

from ..params import ParameterSet
from ..registry import rule
from .common import FAIL, PASS, UNKNOWN, _check, _declared, _same_person
from .parsing import UNIT_KINDS, Application, Member


# -- Art. 4: the unit ----------------------------------------------------------------------------
@rule("4.1", "2.1")
def check_4_1(app: Application, params: ParameterSet) -> dict:
    """第4条（1）遵守国家和北京市有关法律、法规、规章及行业规范。在经开区范围内依法经营的企事业单位、
    社会团体及行业组织；（第二条第一款：工作室设在亦庄新城范围内的企事业单位）"""
    unit = app.unit
    allowed = params.values_on(app.as_of)["eligible_unit_kinds"]
    allowed_text = "、".join(UNIT_KINDS[k] for k in allowed)
    facts = {"kind": unit.kind, "in_etown": unit.in_etown, "lawful_operation": unit.lawful_operation}
    fails, unknown, passes, missing = [], [], [], []
    if unit.kind is None:
        unknown.append("单位类型")
        missing.append("unit.kind")
    elif unit.kind not in allowed:
        fails.append(f"单位类型为“{UNIT_KINDS[unit.kind]}”，不属于{allowed_text}")
    else:
        passes.append(f"单位类型为{UNIT_KINDS[unit.kind]}")
    if unit.in_etown is None:
        unknown.append("是否在经开区范围内")
        missing.append("unit.in_etown")
    elif not unit.in_etown:
        fails.append("单位不在经开区范围内")
    else:
        passes.append("位于经开区范围内")
    if unit.lawful_operation is None:
        unknown.append("是否依法经营")
        missing.append("unit.lawful_operation")
    elif not unit.lawful_operation:
        fails.append("单位未依法经营（或未遵守有关法律、法规、规章及行业规范）")
    else:
        passes.append("依法经营")
    requirement = f"在经开区范围内依法经营的{allowed_text}"
    if fails:
        return _check("4.1", FAIL, f"{'；'.join(fails)}，不符合第4条第（1）项（{requirement}）", facts)
    if unknown:
        return _check(
            "4.1",
            UNKNOWN,
            f"尚未填写{'、'.join(unknown)}（{'、'.join(missing)}）；第4条第（1）项要求{requirement}",
            facts,
            missing,
        )
    return _check("4.1", PASS, f"{'，'.join(passes)}（第4条第（1）项）", facts)


@rule("4.2")
def check_4_2(app: Application, params: ParameterSet) -> dict:
    """第4条（2）除有符合条件的领办人以外，还拥有相关职业、岗位技能人才梯队；"""
    return _declared(
        "4.2",
        [("unit.has_talent_pipeline", app.unit.has_talent_pipeline, "领办人以外的相关职业、岗位技能人才梯队")],
        "除领办人外还拥有相关职业、岗位技能人才梯队",
    )


@rule("4.3")
def check_4_3(app: Application, params: ParameterSet) -> dict:
    """第4条（3）建立了较为完善的技能人才培养、评价、选拔、使用和激励制度；"""
    return _declared(
        "4.3",
        [
            (
                "unit.has_talent_systems",
                app.unit.has_talent_systems,
                "较为完善的技能人才培养、评价、选拔、使用和激励制度",
            )
        ],
        "建立较为完善的技能人才培养、评价、选拔、使用和激励制度",
    )


@rule("4.4")
def check_4_4(app: Application, params: ParameterSet) -> dict:
    """第4条（4）能为工作室提供稳定的资金支持以及包括场所、设备在内的必要工作条件；有明确的工作室管理
    制度、工作职责、目标任务；"""
    unit = app.unit
    return _declared(
        "4.4",
        [
            ("unit.has_stable_funding", unit.has_stable_funding, "为工作室提供稳定的资金支持"),
            ("unit.has_facilities", unit.has_facilities, "包括场所、设备在内的必要工作条件"),
            ("unit.has_management_rules", unit.has_management_rules, "明确的工作室管理制度、工作职责、目标任务"),
        ],
        "提供稳定资金、场所设备等必要工作条件，并有明确的管理制度、工作职责、目标任务",
    )


@rule("4.5")
def check_4_5(app: Application, params: ParameterSet) -> dict:
    """第4条（5）除领办人外，应为工作室配备一支由3名以上正式员工组成的技术技能人才团队，成员可以是
    技能人才或专业技术人才。"""
    minimum = params.values_on(app.as_of)["team_min_size"]
    rule_text = f"第4条第（5）项：{minimum}名以上，含本数"
    if app.team is None:
        return _check(
            "4.5",
            UNKNOWN,
            f"尚未填写团队成员（team）；领办人以外须有 {minimum} 名以上正式员工（{rule_text}）",
            {"team_min_size": minimum},
            ["team"],
        )
    leader = app.leader
    counted: list[Member] = []
    unsure: list[tuple[int, Member]] = []
    leader_listed = duplicates = 0
    for index, member in enumerate(app.team):
        if _same_person(member.id_number, member.name, leader.id_number, leader.name):
            leader_listed += 1
            continue
        if any(_same_person(member.id_number, member.name, other.id_number, other.name) for other in counted):
            duplicates += 1
            continue
        if member.formal_employee is True:
            counted.append(member)
        elif member.formal_employee is None:
            unsure.append((index, member))
    formal = len(counted)
    facts = {
        "formal_members": formal,
        "undetermined_members": len(unsure),
        "team_min_size": minimum,
        "leader_listed_in_team": leader_listed > 0,
        "duplicate_members": duplicates,
    }
    remarks = []
    if leader_listed:
        remarks.append("名单中的领办人本人不计入")
    if duplicates:
        remarks.append(f"重复列出的 {duplicates} 人只计一次")
    remark = f"（{'；'.join(remarks)}）" if remarks else ""
    if formal >= minimum:
        return _check("4.5", PASS, f"团队正式员工 {formal} 人，达到 {minimum} 人（{rule_text}）{remark}", facts)
    if formal + len(unsure) >= minimum:
        missing = [f"team.{index}.formal_employee" for index, _ in unsure]
        return _check(
            "4.5",
            UNKNOWN,
            f"团队已确认正式员工 {formal} 人，另有 {len(unsure)} 人未填写是否为正式员工（{'、'.join(missing)}）；"
            f"须达到 {minimum} 人（{rule_text}）{remark}",
            facts,
            missing,
        )
    return _check(
        "4.5",
        FAIL,
        f"团队正式员工 {formal} 人，少于 {minimum} 人（{rule_text}）{remark}；"
        f"请为工作室再配备 {minimum - formal} 名以上正式员工",
        facts,
    )
