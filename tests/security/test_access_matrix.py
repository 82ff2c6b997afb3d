"""The access matrix (issue 8, item 1): every URL pattern of the platform, requested by every member
of the cast, against an explicit expectation.

* ``EXPECT`` has one entry per URL name. A URL pattern without an entry fails
  ``test_every_url_has_an_expectation`` with its name — a new page cannot land unchecked.
* The world (tests/security/world.py) holds objects of unit A and unit B; path arguments are filled
  with unit A's objects, so unit B, the expert not assigned, the expert who declared a conflict and
  the evaluator whose scope is B's studio must be refused — with 404 where the object's existence
  is not public.
* Every role is requested with GET. Then every role refused on GET (and, for POST-only views,
  every role listed in the POST expectation) sends a POST, which must be refused the same way and
  write nothing: the event log, where every write is recorded, does not grow.

Codes: 200 (any 2xx), "login" (302 to the sign-in page), "reauth" (302 to re-authentication),
302 (another redirect), 403, 404, 405.
"""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from masterstudio.core.models import Event

ROLES = [
    "anon",
    "unit_a",
    "unit_b",
    "leader",
    "leader_own",
    "leader_other",
    "reviewer",
    "approver",
    "finance",
    "sysadmin",
    "auditor",
    "expert_in",
    "expert_out",
    "expert_conflict",
    "evaluator_in",
    "evaluator_out",
]
GROUPS = {
    "units": ["unit_a", "unit_b", "leader", "leader_own", "leader_other"],
    # who may open studio A's records: its unit, the unit's leader account not linked to a person,
    # and the leader of studio A; the leader of A's other studio (same unit) may not (issue 16.5)
    "a": ["unit_a", "leader", "leader_own"],
    "ua": ["unit_a", "leader", "leader_own", "leader_other"],  # unit A's own records (applications)
    "staff": ["reviewer", "approver", "finance", "sysadmin", "auditor"],
    "business": ["reviewer", "approver", "finance"],
    "rev_app": ["reviewer", "approver"],
    "experts": ["expert_in", "expert_out", "expert_conflict"],
    "evaluators": ["evaluator_in", "evaluator_out"],
    "signed": ROLES[1:],
}


def spec(text: str) -> dict[str, object]:
    """'anon=login a=200 staff=200 *=404' → {role: code}. Later words override earlier ones;
    '*' fills every role not named."""
    result: dict[str, object] = {}
    default = None
    for word in text.split():
        key, _, value = word.partition("=")
        code: object = int(value) if value.isdigit() else value
        if key == "*":
            default = code
            continue
        for role in GROUPS.get(key, [key]):
            assert role in ROLES, f"unknown role {role} in {text!r}"
            result[role] = code
    for role in ROLES:
        result.setdefault(role, default)
    missing = [r for r, c in result.items() if c is None]
    assert not missing, f"no expectation for {missing} in {text!r}"
    return result


