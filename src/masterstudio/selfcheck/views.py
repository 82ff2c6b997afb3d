from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from masterstudio.applications.models import Round
from masterstudio.catalog import engine
from masterstudio.core import factlabels
from masterstudio.core.ratelimit import rate_limited
from masterstudio.policy import clauses
from masterstudio.policy.errors import PolicyInputError
from masterstudio.selfcheck.forms import SelfCheckForm

# The engine's input paths whose form field has another name (the rest: the path's last part).
FIELD_OF_PATH = {
    "team": "team_size",
    "unit.kind": "unit_kind",
    "existing_studios": "leader_has_studio",
    "leader.occupation_name": "occupation_name",
}


def _field_for(form, path: str | None) -> str | None:
    """The form field an engine error names (``leader.birth_date`` → ``birth_date``), if any."""
    if not path:
        return None
    for prefix, name in FIELD_OF_PATH.items():
        if path == prefix or path.startswith(prefix + "."):
            return name
    name = path.rsplit(".", 1)[-1]
    return name if name in form.fields else None


def _initial():

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
            error = factlabels.humanize(exc.message)
            field = _field_for(form, exc.field)
            form.add_error(field, error)  # beside its field, or above the form
    errors = (
        [
            (form.fields[name].label if name in form.fields else "", message)
            for name, messages in form.errors.items()
            for message in messages
        ]
        if form.is_bound
        else []
    )
    funding, valid_until = _funding()
    context = {
        "form": form,
        "result": result,
        "error": error,
        "round": current_round,
        "funding": funding,
        "valid_until": valid_until,
        "checks": [
            dict(c, label=clauses.label(c["clause"]), message=factlabels.humanize(c.get("message", "")))
            for c in (result or {}).get("checks", [])
        ],
        "missing": factlabels.labels((result or {}).get("missing_facts", [])),
        "errors": errors,
    }
    htmx = bool(request.headers.get("HX-Request"))
    context["oob"] = htmx  # the panel's answer also replaces each field's error list (hx-swap-oob)
    template = "selfcheck/_result.html" if htmx else "selfcheck/selfcheck.html"
    return render(request, template, context, status=400 if errors and not htmx else 200)
