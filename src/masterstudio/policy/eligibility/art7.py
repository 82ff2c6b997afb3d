"""Art. 7 of the Measures: one studio per leader (7.1), per unit × occupation at the head office (7.2)
or per branch × occupation (7.3).
"""

from __future__ import annotations

from typing import Any

from ..occupations import Catalogue
from ..params import ParameterSet
from ..registry import rule
from .common import FAIL, PASS, UNKNOWN, _check, _norm_branch, _same_person
from .parsing import Application, Studio


# -- Art. 7: one studio per leader / unit × occupation / branch × occupation ------------------------
@rule("7.1")
def check_7_1(app: Application, params: ParameterSet) -> dict:
    """第七条 同一领办人只能领办一个经开区技能大师工作室

    Identity: the ID number when both sides have one, else the name.
    """
    leader = app.leader
    if app.existing_studios is None:
        return _check(
            "7.1",
            UNKNOWN,
            "尚未提供已有工作室名单（existing_studios），无法核对领办人是否已领办其他工作室；同一领办人只能领办一个工作室（第七条）",
            {},
            ["existing_studios"],
        )
    if not leader.id_number and not leader.name:
        return _check(
            "7.1",
            UNKNOWN,
            "尚未填写领办人姓名或身份证号（leader.name、leader.id_number），无法核对是否已领办其他工作室（第七条）",
            {"existing_studios": len(app.existing_studios)},
            ["leader.name"],
        )
    matches, undecided = [], []
    for index, studio in enumerate(app.existing_studios):
        same = _same_person(leader.id_number, leader.name, studio.leader_id_number, studio.leader_name)
        if same is True:
            matches.append((index, studio))
        elif same is None:
            undecided.append(index)
    basis = "身份证号" if leader.id_number else "姓名"
    facts = {"existing_studios": len(app.existing_studios), "matched": [i for i, _ in matches]}
    if matches:
        index, studio = matches[0]
        by = "身份证号" if leader.id_number and studio.leader_id_number else "姓名"
        where = _studio_text(studio)
        return _check(
            "7.1",
            FAIL,
            f"领办人（按{by}比对）已领办工作室（{where}），同一领办人只能领办一个经开区技能大师工作室（第七条）；请另选领办人",
            facts,
        )
    if undecided:
        missing = ["leader.name"] if leader.name is None else ["leader.id_number"]
        return _check(
            "7.1",
            UNKNOWN,
            f"已有工作室第 {'、'.join(str(i) for i in undecided)} 项与本领办人没有共同的比对信息（身份证号或姓名），"
            f"无法核对（第七条）；请补充领办人的{'姓名' if leader.name is None else '身份证号'}",
            facts,
            missing,
        )
    if not app.existing_studios:
        return _check("7.1", PASS, "已有工作室名单为空，领办人未领办其他工作室（第七条）", facts)
    return _check(
        "7.1",
        PASS,
        f"已按{basis}核对 {len(app.existing_studios)} 个已有工作室，领办人未领办其他工作室（第七条）",
        facts,
    )


def _studio_text(studio: Studio) -> str:
    parts = []
    if studio.credit_code:
        parts.append(f"统一社会信用代码 {studio.credit_code}")
    parts.append(f"分厂/分公司“{studio.branch}”" if studio.branch else "单位本部")
    occupation = " ".join(part for part in (studio.occupation_code, studio.occupation_name) if part)
    if occupation:
        parts.append(f"职业 {occupation}")
    return "，".join(parts)


def _same_occupation(app: Application, studio: Studio, catalogue: Catalogue) -> bool | None:
    leader = app.leader
    if leader.occupation_code and studio.occupation_code:
        return leader.occupation_code == studio.occupation_code
    mine = leader.occupation.name if leader.occupation else leader.occupation_name
    theirs = studio.occupation_name
    if theirs is None and studio.occupation_code:
        entry = catalogue.get(studio.occupation_code)
        theirs = entry.name if entry else None
    if mine and theirs:
        return mine == theirs
    return None