# GET expectations, and for views that take POST only, which roles are refused on POST and how.
# Objects are unit A's (see module docstring).
PUBLIC = "*=200"
LOGIN_ANY = "anon=login signed=200"
EXPECT: dict[str, tuple[str, str | None]] = {
    # ------------------------------------------------------------------ core
    "core:home": ("anon=200 *=302", None),
    "core:manage": ("anon=login staff=200 *=403", None),
    "core:activity_log": ("anon=login staff=200 *=403", None),
    "core:audit_anchors": ("anon=login auditor=200 *=403", None),
    "core:demo_clock": ("anon=login staff=404 *=403", None),  # demo mode only: absent here (issue 18.15)
    "core:expert": ("anon=login experts=200 *=403", None),
    "core:evaluator": ("anon=login evaluators=200 *=403", None),
    "core:notifications": (LOGIN_ANY, None),
    "core:notifications_read_all": ("anon=login signed=405", "anon=login"),
    "core:notification_read": ("anon=login signed=405", "anon=login signed=404 unit_a=skip"),
    # ------------------------------------------------------------------ accounts
    "accounts:login": (PUBLIC, None),
    "accounts:login_verify": ("*=login", None),
    "accounts:login_enrol": ("*=login", None),
    "accounts:login_password": ("*=login", None),
    "accounts:reauth": (LOGIN_ANY, None),
    "accounts:logout": ("*=405", ""),
    "accounts:register": (PUBLIC, None),
    "accounts:account": (LOGIN_ANY, None),
    "accounts:password_change": (LOGIN_ANY, None),
    "accounts:user_list": ("anon=login sysadmin=200 *=403", None),
    "accounts:user_create": ("anon=login sysadmin=200 *=403", None),
    "accounts:user_toggle": ("anon=login sysadmin=405 *=403", "anon=login *=403 sysadmin=skip"),
    "accounts:user_reset": ("anon=login sysadmin=405 *=403", "anon=login *=403 sysadmin=skip"),
    "accounts:duty_request": ("anon=login sysadmin=404 *=403", None),
    "accounts:duty_grants": ("anon=login business=200 auditor=200 *=403", None),
    "accounts:duty_grant_decide": (
        "anon=login business=405 auditor=405 *=403",
        "anon=login *=403 business=skip auditor=skip",
    ),
    "accounts:unit_registrations": ("anon=login rev_app=200 *=403", None),
    "accounts:unit_registration_detail": ("anon=login rev_app=200 *=403", None),
    # ------------------------------------------------------------------ public calculator and API
    "api:openapi-json": (PUBLIC, None),
    "api:openapi-view": (PUBLIC, None),
    "api:policy_eligibility": ("*=405", ""),
    "api:policy_retirement": ("*=405", ""),
    "api:policy_deadline": ("*=405", ""),
    "api:policy_funding": ("*=405", ""),
    "api:policy_identity": ("*=405", ""),
    "api:api-root": ("*=404", None),
    "selfcheck:selfcheck": (PUBLIC, None),
    "policytools:parameters": ("anon=login staff=200 *=403", None),
    "policytools:versions": ("anon=login staff=200 *=403", None),
    "policytools:version_new": ("anon=login rev_app=200 *=403", None),
    "policytools:version": ("anon=login staff=200 *=403", None),
    "policytools:version_confirm": ("anon=login approver=405 *=403", "anon=login *=403 approver=skip"),
    "policytools:version_withdraw": ("anon=login approver=405 *=403", "anon=login *=403 approver=skip"),
    "catalog:occupation_search": (PUBLIC, None),
    "catalog:occupations": ("anon=login staff=200 *=403", None),
    "catalog:calendar": ("anon=login staff=200 *=403", None),
    "catalog:calendar_edit": ("anon=login reviewer=200 *=403", None),
    "catalog:calendar_proposal": ("anon=login staff=200 *=403", None),
    "catalog:occupations_import": ("anon=login reviewer=200 *=403", None),
    "catalog:occupations_template": ("anon=login staff=200 *=403", None),
    "workspaces:add_occupation_from_application": ("anon=login reviewer=405 *=403", "anon=login *=403 reviewer=skip"),
    # ------------------------------------------------------------------ unit workspace
    "units:dashboard": ("anon=login units=200 *=403", None),
    "units:people": ("anon=login units=200 *=403", None),
    "units:person_create": ("anon=login unit_a=200 unit_b=200 *=403", None),
    "units:person_edit": ("anon=login unit_a=200 unit_b=404 *=403", None),
    "units:branches": ("anon=login units=200 *=403", None),
    # ------------------------------------------------------------------ applications
    "applications:mine": ("anon=login units=200 *=403", None),
    "applications:rounds_public": (PUBLIC, None),
    "applications:start": ("anon=login units=405 *=403", "anon=login *=403 units=skip"),
    "applications:occupation_search": ("anon=401 signed=200", None),
    "applications:detail": ("anon=login ua=200 unit_b=404 *=403", None),
    "applications:edit": ("anon=login ua=302 unit_b=404 *=403", None),
    "applications:autosave": (
        "*=405",
        "anon=401 unit_b=404 leader=403 staff=403 experts=403 evaluators=403 unit_a=skip",
    ),
    "applications:add_person": ("anon=login units=405 *=403", "anon=login unit_b=404 *=403 ua=skip"),
    "applications:upload": ("anon=login units=405 *=403", "anon=login unit_b=404 *=403 ua=skip"),
    "applications:submit": ("anon=login units=405 *=403", "anon=login unit_b=404 *=403 ua=skip"),
    "applications:withdraw": ("anon=login units=405 *=403", "anon=login unit_b=404 *=403 ua=skip"),
    "applications:snapshot": ("anon=login ua=200 unit_b=404 business=200 auditor=200 expert_in=200 *=404", None),
    "applications:download": ("anon=login ua=200 unit_b=404 business=200 auditor=200 expert_in=200 *=404", None),
    "applications:remove_material": ("anon=login units=405 *=403", "anon=login unit_b=404 *=403 ua=skip"),
    "applications:staff_list": ("anon=login staff=200 *=403", None),
    "applications:staff_export": ("anon=login staff=200 *=403", None),
    "applications:rounds": ("anon=login staff=200 *=403", None),
    "applications:round_create": ("anon=login rev_app=200 *=403", None),
    "applications:round_edit": ("anon=login rev_app=200 *=403", None),
    "applications:staff_detail": ("anon=login staff=200 sysadmin=404 *=403", None),
    "applications:staff_start_review": ("anon=login reviewer=405 *=403", "anon=login *=403 reviewer=skip"),
    "applications:staff_supplement": ("anon=login reviewer=405 *=403", "anon=login *=403 reviewer=skip"),
}

