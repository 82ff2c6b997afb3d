from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from masterstudio.catalog import engine
from masterstudio.core.ratelimit import rate_limited
from masterstudio.policy import clauses
from masterstudio.policy.errors import PolicyInputError
from masterstudio.selfcheck.forms import SelfCheckForm

# What a person answers to settle a missing fact (dotted paths of the contract's input).
FACT_QUESTIONS = {
    "unit.in_etown": "单位是否在经开区范围内", "unit.lawful_operation": "是否依法经营",
    "unit.has_talent_pipeline": "是否有技能人才梯队", "unit.has_talent_systems": "是否建立技能人才制度",
    "unit.has_stable_funding": "能否提供稳定资金", "unit.has_facilities": "能否提供场所设备",
    "unit.has_management_rules": "是否有工作室管理制度", "team": "团队正式员工人数",
    "leader.birth_date": "领办人出生日期", "leader.gender": "领办人性别",
    "leader.original_retirement_age": "女职工原法定退休年龄（50 或 55 周岁）", "leader.employed": "领办人是否在职在聘",
    "leader.frontline": "领办人是否在一线岗位", "leader.frontline_years": "一线岗位工作年数",
    "leader.skill_level": "职业技能等级", "leader.occupation_code": "职业编码",
    "leader.practical_mastery": "实操经验和技艺水平（由评审专家认定）", "existing_studios": "是否已有工作室（第7条）",
}


def _initial():
    from masterstudio.applications.models import Round

    now = timezone.now()
    current = Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at").first()
    as_of = timezone.localtime(current.closes_at).date() if current else timezone.localdate()
    return {"as_of": as_of, "unit_kind": "enterprise", "occupation_listed": "listed"}, current


def _funding():
    p = engine.params_on(timezone.localdate())  # the version in force today
    items = [
        ("14.1", "首次认定", p.get("initial_grant_amount")),
        ("14.2", "年度绩效考核优秀（每个优秀年度）", p.get("excellent_reward_amount")),
        ("15.1", "取得国家级技能大师工作室称号", p.get("national_title_reward_amount")),
        ("15.2", "取得北京市级技能大师工作室称号", p.get("beijing_title_reward_amount")),
    ]
    return [(clauses.label(c), what, amount) for c, what, amount in items], p.valid_until


@rate_limited("selfcheck", limit=120, window=60)
def selfcheck(request):
    initial, current_round = _initial()
    form = SelfCheckForm(request.POST or None, initial=initial)
    result, error = None, None
    if request.method == "POST" and form.is_valid():
        try:
            result = engine.ask("eligibility", form.to_payload())
        except PolicyInputError as exc:
            error = exc
            field = (exc.field or "").rsplit(".", 1)[-1]
            if field in form.fields:
                form.add_error(field, exc.message)
    funding, valid_until = _funding()
    context = {
        "form": form, "result": result, "error": error, "round": current_round, "funding": funding,
        "valid_until": valid_until,
        "checks": [dict(c, label=clauses.label(c["clause"])) for c in (result or {}).get("checks", [])],
        "missing": [FACT_QUESTIONS.get(f, f) for f in (result or {}).get("missing_facts", [])],
    }
    template = "selfcheck/_result.html" if request.headers.get("HX-Request") else "selfcheck/selfcheck.html"
    return render(request, template, context)
