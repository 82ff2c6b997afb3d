"""Eligibility of an application (申报资格自测与预审): Art. 4, 5 or 6, 7 and 20 of the Measures.

Each check answers ``pass``, ``fail``, ``unknown`` (a fact is missing or needs expert judgement) or
``waived`` (Art. 5(一)(二) under 直接认定), cites its clause, states the facts and parameter values
it read in a Chinese sentence that says what to fix, and lists the input facts that would settle it.

Checks, in order (contract): 4.1–4.5; 5.1–5.3 (plus 5.d1–5.d3 for each honour held) when the
occupation is listed in the 大典, 6.1–6.3 when it is not; 7.1, then 7.2 (head office) or 7.3
(branch); 20. Outcome: ``ineligible`` if any check fails, else ``undetermined`` if any is unknown,
else ``eligible``.

Behaviour after the validity date (Art. 20): eligibility is a screening answer, not a recognition,
so it is always answered; check 20 then fails (outcome ``ineligible``) and says that a newer policy
version must be loaded first (interpretation 10). ``policy_expired`` is reserved for questions whose
answer would be a new grant (see ``funding``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import inputs, skills
from .clauses import label as clause_label
from .clauses import measures
from .dates import add_years, whole_months_between
from .errors import IDENTITY_MISMATCH, PolicyInputError
from .identity import normalize_credit_code, normalize_id_number, validate_credit_code, validate_id_number
from .occupations import CODE_PATTERN, MAJOR_GROUP_NAMES, Catalogue, Occupation, load_catalogue
from .params import ParameterSet, resolve
from .registry import rule
from .retirement import Retirement, category_for, retirement

PASS, FAIL, UNKNOWN, WAIVED = "pass", "fail", "unknown", "waived"

UNIT_KINDS = {
    "enterprise": "企业",
    "institution": "事业单位",
    "social_group": "社会团体",
    "industry_org": "行业组织",
    "other": "其他",
}
GENDERS = {"male": "男", "female": "女"}
SKILL_LEVELS = {level.code: level.full_label for level in skills.LEVELS}
HONORS = {
    "china_skill_award": "中华技能大奖",
    "national_technical_expert": "全国技术能手",
    "state_council_allowance": "享受国务院政府特殊津贴",
    "beijing_outstanding_contribution": "北京市有突出贡献的高技能人才",
    "beijing_technician_allowance": "享受北京市政府技师特殊津贴",
    "worldskills_beijing_expert_or_coach": "代表北京市在世界技能大赛项目中获奖的专家组长、教练组长、主教练",
    "intangible_heritage_inheritor": "非物质遗产传承人",
    "time_honored_craftsman": "老字号工匠",
}
CHINESE_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八"}
HONOR_BY_NAME = {name: code for code, name in HONORS.items()}
HONOR_PARAMETERS = (
    ("5.d1", "direct_recognition_honors_1"),
    ("5.d2", "direct_recognition_honors_2"),
    ("5.d3", "direct_recognition_honors_3"),
)


# -- the facts, typed ----------------------------------------------------------------------------
@dataclass(slots=True)
class Unit:
    name: str | None
    credit_code: str | None
    kind: str | None
    in_etown: bool | None
    lawful_operation: bool | None
    has_talent_pipeline: bool | None
    has_talent_systems: bool | None
    has_stable_funding: bool | None
    has_facilities: bool | None
    has_management_rules: bool | None
    branch: str | None


@dataclass(slots=True)
class Leader:
    name: str | None
    id_number: str | None
    birth_date: date | None
    gender: str | None
    original_retirement_age: int | None
    employed: bool | None
    frontline: bool | None
    frontline_years: Decimal | None
    occupation_code: str | None
    occupation_name: str | None
    occupation: Occupation | None
    skill_level: str | None
    honors: tuple[str, ...]
    practical_mastery: bool | None
    other_honors: tuple[str, ...] = ()  # honours not listed in Art. 5 (3)'s open list, by name
    other_honor_positions: tuple[int, ...] = ()  # their positions in leader.honors


@dataclass(slots=True)
class Member:
    name: str | None
    id_number: str | None
    formal_employee: bool | None


@dataclass(slots=True)
class Studio:
    leader_id_number: str | None
    leader_name: str | None
    credit_code: str | None
    branch: str | None
    occupation_code: str | None
    occupation_name: str | None


@dataclass(slots=True)
class Application:
    as_of: date
    unit: Unit
    leader: Leader
    team: list[Member] | None
    existing_studios: list[Studio] | None
    notes: list[str]

    @property
    def route(self) -> str:
        return route_of(self.leader)


@rule("2.2")
def route_of(leader: Leader) -> str:
    """第二条第二款 未列入《中华人民共和国职业分类大典》内的新职业（工种），可依据本办法申请设立技能大师
    工作室。

    ``listed`` (Art. 5, materials 9(一)) when the leader's occupation has a catalogue code;
    ``unlisted`` (Art. 6, materials 9(二)) when the code is null and a name is given.
    """
    return "listed" if leader.occupation_code else "unlisted"


# -- reading the input ---------------------------------------------------------------------------
def parse_application(payload: Any, catalogue: Catalogue) -> Application:
    """Validate the contract's eligibility input; raise ``PolicyInputError`` naming the field."""
    root = inputs.root_object(payload, "资格计算")
    inputs.refuse_unknown_fields(root, inputs.ELIGIBILITY_FIELDS)
    as_of = inputs.req_date(root, "as_of", "", "申报截止日（as_of，YYYY-MM-DD）")
    notes: list[str] = []

    raw_unit = inputs.opt_object(root, "unit", "")
    credit_code = inputs.opt_str(raw_unit, "credit_code", "unit", max_length=40)
    if credit_code is not None:
        checked = validate_credit_code(credit_code, with_facts=False)
        if not checked.valid:
            raise inputs.fail("unit.credit_code", f"统一社会信用代码无效：{checked.reason}；请核对营业执照上的18位代码")
        credit_code = normalize_credit_code(credit_code)
    unit = Unit(
        name=inputs.opt_str(raw_unit, "name", "unit"),
        credit_code=credit_code,
        kind=inputs.opt_enum(raw_unit, "kind", "unit", UNIT_KINDS),
        in_etown=inputs.opt_bool(raw_unit, "in_etown", "unit"),
        lawful_operation=inputs.opt_bool(raw_unit, "lawful_operation", "unit"),
        has_talent_pipeline=inputs.opt_bool(raw_unit, "has_talent_pipeline", "unit"),
        has_talent_systems=inputs.opt_bool(raw_unit, "has_talent_systems", "unit"),
        has_stable_funding=inputs.opt_bool(raw_unit, "has_stable_funding", "unit"),
        has_facilities=inputs.opt_bool(raw_unit, "has_facilities", "unit"),
        has_management_rules=inputs.opt_bool(raw_unit, "has_management_rules", "unit"),
        branch=inputs.opt_str(raw_unit, "branch", "unit"),
    )

    leader = _parse_leader(inputs.opt_object(root, "leader", ""), as_of, catalogue, notes)

    team = None
    raw_team = inputs.opt_list(root, "team", "")
    if raw_team is not None:
        team = []
        for index, item in enumerate(raw_team):
            path = f"team.{index}"
            member = inputs.item_object(item, path)
            team.append(
                Member(
                    name=inputs.opt_str(member, "name", path),
                    id_number=_opt_id_number(member, "id_number", path),
                    formal_employee=inputs.opt_bool(member, "formal_employee", path),
                )
            )

    studios = None
    raw_studios = inputs.opt_list(root, "existing_studios", "")
    if raw_studios is not None:
        studios = []
        for index, item in enumerate(raw_studios):
            path = f"existing_studios.{index}"
            entry = inputs.item_object(item, path)
            studio_code = inputs.opt_str(entry, "credit_code", path, max_length=40)
            if studio_code is not None:
                checked = validate_credit_code(studio_code, with_facts=False)
                if not checked.valid:
                    raise inputs.fail(f"{path}.credit_code", f"统一社会信用代码无效：{checked.reason}；请核对")
                studio_code = normalize_credit_code(studio_code)
            occupation_code = inputs.opt_str(entry, "occupation_code", path, max_length=20)
            if occupation_code is not None and not CODE_PATTERN.match(occupation_code):
                raise inputs.fail(f"{path}.occupation_code", "职业编码格式应为“大类-中类-小类-细类”，如 6-18-01-02")
            studios.append(
                Studio(
                    leader_id_number=_opt_id_number(entry, "leader_id_number", path),
                    leader_name=inputs.opt_str(entry, "leader_name", path),
                    credit_code=studio_code,
                    branch=inputs.opt_str(entry, "branch", path),
                    occupation_code=occupation_code,
                    occupation_name=inputs.opt_str(entry, "occupation_name", path),
                )
            )
    return Application(as_of, unit, leader, team, studios, notes)


