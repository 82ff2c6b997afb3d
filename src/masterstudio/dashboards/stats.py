"""The figures the bureau's leadership reads (issue 7, item 6). Each function runs a fixed number of
aggregate queries, whatever the number of rows (tests/dashboards checks the query count)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Min, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from masterstudio.activities.models import Activity
from masterstudio.applications.models import Application, AppState, Round
from masterstudio.assessments.models import Grade, StudioAssessment
from masterstudio.catalog.engine import params_on, versions
from masterstudio.evaluations.models import Evaluation
from masterstudio.funding.models import Disbursement, Grant, GrantState
from masterstudio.notices.models import Notice, NoticeEntry
from masterstudio.recoveries.services import outstanding_total
from masterstudio.studios.models import LIVE_STATES, Studio, StudioState

MAJOR_GROUPS = {
    "1": "第一大类 党政机关、群众团体和社会组织、企事业单位负责人",
    "2": "第二大类 专业技术人员",
    "3": "第三大类 办事人员和有关人员",
    "4": "第四大类 社会生产服务和生活服务人员",
    "5": "第五大类 农、林、牧、渔业生产及辅助人员",
    "6": "第六大类 生产制造及有关人员",
    "7": "第七大类 军人",
    "8": "第八大类 不便分类的其他从业人员",
}
UNLISTED = "未列入大典的新职业（第2条）"


def _group(code: str) -> str:
    head = (code or "").split("-")[0]
    return MAJOR_GROUPS.get(head, UNLISTED) if code else UNLISTED


def studios_overview() -> dict:
    """By state, by major group (live studios) and by year of recognition: one grouped query."""
    by_state = {label: 0 for _, label in StudioState.choices}
    by_group: dict[str, int] = defaultdict(int)
    by_year: dict[int, int] = defaultdict(int)
    for row in (
        Studio.objects.annotate(y=ExtractYear("recognized_on"))
        .values("state", "occupation_code", "y")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_state[StudioState(row["state"]).label] += row["n"]
        if row["state"] in LIVE_STATES:
            by_group[_group(row["occupation_code"])] += row["n"]
        by_year[row["y"]] += row["n"]
    return {
        "by_state": by_state,
        "by_group": dict(sorted(by_group.items())),
        "by_year": dict(sorted(by_year.items(), key=lambda item: (item[0] is None, item[0] or 0))),
    }


def applications_by_round() -> dict:
    rounds: dict[str, dict[str, int]] = {}
    for row in (
        Application.objects.values("round__year", "round__title", "state")
        .annotate(n=Count("id"))
        .order_by("round__year", "round__title")
    ):
        key = f"{row['round__year']} {row['round__title']}"
        rounds.setdefault(key, {})[AppState(row["state"]).label] = row["n"]
    states = sorted({s for counts in rounds.values() for s in counts})
    return {"rounds": list(rounds), "states": {s: [rounds[r].get(s, 0) for r in rounds] for s in states}}


def _yuan(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def grants_by_year() -> dict:
    """Approved by year and clause, disbursed and recovered by year, totals by state: the grants in
    one grouped query, the disbursements in another."""
    approved: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    recovered: dict[int, Decimal] = defaultdict(Decimal)
    by_state: dict[str, dict] = {}
    for row in (
        Grant.objects.annotate(y=ExtractYear("dated_on"), closed_y=ExtractYear("closed_on"))
        .values("state", "clause", "y", "closed_y")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    ):
        if row["state"] != GrantState.CANCELLED:
            approved[row["y"]][row["clause"]] += row["total"]
        if row["state"] == GrantState.RECOVERED:
            recovered[row["closed_y"]] += row["total"]
        totals = by_state.setdefault(row["state"], {"total": Decimal(0), "n": 0})
        totals["total"] += row["total"] or 0
        totals["n"] += row["n"]
    disbursed = {
        row["y"]: row["total"]
        for row in Disbursement.objects.annotate(y=ExtractYear("paid_on"))
        .values("y")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    years = sorted(set(approved) | set(disbursed) | set(recovered))
    clauses = sorted({c for per in approved.values() for c in per})
    return {
        "years": years,
        "approved_by_clause": {c: [_yuan(approved[y].get(c)) for y in years] for c in clauses},
        "disbursed": [_yuan(disbursed.get(y)) for y in years],
        "recovered": [_yuan(recovered.get(y)) for y in years],
        "by_state": {
            GrantState(state).label: {"amount": _yuan(t["total"]), "count": t["n"]} for state, t in by_state.items()
        },
        **_to_recover(),
    }


def _to_recover() -> dict:
    """待追回 (Art. 13): what the open recoveries still wait for — computed from the payment records
    of each revoked studio's funding cycle, imported payments included — and how many they are."""
    owed, count = outstanding_total()
    return {"to_recover": count, "to_recover_amount": _yuan(owed), "to_recover_label": f"{owed:,.2f}"}