# The rest of the table is filled in below by area, to keep each block readable.
EXPECT.update(
    {
        # ------------------------------------------------------------------ material review, site visit, evaluation
        "reviews:queue": ("anon=login rev_app=200 *=403", None),
        "reviews:detail": ("anon=login rev_app=200 *=403", None),
        **{
            f"reviews:{n}": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip")
            for n in (
                "start",
                "finding",
                "checklist",
                "schedule",
                "draw",
                "finish_experts",
                "record",
                "photo",
                "group_draw",
                "finish_all",
            )
        },
        "reviews:decide": ("anon=login approver=405 *=403", "anon=login *=403 approver=skip"),
        "reviews:photo_file": ("anon=login rev_app=200 *=403", None),
        "reviews:evaluation": ("anon=login rev_app=200 *=403", None),
        "reviews:rubric": ("anon=login rev_app=200 *=403", None),
        # ------------------------------------------------------------------ experts
        "experts:pool": ("anon=login rev_app=200 *=403", None),
        "experts:expert_create": ("anon=login rev_app=200 *=403", None),
        "experts:expert_edit": ("anon=login rev_app=200 *=403", None),
        "experts:draw": ("anon=login rev_app=200 *=403", None),
        "experts:tasks": ("anon=login experts=200 *=403", None),
        "experts:declare_all": ("anon=login experts=405 *=403", "anon=login *=403 experts=skip"),
        "experts:task": ("anon=login expert_in=200 expert_out=404 expert_conflict=404 *=403", None),
        "experts:panel": ("anon=login rev_app=200 *=403", None),
        "experts:panel_replace": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip"),
        "experts:panel_accept_short": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip"),
        # ------------------------------------------------------------------ public notice and objections
        "notices:list": (PUBLIC, None),
        "notices:detail": (PUBLIC, None),
        "notices:object": (PUBLIC, ""),
        "notices:objection_lookup": ("*=302", None),
        "notices:objection_status": (PUBLIC, None),
        "notices:manage": ("anon=login rev_app=200 *=403", None),
        "notices:publish": ("anon=login approver=405 *=403", "anon=login *=403 approver=skip"),
        "notices:objection": ("anon=login rev_app=200 *=403", None),
        "notices:evidence": ("anon=login rev_app=200 *=403", None),
    }
)