def _opt_id_number(obj: Mapping, key: str, path: str) -> str | None:
    return _opt_id_number_with_facts(obj, key, path)[0]


def _opt_id_number_with_facts(obj: Mapping | None, key: str, path: str) -> tuple[str | None, dict]:
    value = inputs.opt_str(obj, key, path, max_length=30)
    if value is None:
        return None, {}
    checked = validate_id_number(value)
    if not checked.valid:
        raise inputs.fail(inputs.join(path, key), f"身份证号无效：{checked.reason}；请核对18位居民身份证号")
    return normalize_id_number(value), checked.facts


def _parse_leader(raw: Mapping | None, as_of: date, catalogue: Catalogue, notes: list[str]) -> Leader:
    path = "leader"
    id_number, facts = _opt_id_number_with_facts(raw, "id_number", path)
    birth_date = inputs.opt_date(raw, "birth_date", path)
    gender = inputs.opt_enum(raw, "gender", path, GENDERS)
    if id_number is not None:
        if birth_date is not None and birth_date != facts["birth_date"]:
            raise PolicyInputError(
                IDENTITY_MISMATCH,
                "leader.birth_date",
                f"身份证号中的出生日期为 {facts['birth_date'].isoformat()}，与填写的出生日期 {birth_date.isoformat()} 不一致；"
                f"请核对身份证号或出生日期",
            )
        if gender is not None and gender != facts["gender"]:
            raise PolicyInputError(
                IDENTITY_MISMATCH,
                "leader.gender",
                f"身份证号显示性别为{GENDERS[facts['gender']]}，与填写的性别（{GENDERS[gender]}）不一致；请核对身份证号或性别",
            )
        birth_date, gender = facts["birth_date"], facts["gender"]
        inputs.refuse_future_birth(birth_date, "leader.id_number", source="身份证号中的出生日期")
    else:
        inputs.refuse_future_birth(birth_date, "leader.birth_date")
    if birth_date is not None and birth_date >= as_of:
        raise inputs.fail(
            "leader.birth_date", f"出生日期 {birth_date.isoformat()} 不早于申报截止日 {as_of.isoformat()}，请核对"
        )

    original_age = None
    if gender != "male":
        original_age = inputs.opt_int(raw, "original_retirement_age", path, minimum=0, maximum=100)
        if original_age is not None and original_age not in (50, 55):
            raise inputs.fail(
                "leader.original_retirement_age",
                "女职工的原法定退休年龄只能是 50 或 55（周岁）；男职工无需填写",
            )

    occupation_code = inputs.opt_str(raw, "occupation_code", path, max_length=20)
    occupation_name = inputs.opt_str(raw, "occupation_name", path)
    occupation = None
    if occupation_code is not None and catalogue.to_confirm(occupation_code):
        # In the 大典 as far as the code can tell, but not in the platform's data: not an error and
        # not the Art. 6 route; 5.2 asks staff to confirm it (issue 17, section 4).
        notes.append(
            f"职业编码 {occupation_code} 不在平台的职业目录中，可能是平台数据尚未收录的大典职业；工作人员将核实并补录，"
            f"补录后重新预审。请勿因此改为“新职业（未列入大典）”申报"
        )
    elif occupation_code is not None:
        occupation = catalogue.require(occupation_code, "leader.occupation_code")
        if occupation_name is not None and occupation_name != occupation.name:
            notes.append(
                f"填写的职业名称“{occupation_name}”与职业编码 {occupation.code} 的大典名称“{occupation.name}”不一致，"
                f"以编码为准；如编码有误请更正"
            )
    elif occupation_name is None:
        raise inputs.fail(
            "leader.occupation_code",
            "请填写领办人从事职业的大典编码（leader.occupation_code，如 6-18-01-01）；"
            "未列入大典的新职业请将编码置空并填写 leader.occupation_name",
        )
    else:
        same_name = catalogue.find_by_name(occupation_name)
        if same_name:
            listed = "、".join(entry.label for entry in same_name)
            notes.append(
                f"职业名称“{occupation_name}”与职业目录中的 {listed} 同名；如属该职业，应填写编码并按第五条（大典内职业）申报"
            )

    skill_level = inputs.opt_enum(raw, "skill_level", path, SKILL_LEVELS)

    honors: list[str] = []
    others: list[str] = []
    positions: list[int] = []
    raw_honors = inputs.opt_list(raw, "honors", path)
    for index, item in enumerate(raw_honors or ()):
        field = f"leader.honors.{index}"
        text = item.strip() if isinstance(item, str) else ""
        listed = "、".join(f"{code}（{name}）" for code, name in HONORS.items())
        if not text or len(text) > 60:
            raise inputs.fail(
                field, f"{field} 应为以下之一：{listed}，或未列明称号的中文全称（60 字以内）；收到 {item!r}"
            )
        code = text if text in HONORS else HONOR_BY_NAME.get(text)
        if code is None and text.isascii():
            # a code-like word that is not a code: a typing error, not an honour's name
            raise inputs.fail(
                field,
                f"{field} 应为以下之一：{listed}；未列明的称号请填写其中文全称（如“北京大工匠”），"
                f"由工作人员判断；收到 {item!r}",
            )
        if code is None:
            if text not in others:
                others.append(text)
                positions.append(index)
        elif code not in honors:
            honors.append(code)

    return Leader(
        name=inputs.opt_str(raw, "name", path),
        id_number=id_number,
        birth_date=birth_date,
        gender=gender,
        original_retirement_age=original_age,
        employed=inputs.opt_bool(raw, "employed", path),
        frontline=inputs.opt_bool(raw, "frontline", path),
        frontline_years=inputs.opt_number(raw, "frontline_years", path, minimum=Decimal(0), maximum=Decimal(80)),
        occupation_code=occupation_code,
        occupation_name=occupation_name,
        occupation=occupation,
        skill_level=skill_level,
        honors=tuple(honors),
        practical_mastery=inputs.opt_bool(raw, "practical_mastery", path),
        other_honors=tuple(others),
        other_honor_positions=tuple(positions),
    )


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
            f"已有工作室第 {'、'.join(str(i) for i in undecided)} 项缺少统一社会信用代码或职业，无法判断是否与本申报同一范围、"
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


__all__ = [
    "Application",
    "evaluate",
    "evaluate_application",
    "parse_application",
    "required_materials",
    "results_by_clause",
    "route_of",
]
