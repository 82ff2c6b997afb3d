"""The wizard's rules on what the unit typed, at the level of values (issue 19.4).

``read_draft`` reads what was typed (field name → the strings sent, as stored on
``Application.draft``) into a ``Draft``: the text kept whole, the valid part cleaned, and the
Chinese message of each field to fix. The wizard's form validates through it (so the page shows
these messages beside the fields), the draft service applies the valid part, and submission
re-reads the stored draft with ``final=True`` under the application's row lock: one rule, no form
needed below the view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from masterstudio.applications import occupations
from masterstudio.applications.facts import CONDITION_FIELDS
from masterstudio.policy import skills

SKILL_LEVEL_CODES = {level.code for level in skills.LEVELS}
HONORS = [
    ("china_skill_award", "中华技能大奖（第5条直接认定(1)）"),
    ("national_technical_expert", "全国技术能手（第5条直接认定(1)）"),
    ("state_council_allowance", "享受国务院政府特殊津贴（第5条直接认定(1)）"),
    ("beijing_outstanding_contribution", "北京市有突出贡献的高技能人才（第5条直接认定(1)）"),
    ("beijing_technician_allowance", "享受北京市政府技师特殊津贴（第5条直接认定(1)）"),
    (
        "worldskills_beijing_expert_or_coach",
        "代表北京市在世界技能大赛获奖的专家组长、教练组长、主教练（第5条直接认定(2)）",
    ),
    ("intangible_heritage_inheritor", "非物质遗产传承人（第5条直接认定(3)）"),
    ("time_honored_craftsman", "老字号工匠（第5条直接认定(3)）"),
]
ROUTES = [("listed", "职业列入《职业分类大典》（第5条）"), ("unlisted", "新职业，未列入大典（第6条）")]
HONOR_CODES = {code for code, _ in HONORS}
ROUTE_CODES = {code for code, _ in ROUTES}
ANSWERS = {"yes": True, "no": False}

#: text fields: name → (label, the longest accepted)
TEXT_FIELDS = {
    "occupation_code": ("职业编码", 20),
    "occupation_name": ("职业（工种）名称", 100),
    "certificate_no": ("证书编号", 60),
    **{f"note_{name}": ("情况说明", 2000) for name, _, _ in CONDITION_FIELDS},
}
FRONTLINE_MAX = 60
_DECIMAL_ZERO = re.compile(r"\.0*\s*$")


@dataclass(frozen=True)
class Draft:
    """What was typed, read. ``typed``: every field as sent (kept, so nothing typed is lost);
    ``values``: the valid part, cleaned (the leader, team and branch as the unit's objects);
    ``errors``: field → the messages to show beside it; ``autosave_seq``: the number the browser
    gave this autosave (0 when none, e.g. the no-script "保存草稿")."""

    typed: dict[str, list[str]]
    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    autosave_seq: int = 0


def typed_values(data: Mapping) -> dict[str, list[str]]:
    """Field name → list of strings, from a mapping of lists (the stored draft) or a multi-valued
    mapping that has ``lists()``; the CSRF token is not part of what was typed."""
    pairs = data.lists() if hasattr(data, "lists") else data.items()
    typed = {}
    for key, values in pairs:
        if key == "csrfmiddlewaretoken":
            continue
        values = values if isinstance(values, list | tuple) else [values]
        typed[key] = ["" if v is None else str(v) for v in values]
    return typed


def sequence(value) -> int:
    """The autosave number as stored or sent (a list of one string, a string or nothing)."""
    value = value[-1] if isinstance(value, list | tuple) and value else value
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def read_draft(data: Mapping, *, unit, final: bool = False, people=None, branches=None) -> Draft:
    """Read what was typed. ``final=False`` (autosave) checks formats only; ``final=True``
    (submission) also requires what the bureau needs to accept the application. ``people`` and
    ``branches`` (pk as string → object) are the unit's, when already loaded."""
    typed = typed_values(data)
    people = people if people is not None else {str(p.pk): p for p in unit.people.all()}
    branches = branches if branches is not None else {str(b.pk): b for b in unit.branches.all()}
    return _Reader(typed, people, branches, final).read()


class _Reader:
    def __init__(self, typed: dict[str, list[str]], people: dict, branches: dict, final: bool):
        self.typed, self.people, self.branches, self.final = typed, people, branches, final
        self.values: dict = {}
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)
        self.values.pop(name, None)

    def one(self, name: str) -> str:
        values = self.typed.get(name) or []
        return values[-1] if values else ""

    def text(self, name: str) -> None:
        label, longest = TEXT_FIELDS[name]
        value = self.one(name).strip()
        if "\x00" in value:
            self.error(name, f"{label}中含有无法保存的空字符，请删去后重填")
        elif len(value) > longest:
            self.error(name, f"{label}不能超过 {longest} 个字（现为 {len(value)} 个），请精简")
        else:
            self.values[name] = value

    def choice(self, name: str, allowed, label: str) -> str | None:
        value = self.one(name)
        if value and value not in allowed:
            self.error(name, f"“{label}”的选项无效，请重新选择")
            return None
        self.values[name] = value
        return value

    def read(self) -> Draft:
        final = self.final
        scope = self.choice("scope", {"head", *self.branches}, "申报主体")
        if scope is not None:
            if not scope and final:
                self.error("scope", "请选择以总部还是分厂/分公司名义申报")
            else:
                self.values["branch"] = self.branches.get(scope) if scope and scope != "head" else None
        leader = self.choice("leader", self.people, "领办人")
        if leader is not None:
            if not leader and final:
                self.error("leader", "请选择领办人；名单中没有时，先在下方“登记新人员”中登记")
            else:
                self.values["leader"] = self.people[leader] if leader else None
        self.choice("route", ROUTE_CODES, "职业类别")
        self.text("occupation_code")
        self.text("occupation_name")
        self.choice("skill_level", SKILL_LEVEL_CODES, "技能等级")
        self.text("certificate_no")
        self._honors()
        self._frontline_years()
        self._team()
        for name, _, label in CONDITION_FIELDS:
            self.choice(f"cond_{name}", ANSWERS, label)
            self.text(f"note_{name}")
        self._together()
        return Draft(
            typed=self.typed,
            values=self.values,
            errors=self.errors,
            autosave_seq=sequence(self.typed.get("autosave_seq")),
        )

    def _honors(self) -> None:
        honors = self.typed.get("honors") or []
        if any(h not in HONOR_CODES for h in honors):
            self.error("honors", "“直接认定荣誉”中有无效的选项，请重新勾选")
        else:
            self.values["honors"] = list(honors)

    def _frontline_years(self) -> None:
        raw = self.one("frontline_years").strip()
        if not raw:
            if self.final:
                self.error("frontline_years", "请填写领办人在生产服务一线岗位工作的年限（第5条第1项、第6条第1项）")
            else:
                self.values["frontline_years"] = None
            return
        try:
            years = int(_DECIMAL_ZERO.sub("", raw))
        except ValueError:
            self.error("frontline_years", "一线工作年限请填写整数年，如 12")
            return
        if years < 0:
            self.error("frontline_years", "一线工作年限不能为负数")
        elif years > FRONTLINE_MAX:
            self.error("frontline_years", f"一线工作年限不能超过 {FRONTLINE_MAX} 年，请核对")
        else:
            self.values["frontline_years"] = years

    def _team(self) -> None:
        raw = self.typed.get("team") or []
        if any(pk not in self.people for pk in raw):
            self.error("team", "“团队成员”中有不在本单位人员名单中的人，请重新勾选")
            return
        seen, duplicates = set(), []
        for pk in raw:
            if pk in seen:
                duplicates.append(self.people[pk].name)
            seen.add(pk)
        if duplicates:
            self.error("team", f"团队成员“{'、'.join(duplicates)}”重复列出，每人只能列一次")
            return
        self.values["team"] = [self.people[pk] for pk in raw]

    def _together(self) -> None:
        """The rules across fields (the occupation, the level and its certificate, the team)."""
        data, final = self.values, self.final
        route = data.get("route") or ""
        code = (data.get("occupation_code") or "").strip().upper()
        name = (data.get("occupation_name") or "").strip()
        if final and not route:
            self.error("route", "请选择职业是否列入《职业分类大典》")
        if route == "listed" and code:
            entry = occupations.lookup(code)
            if entry is None and occupations.to_confirm(code):
                data["occupation_code"] = code  # kept: staff confirm it and add it to the catalogue
                if final and not name:
                    self.error(
                        "occupation_name",
                        f"职业编码 {code} 尚未收录在平台目录中：请填写该职业的名称，工作人员将据此核实并补录",
                    )
            elif entry is None:
                self.error(
                    "occupation_code",
                    f"《职业分类大典》中没有编码 {code}；请按名称搜索选择，或改选“新职业，未列入大典”",
                )
            else:
                data["occupation_code"], data["occupation_name"] = entry["code"], entry["name"]
        elif route == "listed" and final:
            self.error("occupation_code", "请搜索并选择领办人从事的职业（工种）")
        elif route == "unlisted":
            data["occupation_code"] = ""
            if final and not name:
                self.error("occupation_name", "请填写新职业（工种）的名称")
        if final and route == "listed" and not data.get("honors") and not data.get("skill_level"):
            self.error("skill_level", "请选择领办人的技能等级（第5条第2项），或勾选直接认定荣誉")
        if data.get("skill_level") and final and not (data.get("certificate_no") or "").strip():
            self.error("certificate_no", "请填写证书编号，与上传的证书一致（第9条）")
        leader = data.get("leader")
        team = data.get("team") or []
        if leader is not None and any(p.pk == leader.pk for p in team):
            self.error("team", f"领办人“{leader.name}”不能同时列为团队成员（团队为领办人以外的人员）")
        if final:
            for name_, clause, _ in CONDITION_FIELDS:
                if not data.get(f"cond_{name_}"):
                    self.error(f"cond_{name_}", f"请回答此项单位条件（第{clause}条）")


def declared_facts(draft: Draft, previous: dict | None = None) -> dict:
    """The valid part of what was typed, in the shape stored on Application.facts; a fact whose
    field is to fix keeps its ``previous`` value."""
    data = draft.values
    conditions = {}
    notes = {}
    for name, _, _ in CONDITION_FIELDS:
        conditions[name] = ANSWERS.get(data.get(f"cond_{name}"))
        notes[name] = data.get(f"note_{name}", "")
    declared = {
        "scope": data.get("scope", ""),
        "route": data.get("route", ""),
        "skill_level": data.get("skill_level") or None,
        "certificate_no": (data.get("certificate_no") or "").strip(),
        "honors": data.get("honors", []),
        "frontline_years": data.get("frontline_years"),
        "conditions": conditions,
        "condition_notes": notes,
    }
    previous = previous or {}
    for name in declared:
        if name in draft.errors and name in previous:
            declared[name] = previous[name]
    return {**previous, **declared}
