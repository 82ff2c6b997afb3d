"""The application's facts in the policy engine's contract shape (contracts/policy-api.md,
``eligibility``), and the one call to the engine's eligibility question.

The rules of the Measures live only in the engine; this module gathers facts. Issue 5 passes staff
findings (``findings={"leader.practical_mastery": True}``) to re-evaluate with what review found.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Value
from django.utils import timezone

from masterstudio.applications import extensions
from masterstudio.applications.models import OPEN_STATES, Application, Round
from masterstudio.catalog.engine import ask
from masterstudio.policy.errors import PolicyInputError

CONDITION_FIELDS = [
    # (fact name in the contract, clause, Chinese label)
    ("lawful_operation", "4.1", "遵守法律法规，在经开区范围内依法经营"),
    ("has_talent_pipeline", "4.2", "除领办人外，拥有相关职业、岗位技能人才梯队"),
    ("has_talent_systems", "4.3", "建立了较为完善的技能人才培养、评价、选拔、使用和激励制度"),
    ("has_stable_funding", "4.4", "能为工作室提供稳定的资金支持"),
    ("has_facilities", "4.4", "能提供包括场所、设备在内的必要工作条件"),
    ("has_management_rules", "4.4", "有明确的工作室管理制度、工作职责、目标任务"),
]


def round_reference_date(round_: Round) -> date:
    """Interpretation 1: the reference date is the round's closing date (Asia/Shanghai). A round
    closing at 00:00 closes at the end of the previous day."""
    return timezone.localtime(round_.closes_at - timedelta(microseconds=1)).date()


def _leader_facts(application: Application, declared: dict) -> dict:
    person = application.leader
    route = declared.get("route") or application.route
    facts: dict[str, Any] = {
        "name": None,
        "id_number": None,
        "birth_date": None,
        "gender": None,
        "original_retirement_age": None,
        "employed": None,
        "frontline": None,
        "frontline_years": declared.get("frontline_years"),
        "occupation_code": (application.occupation_code or None) if route == "listed" else None,
        "occupation_name": application.occupation_name or None,
        "skill_level": declared.get("skill_level") or None,
        "honors": list(declared.get("honors") or []),
        "practical_mastery": None,  # interpretation 3: settled by an expert or staff member
    }
    if person is not None:
        facts.update(
            name=person.name,
            id_number=person.id_number,
            birth_date=person.birth_date.isoformat(),
            gender=person.gender,
            original_retirement_age=person.original_retirement_age,
            employed=person.employed,
            frontline=person.frontline,
        )
    return facts


def existing_studios(application: Application, *, with_sources: bool = False):
    """Live studios and the round's other open applications that could collide with this one
    under Art. 7: the same leader (by ID number) or the same unit. ``with_sources``: also the
    list saying, entry by entry, which is an application (its receipt number) and which a studio.
    The live studios are the Art. 7 holders the studios app registers (``extensions``)."""

    leader_index = application.leader.id_index if application.leader_id else None
    near = Q(unit_id=application.unit_id)
    if leader_index:  # the leader's key as recorded at submission (the key Art. 7's constraints hold)
        near |= Q(leader_key=leader_index)
    # only the columns the engine reads (the rows themselves are wide: facts, pre-checks, files),
    # studios and applications in one query
    columns = (
        "leader__id_number",
        "leader__name",
        "unit__credit_code",
        "branch__name",
        "occupation_code",
        "occupation_name",
    )
    studios = [
        holders.order_by().annotate(source=Value("")).values_list(*columns, "source")
        for holders in extensions.art7_holders(near)
    ]
    others = (
        Application.objects.filter(near, round_id=application.round_id, state__in=OPEN_STATES)
        .exclude(pk=application.pk)
        .order_by()
        .values_list(*columns, "receipt_no")
    )
    rows = studios[0].union(*studios[1:], others, all=True) if studios else others
    entries, sources = [], []
    for id_number, name, credit_code, branch, code, occupation, source in rows:
        entries.append(
            {
                "leader_id_number": id_number,
                "leader_name": name,
                "credit_code": credit_code,
                "branch": branch,
                "occupation_code": code or None,
                "occupation_name": occupation or None,
            }
        )
        sources.append(source)  # "" a studio, else the receipt number of an application of this round
    if with_sources:
        return entries, sources
    return entries


def _pending_not_studio(result: dict, sources: list[str]) -> dict:
    """The engine reads every entry of ``existing_studios`` as a studio. When what Art. 7 met is an
    application of this round still under way (not a studio), say so: "本批次已有该领办人的申报"."""
    if "error" in result or not any(sources):
        return result
    for check in result.get("checks", []):
        if check.get("result") != "fail":
            continue
        if check.get("clause") == "7.1":
            matched = (check.get("facts") or {}).get("matched") or []
            if matched and all(0 <= i < len(sources) and sources[i] for i in matched):
                numbers = "、".join(dict.fromkeys(sources[i] for i in matched))
                check["message"] = (
                    f"本批次已有该领办人的申报（受理编号 {numbers}），尚在办理中；"
                    "同一领办人只能领办一个经开区技能大师工作室（第七条）。请另选领办人，或先撤回该申报"
                )
        elif check.get("clause") in ("7.2", "7.3") and all(sources):
            numbers = "、".join(dict.fromkeys(sources))
            check["message"] = (
                f"本批次本单位已有相同职业（工种）的申报（受理编号 {numbers}），尚在办理中；"
                "同一单位（分厂、分公司）相同职业只能建立一个工作室（第七条）。请核对职业或申报主体"
            )
    return result


def _set_path(target: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


def build_input(
    application: Application,
    *,
    findings: dict[str, Any] | None = None,
    team: list | None = None,
    with_sources: bool = False,
):
    """The engine's ``eligibility`` input for this application.

    ``findings`` maps dotted contract paths to what review established (for example
    ``{"leader.practical_mastery": True, "unit.has_facilities": False}``); they replace the
    unit's declarations. ``team``: the team's people in order, when the caller has them loaded.
    """
    declared = application.facts or {}
    unit = application.unit
    conditions = declared.get("conditions") or {}
    existing, sources = existing_studios(application, with_sources=True)
    data = {
        "as_of": round_reference_date(application.round).isoformat(),
        "unit": {
            "name": unit.name,
            "credit_code": unit.credit_code,
            "kind": unit.kind,
            "in_etown": unit.in_etown,
            **{name: conditions.get(name) for name, _, _ in CONDITION_FIELDS},
            "branch": application.branch.name if application.branch_id else None,
        },
        "leader": _leader_facts(application, declared),
        "team": [
            {"name": p.name, "formal_employee": p.formal_employee}
            for p in (
                team if team is not None else [m.person for m in application.team_members.select_related("person")]
            )
        ],
        "existing_studios": existing,
    }
    for path, value in (findings or {}).items():
        _set_path(data, path, value)
    if with_sources:
        return data, sources
    return data


def evaluate(engine_input: dict, *, policy_version: str | None = None) -> dict:
    """Ask the engine under the round's policy version. Returns its answer, or
    ``{"error": {...}}`` when the question cannot be answered as asked (the contract's error
    object, e.g. an unknown occupation code)."""
    try:
        return ask("eligibility", engine_input, params=policy_version or None)
    except PolicyInputError as exc:
        return exc.to_dict()


def precheck(
    application: Application, *, findings: dict[str, Any] | None = None, team: list | None = None
) -> tuple[dict, dict]:
    """(engine input, engine answer) for the application as it stands."""
    engine_input, sources = build_input(application, findings=findings, team=team, with_sources=True)
    result = evaluate(engine_input, policy_version=application.round.policy_version)
    return engine_input, _pending_not_studio(result, sources)


def submission_blockers(result: dict) -> list[str]:
    """Why the unit may not submit, in Chinese, each naming its clause; empty when it may.

    An ``unknown`` check does not block: staff and experts settle it in review. A ``fail`` does:
    every fail rests on what the unit itself declared, on the leader's ID number or on the
    register of studios and open applications (Art. 7), and no later review turns it into a pass.
    """
    if "error" in result:
        return [result["error"]["message"]]
    return [
        f"第{check['clause']}条：{check['message']}"
        for check in result.get("checks", [])
        if check.get("result") == "fail"
    ]