EXPECT.update(
    {
        # ------------------------------------------------------------------ studios
        "studios:list": ("anon=login units=200 business=200 auditor=200 evaluators=200 sysadmin=200 experts=404", None),
        "studios:flags": ("anon=login rev_app=200 *=403", None),
        "studios:resolve_flag": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip"),
        "studios:detail": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        "studios:revoke": ("anon=login approver=reauth *=403", None),
        "studios:certificate": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        # ------------------------------------------------------------------ annual summaries
        "summaries:index": (LOGIN_ANY, None),
        "summaries:edit": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        "summaries:attachment": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        # ------------------------------------------------------------------ annual assessment
        "assessments:index": ("anon=login units=200 staff=200 *=403", None),
        "assessments:open": ("anon=login rev_app=200 *=403", None),
        "assessments:recommendations": ("anon=login staff=200 *=403", None),
        "assessments:year": ("anon=login rev_app=200 *=403", None),
        "assessments:draw": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip"),
        "assessments:compute": ("anon=login rev_app=405 *=403", "anon=login *=403 rev_app=skip"),
        "assessments:publish": ("anon=login approver=reauth *=403", "anon=login *=403 approver=skip"),
        "assessments:review": ("anon=login rev_app=200 *=403", None),
        "assessments:reward": ("anon=login approver=reauth *=403", "anon=login *=403 approver=skip"),
        "assessments:recommend": ("anon=login approver=200 *=403", None),
        "assessments:dossier": ("anon=login business=200 auditor=200 sysadmin=404 experts=404 *=403", None),
        "assessments:rectification": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        "assessments:rectification_file": ("anon=login a=200 business=200 auditor=200 evaluator_in=200 *=404", None),
        "assessments:supervision_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "assessments:supervision_new": ("anon=login rev_app=200 *=403", None),
        "assessments:supervision": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 experts=404",
            None,
        ),
        "assessments:supervision_file": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 experts=404",
            None,
        ),
        # ------------------------------------------------------------------ revocation and recovery
        "recoveries:index": ("anon=login staff=200 *=403", None),
        "recoveries:detail": ("anon=login business=200 auditor=200 sysadmin=404 *=403", None),
        "recoveries:repay": ("anon=login finance=reauth *=403", None),
        "recoveries:reverse_repayment": ("*=405", "anon=login *=403 finance=skip"),
        # the evidence of A's revoked second studio: its leader and the unit, not the leader of A's first studio
        "recoveries:evidence_file": (
            "anon=login a=200 leader_own=404 leader_other=200 business=200 auditor=200 *=404",
            None,
        ),
        # ------------------------------------------------------------------ money
        "funding:grant_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "funding:award": ("anon=login approver=reauth *=403", None),
        "funding:titles": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "funding:grant_detail": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "funding:grant_disburse": ("*=405", "anon=login *=403 finance=skip"),
        "funding:grant_cancel": ("*=405", "anon=login *=403 approver=skip"),
        "funding:grant_recover": ("*=405", "anon=login *=403 finance=skip"),
        "funding:disbursement_reverse": ("*=405", "anon=login *=403 finance=skip"),
        "funding:grant_document": ("*=405", "anon=login *=403 business=skip"),
        "funding:document_download": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "ledger:account_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "ledger:expense_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "ledger:asset_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "ledger:account_open": ("anon=login unit_a=302 unit_b=404 *=403", None),
        "ledger:account_detail": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "ledger:income_create": ("anon=login unit_a=200 unit_b=404 *=403", None),
        "ledger:expense_create": ("anon=login unit_a=200 unit_b=404 *=403", None),
        "ledger:expense_check": ("anon=login unit_a=200 unit_b=404 *=403", None),
        "ledger:entry_reverse": ("*=405", "anon=login unit_a=400 unit_b=404 *=403"),
        "ledger:voucher_download": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        # ------------------------------------------------------------------ activities and evaluation
        "activities:activity_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "activities:activity_create": ("anon=login rev_app=200 *=403", None),
        # the sign-up list (names, phone numbers) is a business record: not for the system administrator
        "activities:activity_detail": ("anon=login units=200 staff=200 sysadmin=404 evaluators=200 *=403", None),
        "activities:activity_edit": ("anon=login rev_app=302 *=403", None),  # published: edited no more,
        "activities:activity_state": ("*=405", "anon=login *=403 rev_app=skip"),
        "activities:attendance": ("*=405", "anon=login *=403 rev_app=skip"),
        "activities:signup_withdraw": ("*=405", "anon=login unit_b=404 unit_a=skip *=403"),
        "activities:report_list": ("anon=login units=200 staff=200 evaluators=200 *=403", None),
        "activities:report_create": ("anon=login unit_a=200 unit_b=200 *=403", None),
        "activities:report_detail": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "activities:photo": (
            "anon=login a=200 unit_b=404 leader_other=404 business=200 auditor=200 sysadmin=404 "
            "evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "evaluations:evaluation_list": ("anon=login staff=200 evaluators=200 *=403", None),
        "evaluations:evaluation_create": ("anon=login rev_app=200 *=403", None),
        "evaluations:evaluation_detail": (
            "anon=login staff=200 sysadmin=404 evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        "evaluations:evaluation_end": ("*=405", "anon=login *=403 staff=skip evaluators=403"),
        "evaluations:report_download": (
            "anon=login staff=200 sysadmin=404 evaluator_in=200 evaluator_out=404 *=403",
            None,
        ),
        # ------------------------------------------------------------------ dashboards and data
        "dashboards:dashboard": ("anon=login staff=200 sysadmin=403 *=403", None),
        "dashboards:data": ("anon=login staff=200 sysadmin=403 *=403", None),
        "dashboards:public": (PUBLIC, None),
        "dataio:import_studios": ("anon=login rev_app=200 *=403", None),
        "dataio:import_template": ("anon=login staff=200 *=403", None),
        "dataio:recognition_list": ("anon=login staff=200 *=403", None),
    }
)