@rule("7.2", "7.3")
def check_unit_scope(app: Application, params: ParameterSet, catalogue: Catalogue) -> dict:
    """第七条 同一单位相同职业（工种）只能建立一个工作室；在本区拥有多个分厂、分公司的单位，每个分厂、
    分公司相同职业（工种）只能建立一个工作室。

    7.2 when the application is filed by the head office (``unit.branch`` null), 7.3 when by a branch.
    Scope key (interpretation 9): (credit code, branch or none, occupation); the head office and each
    branch are separate scopes unless ``studio_scope_key`` is ``unit_occupation``.
    """
    unit = app.unit
    clause = "7.3" if unit.branch else "7.2"
    scope_rule = params.values_on(app.as_of)["studio_scope_key"]
    mine_branch = _norm_branch(unit.branch)
    scope_text = f"分厂/分公司“{unit.branch}”" if unit.branch else "单位本部"
    leader = app.leader
    if leader.occupation:
        occupation_text = leader.occupation.label
    else:
        occupation_text = " ".join(
            f"“{part}”" if part == leader.occupation_name else part
            for part in (leader.occupation_code, leader.occupation_name)
            if part
        )
    requirement = (
        "每个分厂、分公司相同职业（工种）只能建立一个工作室"
        if clause == "7.3"
        else "同一单位相同职业（工种）只能建立一个工作室"
    )
    facts: dict[str, Any] = {"credit_code": unit.credit_code, "branch": unit.branch, "scope_key": scope_rule}
    if app.existing_studios is None:
        return _check(
            clause,
            UNKNOWN,
            f"尚未提供已有工作室名单（existing_studios），无法核对是否符合“{requirement}”（第七条）",
            facts,
            ["existing_studios"],
        )
    facts["existing_studios"] = len(app.existing_studios)
    conflicts, undecided, other_scope, missing = [], [], [], []
    for index, studio in enumerate(app.existing_studios):
        if unit.credit_code and studio.credit_code:
            same_unit: bool | None = unit.credit_code == studio.credit_code
        else:
            same_unit = None
        if same_unit is False:
            continue
        same_occupation = _same_occupation(app, studio, catalogue)
        if same_occupation is False:
            continue
        same_scope = scope_rule == "unit_occupation" or _norm_branch(studio.branch) == mine_branch
        if same_unit is None or same_occupation is None:
            if same_scope:
                undecided.append(index)
                if same_unit is None:
                    missing.append(f"existing_studios.{index}.credit_code" if unit.credit_code else "unit.credit_code")
                if same_occupation is None:
                    missing.append(f"existing_studios.{index}.occupation_code")
            continue
        if same_scope:
            conflicts.append(studio)
        else:
            other_scope.append(studio)
    facts["conflicts"] = len(conflicts)
    if conflicts:
        return _check(
            clause,
            FAIL,
            f"{scope_text}已有相同职业（{occupation_text}）的工作室（{_studio_text(conflicts[0])}），{requirement}"
            f"（第七条）；请核对职业或申报单位",
            facts,
        )
    if undecided:
        missing = list(dict.fromkeys(missing))
        return _check(
            clause,
            UNKNOWN,
            f"已有工作室第 {'、'.join(str(i) for i in undecided)} 项缺少统一社会信用代码或职业，"
            f"无法判断是否与本申报同一范围、"
            f"同一职业（{'、'.join(missing)}）；{requirement}（第七条）",
            facts,
            missing,
        )
    if other_scope:
        names = "、".join(f"“{s.branch}”" if s.branch else "单位本部" for s in other_scope)
        return _check(
            clause,
            PASS,
            f"本单位{names}已有相同职业（{occupation_text}）的工作室，但单位本部与各分厂、分公司为不同范围（解释口径9），"
            f"{scope_text}尚无该职业工作室（第七条）",
            facts,
            interpretations=("studio_scope_key",),
        )
    checked = f"已核对 {len(app.existing_studios)} 个已有工作室，" if app.existing_studios else "已有工作室名单为空，"
    return _check(
        clause,
        PASS,
        f"{checked}{scope_text}尚无相同职业（{occupation_text}）的工作室（第七条）",
        facts,
    )
