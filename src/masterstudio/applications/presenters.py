"""Turning stored records into what pages show: the pre-check panel and the timeline."""

from __future__ import annotations

from masterstudio.accounts.models import Role
from masterstudio.applications import extensions
from masterstudio.applications import facts as app_facts
from masterstudio.applications.models import AppState
from masterstudio.core import event_kinds, factlabels
from masterstudio.core.templatetags.platform import action_label
from masterstudio.policy import clauses

OUTCOMES = {"eligible": "符合条件", "undetermined": "待定（需审核或补充）", "ineligible": "不符合条件"}
RESULTS = {"pass": "符合", "fail": "不符合", "unknown": "待定", "waived": "免于审查"}
FACT_LABELS = factlabels.FACT_LABELS  # the one label map of every page (core/factlabels.py)


def _clause_label(clause_id: str) -> str:
    try:
        return clauses.label(clause_id)
    except KeyError:
        return f"第{clause_id}条"


def precheck_view(result: dict | None) -> dict:
    result = result or {}
    if "error" in result:
        return {
            "error": factlabels.humanize(result["error"]["message"]),
            "field": factlabels.label(result["error"].get("field") or ""),
            "checks": [],
            "blockers": [factlabels.humanize(b) for b in app_facts.submission_blockers(result)],
        }
    if not result:
        return {"empty": True, "checks": [], "blockers": []}
    checks = [
        {
            **check,
            "message": factlabels.humanize(check.get("message", "")),
            "clause_label": _clause_label(check["clause"]),
            "result_label": RESULTS.get(check["result"], check["result"]),
        }
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
    """The bureau's record of the application: every event of its history, oldest first, each in
    words (``core.event_kinds``; a reading event appears once per staff session, as recorded)."""
    from masterstudio.applications.selectors import history_events

    labels = dict(AppState.choices)
    rows = []
    for event in history_events(application):
        kind = event_kinds.kind_of_event(event)
        title = kind.label if kind else action_label(event)  # the log's own words for the rest
        if event.to_state and event.content_type_id and event.action.startswith("application."):
            source, target = labels.get(event.from_state, event.from_state), labels.get(event.to_state, event.to_state)
            title = f"{title}（{source} → {target}）"
        data = event.data or {}
        detail = event.reason or data.get("name", "") or data.get("item", "")
        if data.get("receipt_no") and event.to_state == AppState.SUBMITTED:
            detail = f"受理编号 {data['receipt_no']}，第 {data.get('version')} 版" + (f"；{detail}" if detail else "")
        rows.append(
            {
                "at": event.at,
                "title": title,
                "detail": detail,
                "actor": event.actor_label,
                "clause": event.clause,
                "state_change": bool(event.to_state),
            }
        )
    return rows


# ---------------------------------------------------------------- the unit's progress page

STATE_STAGE = {
    AppState.DRAFT: "apply",
    AppState.SUBMITTED: "material",
    AppState.MATERIAL_REVIEW: "material",
    AppState.SUPPLEMENT: "material",
    AppState.SITE_INSPECTION: "site",
    AppState.EXPERT_REVIEW: "experts",
    AppState.EVALUATION: "evaluation",
    AppState.PROPOSED: "evaluation",
    AppState.ON_NOTICE: "notice",
    AppState.RECOGNISED: "result",
    AppState.REJECTED: "result",
    AppState.WITHDRAWN: "result",
}


def unit_state(application) -> str:
    """The state the applying unit is shown (a proposal is the bureau's until published)."""
    return event_kinds.UNIT_SEES_STATE.get(application.state, application.state)


def unit_state_label(application) -> str:
    return dict(AppState.choices).get(unit_state(application), application.state)


def _unit_actor(event) -> str:
    if event.actor is None:
        return "公众" if event.action == "objection.filed" else "系统"
    if event.actor.role == Role.STAFF:
        return "社会事业局"
    return event.actor_label


def _unit_row(event) -> dict:
    kind = event_kinds.kind_of_event(event)
    data = event.data or {}
    title, detail = kind.label, ""
    if kind.detail == "reason":
        detail = event.reason
    elif kind.detail == "name":
        detail = data.get("name", "")
    elif kind.detail == "receipt" and data.get("receipt_no"):
        detail = f"受理编号 {data['receipt_no']}，第 {data.get('version')} 版"
    elif kind.detail == "visit":
        detail = f"考察日期 {data.get('date', '')}，考察人员：{data.get('people', '')}"
    elif kind.detail == "decision":
        title = f"{kind.label}：{extensions.decision_labels.get(data.get('outcome'), '')}"
        detail = event.reason
    elif kind.detail == "objection":
        detail = event.object_repr
    return {
        "at": event.at,
        "title": title,
        "detail": detail,
        "actor": _unit_actor(event),
        "stage": kind.stage,
        "state_change": bool(event.to_state),
    }


def _when(value) -> str:
    from datetime import datetime

    from django.utils import timezone

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
        return f"{value:%Y}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value:%Y}年{value.month}月{value.day}日"


def next_step(application, *, entry=None, visit=None) -> dict:
    """What the unit must do next and by when (``by``: a date or time, or None), from the state it is shown."""
    state = unit_state(application)
    if state == AppState.DRAFT:
        return {"text": "完成填报并提交申报；提交前可随时保存草稿", "by": application.round.closes_at, "act": True}
    if state == AppState.SUPPLEMENT:
        return {"text": "按退回补正意见逐项补正材料，然后重新提交", "by": application.round.closes_at, "act": True}
    if state == AppState.SUBMITTED:
        return {"text": "申报已受理，等待社会事业局材料审核，无需操作", "by": None, "act": False}
    if state == AppState.MATERIAL_REVIEW:
        return {"text": "材料审核中，无需操作；需要补正时会通知您", "by": None, "act": False}
    if state == AppState.SITE_INSPECTION:
        if visit is not None:
            return {
                "text": f"请在考察当天安排工作室场所、设备、团队成员和管理制度备查（考察人员：{visit.people}）",
                "by": visit.scheduled_on,
                "act": True,
            }
        return {"text": "等待社会事业局安排实地考察，安排后会通知您考察日期", "by": None, "act": False}
    if state == AppState.EXPERT_REVIEW:
        return {"text": "专家评审中，无需操作", "by": None, "act": False}
    if state == AppState.EVALUATION:
        return {"text": "综合评议中，无需操作；评议结果在公示时公布", "by": None, "act": False}
    if state == AppState.ON_NOTICE:
        if entry is not None and entry.state == "frozen":
            return {
                "text": "收到异议，社会事业局正在调查核实，可能联系您了解情况；处理结果会通知您",
                "by": None,
                "act": False,
            }
        return {
            "text": "公示中，无需操作；公示期满无异议的，授予称号和铭牌",
            "by": entry.notice.ends_on if entry is not None else None,
            "act": False,
        }
    if state == AppState.RECOGNISED:
        return {"text": "已认定为经开区技能大师工作室，可在“工作室”中查看证书和后续事项", "by": None, "act": False}
    if state == AppState.REJECTED:
        return {"text": "申报未通过，原因见上方记录；如有疑问，请联系社会事业局", "by": None, "act": False}
    return {"text": "申报已撤回；批次开放期间可重新申报", "by": None, "act": False}


def unit_progress(application) -> dict:
    """The unit's progress page: what it may see (``selectors.unit_progress_events``) grouped by
    stage in order, the stage it is in, and what it must do next and by when."""
    from masterstudio.applications.selectors import unit_progress_events

    rows = [_unit_row(event) for event in unit_progress_events(application)]
    current = STATE_STAGE.get(unit_state(application), "apply")
    entry = extensions.notice_entry(application)  # its line of the public notice (notices registers it)
    visit = None
    if application.state == AppState.SITE_INSPECTION:
        visit = application.site_visits.order_by("-pk").first()
    keys = [key for key, _ in event_kinds.STAGES]
    stages = []
    for key, label in event_kinds.STAGES:
        events = [row for row in rows if row["stage"] == key]
        if events or key == current:
            stages.append(
                {
                    "key": key,
                    "label": label,
                    "events": events,
                    "current": key == current,
                    "done": keys.index(key) < keys.index(current),
                }
            )
    step = next_step(application, entry=entry, visit=visit)
    step["by_text"] = _when(step["by"])
    return {"stages": stages, "next": step, "state_label": unit_state_label(application)}


def conditions_view(application) -> list[dict]:
    declared = application.facts or {}
    answers, notes = declared.get("conditions") or {}, declared.get("condition_notes") or {}
    return [
        {
            "label": label,
            "clause": clause,
            "answer": {True: "是", False: "否"}.get(answers.get(name), "未填写"),
            "note": notes.get(name, ""),
        }
        for name, clause, label in app_facts.CONDITION_FIELDS
    ]
