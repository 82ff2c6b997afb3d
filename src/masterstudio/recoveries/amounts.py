"""What a revocation takes back (Art. 13): the funding cycle containing the revocation date
(interpretation 6) and the grants of the studio dated in it, from the platform's own payment
records (:func:`recovery_items`), with the engine's own answer kept beside it for reference
(:func:`engine_view`). Reads only; the revocation (``recoveries.services``) writes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from masterstudio.funding.models import GrantKind, GrantState
from masterstudio.policy import funding as engine
from masterstudio.policy import params
from masterstudio.policy.dates import add_years
from masterstudio.policy.errors import PolicyInputError
from masterstudio.studios.lifecycle import ask_engine
from masterstudio.studios.models import Studio

ZERO = Decimal("0.00")


def engine_request(studio, revoked_on: date) -> dict:
    grants = [
        g for g in studio.grants.exclude(state__in=[GrantState.CANCELLED, GrantState.RECOVERED]) if not g.imported
    ]
    initial = studio.grants.filter(kind=GrantKind.INITIAL).exclude(state=GrantState.CANCELLED).first()
    return {
        "as_of": revoked_on.isoformat(),
        "recognized_on": studio.recognized_on.isoformat(),
        "assessments": [
            {"year": g.year, "grade": "excellent", "on": g.dated_on.isoformat()}
            for g in grants
            if g.kind == GrantKind.EXCELLENT
        ],
        "titles": [
            {"level": g.kind, "on": g.dated_on.isoformat()}
            for g in grants
            if g.kind in (GrantKind.NATIONAL, GrantKind.BEIJING)
        ],
        "revoked_on": revoked_on.isoformat(),
        # the imported record's figure, used by the engine where the version of the date has no amount
        **({"initial_amount": f"{initial.amount:.2f}"} if initial else {}),
    }


def funding_cycle(studio: Studio, on: date) -> tuple[date, date]:
    """The funding cycle (interpretation 6) containing ``on``: consecutive periods of
    ``funding_cycle_years`` from the recognition date. The engine's answer where it gives one; for a
    recognition it does not date (a studio of the former Measures, recognised before these
    parameters took effect) the same rule with the cycle length in force on ``on``."""
    try:
        return engine.funding_cycle(studio.recognized_on, on)
    except (PolicyInputError, KeyError, LookupError):
        pset = params.load()
        try:
            years = int(pset.get("funding_cycle_years", on))
        except (PolicyInputError, KeyError, LookupError):
            years = int(pset.get("funding_cycle_years"))
    index = 0
    while add_years(studio.recognized_on, years * (index + 1)) <= on:
        index += 1
    return (
        add_years(studio.recognized_on, years * index),
        add_years(studio.recognized_on, years * (index + 1)) - timedelta(days=1),
    )


IMPORTED_SOURCE = "原办法认定，导入"
PLATFORM_SOURCE = "本平台核定"


def recovery_items(studio: Studio, revoked_on: date) -> dict:
    """What Art. 13 takes back, from the platform's own money records: every grant of the studio
    dated in the funding cycle containing ``revoked_on`` (or after it), whoever approved it,
    imported payments of the former Measures included. Each item names its clause and source; its
    ``paid`` is what was actually paid (payments net of their reversals). Paid → recover; approved
    and unpaid → cancel; the unpaid rest of a partly paid grant, and any grant outside the cycle
    still waiting for payment → frozen (never paid after the revocation)."""
    cycle_start, cycle_end = funding_cycle(studio, revoked_on)
    grants = list(
        studio.grants.exclude(state__in=[GrantState.CANCELLED, GrantState.RECOVERED, GrantState.FROZEN])
        .annotate(net_paid=Sum("disbursements__amount"))
        .order_by("dated_on", "pk")
    )
    lines, due, cancelled, total = [], ZERO, ZERO, ZERO
    for grant in grants:
        paid = grant.net_paid or ZERO
        inside = cycle_start <= grant.dated_on  # one dated after the revocation date was never due: back too
        line = {
            "grant": grant.pk,
            "kind": grant.kind,
            "label": GrantKind(grant.kind).label,
            "clause": grant.clause,
            "on": grant.dated_on.isoformat(),
            "year": grant.year,
            "amount": f"{grant.amount:.2f}",
            "paid": f"{paid:.2f}",
            "source": IMPORTED_SOURCE if grant.imported else PLATFORM_SOURCE,
            "inside": inside,
        }
        if inside:
            total += grant.amount
            if paid > ZERO:
                line["action"] = "recover"
                due += paid
                if grant.state == GrantState.APPROVED:
                    line["note"] = f"已拨付 {paid:,.2f} 元，未拨付部分 {grant.amount - paid:,.2f} 元冻结，不再拨付"
            elif grant.state == GrantState.APPROVED:
                line["action"] = "cancel"
                cancelled += grant.amount
            else:
                continue
        elif grant.state == GrantState.APPROVED:
            line["action"] = "freeze"
            line["note"] = (
                f"核定于资助周期（{cycle_start:%Y-%m-%d} 起）之前，未拨付部分 "
                f"{grant.amount - paid:,.2f} 元冻结，不再拨付"
            )
        else:
            continue
        lines.append(line)
    clauses = sorted({line["clause"] for line in lines if line["inside"]})
    return {
        "cycle_start": cycle_start,
        "cycle_end": cycle_end,
        "lines": lines,
        "due": due,
        "cancelled": cancelled,
        "total": total,
        "clauses": clauses,
    }


def engine_view(studio: Studio, revoked_on: date) -> dict:
    """The engine's own answer, kept beside the recovery for reference; a question it refuses
    (e.g. a recognition before these Measures) is recorded as refused and changes nothing."""
    try:
        return ask_engine("funding", engine_request(studio, revoked_on))
    except PolicyInputError as exc:
        return {"error": {"code": exc.code, "field": exc.field, "message": exc.message}}
