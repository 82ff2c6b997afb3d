"""Turning stored records into what pages show: the pre-check panel and the timeline."""
from __future__ import annotations

from masterstudio.applications import facts as app_facts
from masterstudio.applications.models import AppState
from masterstudio.core.events import events_for

OUTCOMES = {"eligible": "符合条件", "undetermined": "待定（需审核或补充）", "ineligible": "不符合条件"}
RESULTS = {"pass": "符合", "fail": "不符合", "unknown": "待定", "waived": "免于审查"}
FACT_LABELS = {
    "as_of": "申报截止日",
    "unit.kind": "单位类型",
    "unit.in_etown": "是否在经开区范围内",
    "unit.lawful_operation": "单位条件：依法经营（第4条第1项）",
    "unit.has_talent_pipeline": "单位条件：技能人才梯队（第4条第2项）",
    "unit.has_talent_systems": "单位条件：人才培养评价激励制度（第4条第3项）",
    "unit.has_stable_funding": "单位条件：稳定的资金支持（第4条第4项）",
    "unit.has_facilities": "单位条件：场所、设备（第4条第4项）",
    "unit.has_management_rules": "单位条件：管理制度、职责、目标（第4条第4项）",
    "leader.name": "领办人",
    "leader.id_number": "领办人身份证号",
    "leader.birth_date": "领办人出生日期",
    "leader.gender": "领办人性别",
    "leader.original_retirement_age": "领办人原法定退休年龄（女职工，在“人员”中填写）",
    "leader.employed": "领办人是否在职在聘（在“人员”中填写）",
    "leader.frontline": "领办人是否在生产服务一线岗位（在“人员”中填写）",
    "leader.frontline_years": "一线工作年限",
    "leader.occupation_code": "职业编码",
    "leader.occupation_name": "职业（工种）名称",
    "leader.skill_level": "技能等级",
    "leader.honors": "直接认定荣誉",
    "leader.practical_mastery": "实操经验与技艺水平（由专家或社会事业局审核认定，第6条第2项）",
    "team": "团队成员",
}
EVENT_LABELS = {
    "application.created": "创建申报草稿",
    "material.uploaded": "上传材料",
    "material.removed": "移除材料",
    "material.downloaded": "下载材料",
}


def _clause_label(clause_id: str) -> str:
    from masterstudio.policy import clauses

    try:
        return clauses.label(clause_id)
    except KeyError:
        return f"第{clause_id}条"


def precheck_view(result: dict | None) -> dict:
    result = result or {}
    if "error" in result:
        return {"error": result["error"]["message"], "field": result["error"].get("field"), "checks": [],
                "blockers": app_facts.submission_blockers(result)}
    if not result:
        return {"empty": True, "checks": [], "blockers": []}
    checks = [
        {**check, "clause_label": _clause_label(check["clause"]), "result_label": RESULTS.get(check["result"], check["result"])}
        for check in result.get("checks", [])
    ]
    return {
        "outcome": result.get("outcome"),
        "outcome_label": OUTCOMES.get(result.get("outcome"), result.get("outcome")),
        "route": result.get("route"),
        "direct_recognition": result.get("direct_recognition"),
        "checks": checks,
        "missing": [FACT_LABELS.get(p, p) for p in result.get("missing_facts", [])],
        "blockers": app_facts.submission_blockers(result),
        "interpretations": result.get("interpretations", []),
        "notes": result.get("notes", []),
        "policy": result.get("policy", {}),
    }


def timeline(application) -> list[dict]:
    """Every event of the application, oldest first, in words a unit understands."""
    labels = dict(AppState.choices)
    rows = []
    for event in events_for(application):
        if event.action == "material.downloaded":
            continue
        if event.to_state:
            title = f"{labels.get(event.from_state, event.from_state)} → {labels.get(event.to_state, event.to_state)}"
        else:
            title = EVENT_LABELS.get(event.action, event.action)
        detail = event.reason or (event.data or {}).get("name", "")
        if event.data and event.data.get("receipt_no") and event.to_state == AppState.SUBMITTED:
            detail = f"受理编号 {event.data['receipt_no']}，第 {event.data.get('version')} 版" + (f"；{detail}" if detail else "")
        rows.append({"at": event.at, "title": title, "detail": detail, "actor": event.actor_label,
                     "clause": event.clause, "state_change": bool(event.to_state)})
    return rows


def conditions_view(application) -> list[dict]:
    declared = application.facts or {}
    answers, notes = declared.get("conditions") or {}, declared.get("condition_notes") or {}
    return [
        {"label": label, "clause": clause, "answer": {True: "是", False: "否"}.get(answers.get(name), "未填写"),
         "note": notes.get(name, "")}
        for name, clause, label in app_facts.CONDITION_FIELDS
    ]