def fulfilment_days() -> dict:
    """兑现周期: days from the end of the public notice (or, for a studio without one, its recognition
    date) to the day its initial grant was paid in full."""
    rows = Grant.objects.filter(
        kind="initial", state__in=[GrantState.DISBURSED, GrantState.RECOVERED], imported=False
    ).annotate(recognised=F("studio__recognized_on"))
    # the end of the notice the studio's application was on, read in the same query
    rows = rows.annotate(
        notice_end=Subquery(
            NoticeEntry.objects.filter(application_id=OuterRef("studio__application_id")).values("notice__ends_on")[:1]
        )
    )
    days = []
    for row in rows.values("disbursed_on", "recognised", "notice_end"):
        start = row["notice_end"] or row["recognised"]
        if row["disbursed_on"] and start:
            days.append((row["disbursed_on"] - start).days)
    return {
        "count": len(days),
        "average": round(sum(days) / len(days), 1) if days else None,
        "max": max(days) if days else None,
    }


def assessment_grades() -> dict:
    """Published grade distribution of the annual assessment (Art. 12) by year: {year: {等次: n}}."""
    counts: dict = defaultdict(dict)
    for row in (
        StudioAssessment.objects.filter(published=True)
        .exclude(grade="")
        .values("year", "grade")
        .annotate(n=Count("pk"))
        .order_by("year")
    ):
        counts[str(row["year"])][Grade(row["grade"]).label] = row["n"]
    return dict(counts) or None


def upcoming_deadlines(now=None) -> list[dict]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=60)
    items: list[dict] = []
    for r in Round.objects.filter(closes_at__gte=now, closes_at__date__lte=horizon).order_by("closes_at"):
        items.append({"on": timezone.localdate(r.closes_at), "what": f"申报截止：{r.title}", "clause": "8"})
    for n in Notice.objects.filter(ends_on__gte=today, ends_on__lte=horizon).order_by("ends_on"):
        items.append({"on": n.ends_on, "what": f"公示期满：{n.title}", "clause": "10"})
    for e in Evaluation.objects.filter(
        revoked_at__isnull=True, access_until__gte=now, access_until__date__lte=horizon
    ).select_related("evaluator"):
        items.append(
            {"on": timezone.localdate(e.access_until), "what": f"第三方评估授权到期：{e.title}", "clause": "18"}
        )
    for a in Activity.objects.filter(state="published", signup_deadline__gte=now, signup_deadline__date__lte=horizon):
        items.append({"on": timezone.localdate(a.signup_deadline), "what": f"活动报名截止：{a.title}", "clause": "17"})
    waiting = Grant.objects.filter(state=GrantState.APPROVED).aggregate(n=Count("id"), oldest=Min("dated_on"))
    if waiting["n"]:
        items.append(
            {"on": waiting["oldest"], "what": f"{waiting['n']} 笔已核定资金待拨付（最早核定于该日）", "clause": "14"}
        )
    pset = params_on(today)
    month, day = (int(part) for part in str(pset.get("annual_summary_deadline", today)).split("-"))
    due = today.replace(month=month, day=day)
    if today <= due <= horizon:
        items.append({"on": due, "what": "年度工作总结报送截止（解释口径5）", "clause": "11"})
    valid_until = versions().last_valid_until
    if valid_until and today <= valid_until:
        items.append({"on": valid_until, "what": "《办法》有效期截止，此后不再核定新的资助与认定", "clause": "20"})
    return sorted(items, key=lambda i: i["on"])


def public_figures() -> dict:
    """Published figures for the public page: counts only, no personal data."""
    live = Studio.objects.filter(state__in=LIVE_STATES)
    by_year = {
        row["y"]: row["n"]
        for row in live.annotate(y=ExtractYear("recognized_on")).values("y").annotate(n=Count("id")).order_by("y")
    }
    by_group: dict[str, int] = defaultdict(int)
    for row in live.values("occupation_code").annotate(n=Count("id")).order_by():
        by_group[_group(row["occupation_code"])] += row["n"]
    return {
        "studios": live.count(),
        "occupations": live.values("occupation_name").distinct().count(),
        "units": live.values("unit").distinct().count(),
        "by_year": by_year,
        "by_group": dict(by_group),
    }
