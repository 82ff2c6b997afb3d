"""Who may see which event, and from when: one declaration per event kind.

Every event that can sit on an application's history — on the application itself, on its line
of the public notice, on an objection against that line — is declared here once, with

* its words for people (``label``: plain Chinese, never the event code);
* its audience: ``UNIT`` (the applying unit sees it on its progress page, from ``when`` on),
  ``STAFF`` (the bureau's records only) or ``READING`` (someone opened or downloaded something:
  the staff log only, recorded once per signed-in session, :func:`record_read`);
* ``when``, the condition from which the unit may see it: ``ALWAYS``, or ``PUBLISHED`` (the
  comprehensive evaluation's result has been published with the notice, Art. 10: "公布前不通知单位");
* the stage of the process it belongs to, and which of its details the unit may read.

State changes are declared by their transition — the machine's model, the source state (``""``:
any) and the target — so the same action from two sources can differ (综合评议 after the experts
is news for the unit; 综合评议 again after a proposal was withdrawn is the bureau's deliberation).
A kind that is not declared is shown to no unit; ``tests/core/test_event_kinds.py`` walks the
state tables and every event recorded on these objects and fails on a kind without a declaration.
The event model and its hash chain are untouched: visibility is a reading rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

UNIT, STAFF, READING = "unit", "staff", "reading"
ALWAYS, PUBLISHED = "always", "published"

# The stages of the unit's progress page, in order.
STAGES = [
    ("apply", "填报与提交"),
    ("material", "材料审核"),
    ("site", "实地考察"),
    ("experts", "专家评审"),
    ("evaluation", "综合评议"),
    ("notice", "公示"),
    ("result", "认定结果"),
]
STAGE_LABELS = dict(STAGES)

# A state the unit is not shown yet, and the state it is shown instead: a proposal (拟认定) is the
# bureau's deliberation until it is published with the notice.
UNIT_SEES_STATE = {"proposed": "evaluation"}


@dataclass(frozen=True)
class Kind:
    action: str
    label: str
    audience: str
    stage: str = ""
    from_state: str = ""  # transitions: the source state ("" = any source)
    when: str = ALWAYS
    detail: str = ""  # what the unit reads under the title: "reason", "name", "visit", "receipt", "decision"

    def visible_to_unit(self, published: bool) -> bool:
        return self.audience == UNIT and (self.when == ALWAYS or (self.when == PUBLISHED and published))


_KINDS: dict[tuple[str, str], Kind] = {}


def _declare(
    action: str,
    label: str,
    audience: str,
    stage: str = "",
    *,
    from_state: str = "",
    when: str = ALWAYS,
    detail: str = "",
) -> None:
    if stage and stage not in STAGE_LABELS:
        raise ValueError(f"unknown stage {stage!r}")
    key = (action, from_state)
    if key in _KINDS:
        raise ValueError(f"event kind {key} declared twice")
    _KINDS[key] = Kind(action, label, audience, stage, from_state, when, detail)


def _transition(model: str, source: str, target: str, label: str, audience: str, stage: str = "", **kw) -> None:
    _declare(f"{model}.{target}", label, audience, stage, from_state=source, **kw)


# ---------------------------------------------------------------- the application's own events

_declare("application.created", "创建申报草稿", UNIT, "apply")
_declare("material.uploaded", "上传材料", UNIT, "apply", detail="name")
_declare("material.removed", "移除材料", UNIT, "apply", detail="name")
_declare("material.downloaded", "下载申报材料", READING)
_declare("review.item", "审核材料项", STAFF, "material")
_declare("review.finding", "认定事实", STAFF, "material")
_declare("visit.scheduled", "社会事业局已安排实地考察", UNIT, "site", detail="visit")
_declare("visit.recorded", "记录实地考察情况", STAFF, "site")
_declare("visit.photo", "上传考察照片", STAFF, "site")
_declare("visit.photo_downloaded", "查看考察照片", READING)
# the bureau's deliberation: the unit reads the published decision (its outcome and reason) only
# once the result is published with the notice
_declare("decision.saved", "综合评议结论", UNIT, "evaluation", when=PUBLISHED, detail="decision")

# ---------------------------------------------------------------- the application's transitions

_A = "application"
_transition(_A, "draft", "submitted", "提交申报", UNIT, "apply", detail="receipt")
_transition(_A, "draft", "withdrawn", "放弃草稿", UNIT, "result", detail="reason")
_transition(_A, "submitted", "material_review", "社会事业局开始材料审核", UNIT, "material")
_transition(_A, "submitted", "withdrawn", "撤回申报", UNIT, "result", detail="reason")
_transition(_A, "material_review", "supplement", "退回补正", UNIT, "material", detail="reason")
_transition(_A, "material_review", "site_inspection", "材料审核通过", UNIT, "material", detail="reason")
_transition(_A, "material_review", "rejected", "材料审核未通过", UNIT, "material", detail="reason")
_transition(_A, "material_review", "withdrawn", "撤回申报", UNIT, "result", detail="reason")
_transition(_A, "supplement", "submitted", "补正后重新提交", UNIT, "material", detail="receipt")
_transition(_A, "supplement", "withdrawn", "撤回申报", UNIT, "result", detail="reason")
# the inspectors' findings stay with the bureau; the unit learns the outcome
_transition(_A, "site_inspection", "expert_review", "实地考察通过，进入专家评审", UNIT, "site")
_transition(_A, "site_inspection", "rejected", "实地考察未通过", UNIT, "site", detail="reason")
_transition(_A, "site_inspection", "withdrawn", "撤回申报", UNIT, "result", detail="reason")
_transition(_A, "expert_review", "evaluation", "专家评审完成，进入综合评议", UNIT, "experts")
_transition(_A, "expert_review", "withdrawn", "撤回申报", UNIT, "result", detail="reason")
_transition(_A, "evaluation", "proposed", "列入拟认定名单（待公示）", STAFF, "evaluation")
_transition(_A, "proposed", "evaluation", "公示前撤回拟认定决定", STAFF, "evaluation")
# at publication: the result of the evaluation is published (its reason is the decision's, above)
_transition(_A, "evaluation", "rejected", "综合评议结果公布：不予认定", UNIT, "evaluation", when=PUBLISHED)
_transition(_A, "proposed", "on_notice", "列入拟认定名单并向社会公示", UNIT, "notice", detail="reason")
_transition(_A, "on_notice", "recognised", "公示期满无异议，认定为经开区技能大师工作室", UNIT, "result")
_transition(_A, "on_notice", "rejected", "公示期间异议成立，不予认定", UNIT, "result", detail="reason")

# ---------------------------------------------------------------- the notice entry and objections

_E = "noticeentry"
_transition(_E, "listed", "frozen", "收到异议，该条目暂停公示，社会事业局调查核实", UNIT, "notice")
_transition(_E, "frozen", "listed", "异议不成立，恢复公示", UNIT, "notice")
_transition(_E, "frozen", "removed", "异议成立，撤出公示名单", UNIT, "notice")
_transition(_E, "listed", "recognised", "公示条目标为已认定", STAFF, "result")

_O = "objection"
# who objected, how to reach them and what they wrote stay with the bureau (the objector is protected)
_declare("objection.filed", "收到实名异议", UNIT, "notice", detail="objection")
_transition(_O, "received", "investigating", "社会事业局开始调查核实异议", UNIT, "notice", detail="objection")
_transition(_O, "received", "upheld", "异议处理结果：异议成立", UNIT, "notice", detail="objection")
_transition(_O, "received", "dismissed", "异议处理结果：异议不成立", UNIT, "notice", detail="objection")
_transition(_O, "investigating", "upheld", "异议处理结果：异议成立", UNIT, "notice", detail="objection")
_transition(_O, "investigating", "dismissed", "异议处理结果：异议不成立", UNIT, "notice", detail="objection")
_declare("objection.evidence_downloaded", "查看异议证据", READING)

# ---------------------------------------------------------------- reading events elsewhere

for _action, _label in [
    ("studio.certificate_downloaded", "下载认定证书"),
    ("rectification.file_downloaded", "下载整改材料"),
    ("ledger.voucher_download", "下载专账凭证"),
    ("studio_activity.photo_download", "查看活动照片"),
    ("grant.document_download", "下载资金文件"),
    ("revocation.file_downloaded", "下载撤销材料"),
    ("annualsummary.attachment_downloaded", "下载年度总结附件"),
    ("evaluation.report_download", "下载评估报告"),
    ("audit.anchors_downloaded", "下载审计日志锚点文件"),
    ("supervision.file_downloaded", "下载督导检查材料"),
]:
    _declare(_action, _label, READING)


# ---------------------------------------------------------------- reading the declarations


def declared() -> dict[tuple[str, str], Kind]:
    return dict(_KINDS)


def kind_of(action: str, from_state: str = "") -> Kind | None:
    """The declaration of an event (a transition's own, else its action's)."""
    return _KINDS.get((action, from_state or "")) or _KINDS.get((action, ""))


def kind_of_event(event) -> Kind | None:
    return kind_of(event.action, event.from_state)


def label_of(event) -> str:
    """An event in words (the staff's records too): the declared label, else the action's code."""
    kind = kind_of_event(event)
    return kind.label if kind else event.action


def unit_candidates() -> Q:
    """The events a unit may ever see (before the conditions of :func:`visible_to_unit`), as a query."""
    query = Q(pk__in=[])
    for kind in _KINDS.values():
        if kind.audience != UNIT:
            continue
        one = Q(action=kind.action)
        if kind.from_state:
            one &= Q(from_state=kind.from_state)
        query |= one
    return query


def visible_to_unit(event, *, published: bool, published_version: int | None = None) -> bool:
    """The one rule: may the applying unit see ``event``? ``published``: the application's
    evaluation result has been published with the notice; ``published_version``: the version of
    the decision then published (a decision saved and changed before publication shows its
    published version only)."""
    kind = kind_of_event(event)
    if kind is None or not kind.visible_to_unit(published):
        return False
    if kind.detail == "decision":
        return (event.data or {}).get("version") == published_version
    return True


READING_ACTIONS = frozenset(k.action for k in _KINDS.values() if k.audience == READING)
_SESSION_KEY = "_reads_recorded"
_SESSION_KEEP = 400


def record_read(request, action: str, *, obj=None, key="", **kwargs):
    """Record that someone opened or downloaded something (a READING kind): once per signed-in
    session for the same thing (``obj`` and ``key``: e.g. the file's id), so reading a photo ten
    times leaves one line in the staff log. Returns the event, or None when already recorded."""
    if action not in READING_ACTIONS:
        raise ValueError(f"{action} is not declared as a reading event in core/event_kinds.py")
    from masterstudio.core.events import record_event

    session = getattr(request, "session", None)
    marker = f"{action}|{obj._meta.label_lower if obj is not None else ''}|{getattr(obj, 'pk', '')}|{key}"
    if session is not None and session.session_key:
        seen = list(session.get(_SESSION_KEY, []))
        if marker in seen:
            return None
        seen.append(marker)
        session[_SESSION_KEY] = seen[-_SESSION_KEEP:]
    return record_event(action, obj=obj, actor=getattr(request, "user", None), **kwargs)
