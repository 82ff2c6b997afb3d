"""Turning stored records into what pages show: the pre-check panel and the timeline."""
from __future__ import annotations

from masterstudio.applications import facts as app_facts
from masterstudio.applications.models import AppState
from masterstudio.core import factlabels
from masterstudio.core.events import events_for

OUTCOMES = {"eligible": "符合条件", "undetermined": "待定（需审核或补充）", "ineligible": "不符合条件"}
RESULTS = {"pass": "符合", "fail": "不符合", "unknown": "待定", "waived": "免于审查"}
FACT_LABELS = factlabels.FACT_LABELS  # the one label map of every page (core/factlabels.py)
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
        return {"error": factlabels.humanize(result["error"]["message"]),
                "field": factlabels.label(result["error"].get("field") or ""), "checks": [],
                "blockers": [factlabels.humanize(b) for b in app_facts.submission_blockers(result)]}
    if not result:
        return {"empty": True, "checks": [], "blockers": []}
    checks = [
        {**check, "message": factlabels.humanize(check.get("message", "")),
         "clause_label": _clause_label(check["clause"]),
         "result_label": RESULTS.get(check["result"], check["result"])}
        for check in result.get("checks", [])
    ]
    return {
        "outcome": result.get("outcome"),
        "outcome_label": OUTCOMES.get(result.get("outcome"), result.get("outcome")),
        "route": result.get("route"),
        "direct_recognition": result.get("direct_recognition"),
        "checks": checks,
        "missing": factlabels.labels(result.get("missing_facts", [])),
        "blockers": [factlabels.humanize(b) for b in app_facts.submission_blockers(result)],
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
