"""One Chinese label for every fact of the policy calculator's eligibility input
(`contracts/policy-api.md`), used by every page that names a fact: the public self-check, the
wizard's pre-check panel, the reviewer's "认定事实" form and its findings. The dotted paths are
the contract's and stay internal: :func:`label` never gives one back, and :func:`humanize` turns
the paths the engine writes into its messages (``（existing_studios）``, ``leader.birth_date 的日期…``)
into these labels."""

from __future__ import annotations

import re

FACT_LABELS: dict[str, str] = {
    "as_of": "申报截止日",
    "unit": "申报单位",
    "unit.name": "单位名称",
    "unit.credit_code": "统一社会信用代码",
    "unit.kind": "单位类型",
    "unit.in_etown": "单位是否在经开区范围内",
    "unit.lawful_operation": "单位是否遵守法律法规、依法经营（第四条第（一）项）",
    "unit.has_talent_pipeline": "单位是否有技能人才梯队（第四条第（二）项）",
    "unit.has_talent_systems": "单位是否建立技能人才培养、评价、选拔、使用和激励制度（第四条第（三）项）",
    "unit.has_stable_funding": "单位能否提供稳定的资金支持（第四条第（四）项）",
    "unit.has_facilities": "单位能否提供场所、设备等必要工作条件（第四条第（四）项）",
    "unit.has_management_rules": "是否有工作室管理制度、工作职责、目标任务（第四条第（四）项）",
    "unit.branch": "分厂/分公司",
    "leader": "领办人",
    "leader.name": "领办人姓名",
    "leader.id_number": "领办人身份证号",
    "leader.birth_date": "领办人出生日期",
    "leader.gender": "领办人性别",
    "leader.original_retirement_age": "女职工原法定退休年龄（50 或 55 周岁）",
    "leader.employed": "领办人是否在职在聘",
    "leader.frontline": "领办人是否在生产服务一线岗位",
    "leader.frontline_years": "领办人在一线岗位工作的年数",
    "leader.occupation_code": "职业编码",
    "leader.occupation_name": "职业（工种）名称",
    "leader.skill_level": "职业技能等级",
    "leader.honors": "直接认定的称号",
    "leader.practical_mastery": "实操经验与技艺水平（由评审专家认定，或由社会事业局审核认定；第六条第（二）项）",
    "team": "团队成员（领办人以外的正式员工）",
    "team.name": "团队成员姓名",
    "team.formal_employee": "团队成员是否为正式员工",
    "existing_studios": "已有工作室情况（第七条）",
    "existing_studios.leader_id_number": "已有工作室领办人身份证号",
    "existing_studios.leader_name": "已有工作室领办人姓名",
    "existing_studios.credit_code": "已有工作室所在单位的统一社会信用代码",
    "existing_studios.branch": "已有工作室所在分厂/分公司",
    "existing_studios.occupation_code": "已有工作室的职业编码",
    "existing_studios.occupation_name": "已有工作室的职业名称",
}

# What a reviewer may settle in "认定事实" (the facts the engine cannot know from the application).
FINDABLE = [
    "leader.practical_mastery",
    "unit.lawful_operation",
    "unit.has_talent_pipeline",
    "unit.has_talent_systems",
    "unit.has_stable_funding",
    "unit.has_facilities",
    "unit.has_management_rules",
    "leader.employed",
    "leader.frontline",
    "unit.in_etown",
]

_INDEX = re.compile(r"\.(\d+)(?=\.|$)")
_PATH = re.compile(r"(?<![A-Za-z_.])(as_of|unit|leader|team|existing_studios)((?:\.(?:\d+|[a-z_]+))*)(?![A-Za-z_])")


def label(path: str) -> str:
    """The Chinese label of a dotted contract path (``team.2.name`` → "第 3 名团队成员姓名")."""
    path = (path or "").strip()
    if path in FACT_LABELS:
        return FACT_LABELS[path]
    numbers = _INDEX.findall(path)
    general = _INDEX.sub("", path)
    if general in FACT_LABELS:
        text = FACT_LABELS[general]
        if numbers and general.startswith("team"):
            return f"第 {int(numbers[0]) + 1} 名团队成员" + text.removeprefix("团队成员")
        if numbers and general.startswith("existing_studios"):
            return f"第 {int(numbers[0]) + 1} 个已有工作室" + text.removeprefix("已有工作室")
        return text
    head = general.split(".")[0]
    return FACT_LABELS.get(head, "其他情况")


def labels(paths) -> list[str]:
    return [label(p) for p in paths or []]


def humanize(text: str) -> str:
    """``text`` with every contract path in it replaced by its label."""
    if not text:
        return text or ""
    return _PATH.sub(lambda m: label(m.group(0)), text)


def choices() -> list[tuple[str, str]]:
    """(path, label) of the facts a reviewer may settle, for a select."""
    return [(path, FACT_LABELS[path]) for path in FINDABLE]