# Not part of the platform in any deployment that matters: the benchmark's floor exists only when
# BENCH_ENDPOINTS is set (never in production, see docs/performance.md).
NOT_DEPLOYED = {"perf:empty"}


def url_patterns():
    """(qualified name, URLPattern) for every pattern, walking includes and namespaces."""
    found = []

    def walk(resolver, namespace):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = item.namespace
                walk(item, f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
            elif isinstance(item, URLPattern):
                name = f"{namespace}:{item.name}" if namespace else (item.name or str(item.pattern))
                found.append((name, item))

    walk(get_resolver(), "")
    return found


def test_every_url_has_an_expectation():
    names = [name for name, _ in url_patterns() if name not in NOT_DEPLOYED]
    missing = sorted(set(names) - set(EXPECT))
    assert not missing, (
        "URL 缺少访问矩阵预期（请在 tests/security/test_access_matrix.py 的 EXPECT 中补充）：" + ", ".join(missing)
    )
    stale = sorted(set(EXPECT) - set(names))
    assert not stale, "EXPECT 中的 URL 已不存在：" + ", ".join(stale)
    for get_text, post_text in EXPECT.values():
        spec(get_text)
        if post_text:
            spec(post_text + " *=skip")


def kwargs_for(name: str, pattern, o: dict) -> dict:
    """Fill a pattern's path arguments from the world (unit A's objects)."""
    area, _, view = name.partition(":")
    wanted = set(pattern.pattern.converters)
    by_area = {
        "core": {"pk": o["notification"].pk},
        "accounts": {
            "pk": o["unit_a_user"].pk if view in ("user_toggle", "user_reset", "duty_request") else o["unit_a"].pk
        },
        "catalog": {
            "year": o["today"].year,
            "pk": o["calendar_proposal"].pk,
        },
        "workspaces": {"pk": o["application"].pk},  # add_occupation_from_application
        "policytools": {"pk": o["policy_version"].pk},
        "units": {"pk": o["studio"].leader_id},
        "applications": {
            "pk": o["material"].pk
            if view in ("download", "remove_material")
            else o["round"].pk
            if view == "round_edit"
            else o["application"].pk,
            "round_id": o["round"].pk,
            "item": o["material"].item,
            "version": o["snapshot"].version,
        },
        "reviews": {
            "pk": {
                "item": o["review_item"].pk,
                "record": o["visit"].pk,
                "photo": o["visit"].pk,
                "photo_file": o["photo"].pk,
            }.get(view, o["application"].pk),
            "round_pk": o["round"].pk,
        },
        "experts": {
            "pk": {"expert_edit": o["expert"].pk, "draw": o["draw"].pk, "task": o["assignment"].pk}.get(
                view, o["assignment"].panel_id
            )
        },
        "notices": {
            "pk": {"objection": o["objection"].pk, "evidence": o["evidence"].pk}.get(view, o["notice"].pk),
            "entry_pk": o["entry"].pk,
            "receipt": o["objection"].receipt,
            "round_pk": o["round"].pk,
        },
        "studios": {"pk": o["flag"].pk if view == "resolve_flag" else o["studio"].pk},
        "summaries": {"pk": o["summary_attachment"].pk, "studio_pk": o["studio"].pk, "year": o["summary"].year},
        "assessments": {
            "pk": o["year"].pk
            if view in ("year", "draw", "compute", "publish")
            else o["rectification"].pk
            if view.startswith("rectification")
            else o["supervision"].pk
            if view.startswith("supervision")
            else o["result"].pk,
            "file_pk": o["supervision_file"].pk,
        },
        "recoveries": {"pk": o["revocation"].pk if view == "evidence_file" else o["recovery"].pk, "repayment_pk": 0},
        "funding": {
            "pk": o["document"].pk if view == "document_download" else o["grant"].pk,
            "payment_pk": o["grant"].disbursements.first().pk,
        },
        "ledger": {
            "pk": o["expense"].pk if view == "voucher_download" else o["account"].pk,
            "studio_pk": o["studio"].pk,
            "what": "expense",
            "entry_pk": o["expense"].pk,
        },
        "activities": {
            "pk": {"report_detail": o["activity_report"].pk, "photo": o["activity_photo"].pk}.get(
                view, o["activity"].pk
            ),
            "signup_pk": o["signup"].pk,
        },
        "evaluations": {"pk": o["evaluation_report"].pk if view == "report_download" else o["evaluation"].pk},
    }
    values = by_area.get(area, {})
    return {key: values[key] for key in wanted}


def observed(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/accounts/reauth/"):
            return "reauth"
        return 302
    if 200 <= response.status_code < 300:
        return 200
    return response.status_code


# The matrix runs per area, so a failure names its area (and each problem its URL, name and role);
# every URL name belongs to exactly one area (test_every_url_is_in_one_area).
AREAS = {
    "studios_recoveries": ("studios", "recoveries"),
    "funding_ledger": ("funding", "ledger"),
    "summaries_assessments": ("summaries", "assessments"),
    "activities_evaluations": ("activities", "evaluations"),
    "applications": ("applications",),
    "selection": ("reviews", "experts", "notices"),
    "other": (
        "core",
        "accounts",
        "api",
        "selfcheck",
        "policytools",
        "catalog",
        "workspaces",
        "units",
        "dashboards",
        "dataio",
        "perf",
    ),
}


def area_of(name: str) -> str:
    prefix = name.partition(":")[0]
    return next(area for area, prefixes in AREAS.items() if prefix in prefixes)


def test_every_url_is_in_one_area():
    for name, _ in url_patterns():
        assert area_of(name) in AREAS, name


@pytest.mark.django_db
@pytest.mark.parametrize("area", list(AREAS))
def test_access_matrix(area, world, unit_a, cast, settings):
    from django.utils import timezone

    settings.OBJECTION_RATE_LIMIT = 100000
    objects = dict(world["objects"], unit_a=unit_a, unit_a_user=cast["unit_a"], today=timezone.localdate())
    clients = {}
    for role, user in world["users"].items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[role] = client

    discover = os.environ.get("MATRIX_DISCOVER") == "1"
    problems, table = [], []
    for name, pattern in url_patterns():
        if name in NOT_DEPLOYED or area_of(name) != area:
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, objects))
        get_text, post_text = EXPECT.get(name, ("*=?", None))
        expected = spec(get_text) if not discover else {}
        seen = {}
        for role in ROLES:
            seen[role] = observed(clients[role].get(url))
            if not discover and seen[role] != expected[role]:
                problems.append(f"GET {url} ({name}) as {role}: expected {expected[role]}, got {seen[role]}")
        table.append((name, " ".join(f"{r}={c}" for r, c in seen.items())))
        # refused roles must be refused on POST too, and write nothing
        if post_text == "":
            continue
        if post_text is None:
            post_expect = {r: c for r, c in (expected or seen).items() if c in ("login", 403, 404, 401)}
            accepted = {405}  # a GET-only view refuses any POST before anything else
        else:
            post_expect = {r: c for r, c in spec(post_text + " *=skip").items() if c != "skip"}
            accepted = set()
        before = Event.objects.count()
        for role, code in post_expect.items():
            got = observed(clients[role].post(url, {}))
            if discover:
                table.append((f"  POST {name} {role}", str(got)))
            elif got != code and got not in accepted:
                problems.append(f"POST {url} ({name}) as {role}: expected {code}, got {got}")
        written = Event.objects.count() - before
        if written:
            actions = list(Event.objects.order_by("-seq").values_list("action", flat=True)[:written])
            problems.append(f"POST {url} ({name}) by refused roles wrote {written} event(s): {actions}")
    if discover:
        with open(os.environ.get("MATRIX_OUT", "/tmp/matrix.txt"), "a") as out:
            out.write("".join(f"{n}\t{t}\n" for n, t in table))
    assert not problems, f"{area}：{len(problems)} 处访问控制与预期不符：\n" + "\n".join(problems)


