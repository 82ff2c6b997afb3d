"""The facts of an application, typed (unit, leader, members, studios held), and reading them from the
input (``parse_application``), with the route of Art. 2 (listed / unlisted occupation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .. import inputs, skills
from ..errors import IDENTITY_MISMATCH, PolicyInputError
from ..identity import normalize_credit_code, normalize_id_number, validate_credit_code, validate_id_number
from ..occupations import CODE_PATTERN, Catalogue, Occupation
from ..registry import rule

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
                f"身份证号中的出生日期为 {facts['birth_date'].isoformat()}，"
                f"与填写的出生日期 {birth_date.isoformat()} 不一致；"
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
                f"职业名称“{occupation_name}”与职业目录中的 {listed} 同名；"
                f"如属该职业，应填写编码并按第五条（大典内职业）申报"
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