def test_matrix_spec_reads_groups_and_defaults():
    parsed = spec("anon=login a=200 staff=403 *=404")
    assert parsed["leader"] == 200 and parsed["auditor"] == 403 and parsed["expert_in"] == 404
    with pytest.raises(AssertionError):
        spec("anon=login")  # every role needs an expectation
    assert re.match(r"^[a-z_]+:[a-z_\-]+$", "api:openapi-json")


LISTS = [
    "/studios/",
    "/funding/",
    "/funding/?format=xlsx",
    "/funding/titles/",
    "/funding/titles/?format=xlsx",
    "/ledger/",
    "/ledger/?format=xlsx",
    "/ledger/expenses/",
    "/ledger/expenses/?format=xlsx",
    "/ledger/assets/",
    "/activities/reports/",
    "/activities/reports/?format=xlsx",
    "/summaries/",
    "/assessments/",
    "/applications/",
    "/applications/manage/",
    "/applications/manage/export.xlsx",
    "/recoveries/?show=all",
    "/evaluations/",
]
# the lists in which studio A's records appear to its owners (so the absence elsewhere means something)
STUDIO_LISTS = [
    "/studios/",
    "/funding/",
    "/funding/?format=xlsx",
    "/funding/titles/",
    "/funding/titles/?format=xlsx",
    "/ledger/",
    "/ledger/?format=xlsx",
    "/ledger/expenses/",
    "/ledger/expenses/?format=xlsx",
    "/activities/reports/",
    "/activities/reports/?format=xlsx",
    "/summaries/",
    "/assessments/",
]


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        content = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_lists_and_exports_use_the_same_rule_as_the_pages(world):
    """Unit A's studio and application never appear in a list or an export of someone who may not
    open them — unit B, the leader of A's other studio (the studio only: the applications are the
    unit's), the system administrator; and they do appear for unit A and for the studio's leader in
    every list that shows them (so the test could fail)."""
    o = world["objects"]
    studio_secret, person_secret = o["studio"].name, o["application"].leader.name
    refused = {
        "unit_b": [studio_secret, person_secret],
        "expert_out": [studio_secret, person_secret],
        "expert_conflict": [studio_secret, person_secret],
        "evaluator_out": [studio_secret, person_secret],
        "sysadmin": [studio_secret, person_secret],
        "leader_other": [studio_secret],
    }
    for role, secrets in refused.items():
        client = Client()
        client.force_login(world["users"][role])
        for url in LISTS:
            response = client.get(url)
            if response.status_code != 200:
                assert response.status_code in (403, 404), (role, url, response.status_code)
                continue
            text = _text(response)
            for secret in secrets:
                assert secret not in text, f"{role} 在 {url} 看到了甲单位的“{secret}”"
    for role in ("unit_a", "leader_own", "auditor"):
        client = Client()
        client.force_login(world["users"][role])
        for url in STUDIO_LISTS:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            assert studio_secret in _text(response), f"{role} 在 {url} 看不到自己（或可查看）的“{studio_secret}”"
