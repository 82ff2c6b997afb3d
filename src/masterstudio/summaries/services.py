"""Writes for the annual work summary (Art. 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.activities.models import Signup, StudioActivity
from masterstudio.activities.selectors import summary_for
from masterstudio.core.events import record_event
from masterstudio.core.locks import lock_row
from masterstudio.core.transitions import TransitionError
from masterstudio.core.uploads import check_upload
from masterstudio.funding.models import Grant, StudioTitle
from masterstudio.ledger.models import Category, Expense, Income, SpecialAccount
from masterstudio.policytools.versions import in_force, require_in_force
from masterstudio.studios.lifecycle import ask_engine
from masterstudio.studios.models import LIVE_STATES
from masterstudio.summaries.models import AnnualSummary, SummaryAttachment, SummaryState
from masterstudio.summaries.states import SUMMARY_MACHINE

TEXT_FIELDS = ("projects", "apprentices", "exchanges", "social_benefit", "spending")


class SummaryError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def deadline(year: int) -> date:
    """The engine's deadline for ``year`` (interpretation 5: 15 December)."""
    return date.fromisoformat(ask_engine("deadline", {"kind": "annual_summary", "year": year})["end"])


def figures_for(studio, year: int) -> dict:
    """What the studio's own records say about ``year``: activities it reported and joined, the
    apprentices it named, and its special-account entries. Filled in for the unit to check."""
    activity = summary_for(studio, year)
    figures = {
        "year": year,
        "activities": {
            kind: {"label": v["label"], "count": v["count"], "participants": v["participants"]}
            for kind, v in activity["by_kind"].items()
        },
        "activity_count": len(activity["reports"]),
        "apprentices": activity["apprentices"],
        "joined": [
            {"title": s.activity.title, "headcount": s.headcount, "attended": s.attended} for s in activity["joined"]
        ],
        "joined_people": activity["joined_people"],
        "income": "0.00",
        "expense": "0.00",
        "expense_by_category": {},
    }
    account = getattr(studio, "special_account", None) if _has_account(studio) else None
    if account is not None:
        income = account.incomes.filter(received_on__year=year).aggregate(t=Sum("amount"))["t"] or Decimal("0")
        expenses = account.expenses.filter(spent_on__year=year)
        figures["income"] = f"{income:.2f}"
        figures["expense"] = f"{(expenses.aggregate(t=Sum('amount'))['t'] or Decimal('0')):.2f}"
        labels = dict(Category.choices)
        figures["expense_by_category"] = {
            labels.get(row["category"], row["category"]): f"{row['t']:.2f}"
            for row in expenses.values("category").annotate(t=Sum("amount")).order_by("category")
        }
    return figures


# the longest each section may be (characters): about two pages of plain text; the form and the
# service refuse beyond it, and the page's textarea stops there
TEXT_LIMIT = 2000


# Lines a higher app adds to the 发挥社会效益 section of the prefill: ``line(studio, year)`` → text or
# "". The assessments app (a higher floor) registers last year's grade in its AppConfig.ready().
PREFILL_BENEFIT_LINES: list = []


def register_prefill_line(line) -> None:
    if line not in PREFILL_BENEFIT_LINES:
        PREFILL_BENEFIT_LINES.append(line)


def prefill(studio, year: int, figures: dict | None = None) -> dict[str, str]:
    """Editable text for each section, written from the platform's own records of ``year``: the
    activities the studio reported (by kind), its apprentices, the bureau activities it joined
    (and attended), its special-account spending by category, its awards and titles, and last
    year's assessment. Reads only; the leader or the unit edits it before saving."""
    figures = figures if figures is not None else figures_for(studio, year)
    reports = list(StudioActivity.objects.filter(studio=studio, held_on__year=year).order_by("held_on", "pk"))

    def listed(kinds):
        return [f"{r.held_on:%m月%d日} {r.title}（{r.participants} 人参加）" for r in reports if r.kind in kinds]

    text = {name: "" for name in TEXT_FIELDS}
    rnd = listed({"rnd"})
    text["projects"] = (f"本年度开展技术攻关/创新研发 {len(rnd)} 项：" + "；".join(rnd) + "。") if rnd else ""
    apprentices = figures.get("apprentices") or []
    teaching = listed({"apprentice", "training"})
    if apprentices or teaching:
        text["apprentices"] = (
            f"本年度带徒 {len(apprentices)} 人：{'；'.join(apprentices) or '（名单待补充）'}。"
            + (f"培训授课和带徒活动 {len(teaching)} 次：{'；'.join(teaching)}。" if teaching else "")
            + "徒弟达到的技能等级："
        )
    exchanges = listed({"exchange"})
    joined = figures.get("joined") or []
    parts = []
    if exchanges:
        parts.append(f"举办技艺交流 {len(exchanges)} 次：{'；'.join(exchanges)}。")
    if joined:
        parts.append(
            f"参加社会事业局组织的活动 {len(joined)} 次："
            + "；".join(
                f"{j['title']}（报名 {j['headcount']} 人"
                + (f"，实到 {j['attended']} 人）" if j.get("attended") is not None else "）")
                for j in joined
            )
            + "。"
        )
    text["exchanges"] = "".join(parts)
    social = listed({"social"})
    benefit = [f"开展社会服务 {len(social)} 次：{'；'.join(social)}。"] if social else []
    for title in StudioTitle.objects.filter(studio=studio, awarded_on__year=year).order_by("awarded_on"):
        benefit.append(f"{title.awarded_on:%Y年%m月}获评{title.get_level_display()}（{title.document_no}）。")
    grants = Grant.objects.filter(studio=studio, dated_on__year=year).exclude(state="cancelled")
    for grant in grants.order_by("dated_on"):
        benefit.append(f"获{grant.get_kind_display()} {grant.amount:,.2f} 元。")
    for line in PREFILL_BENEFIT_LINES:  # e.g. last year's assessment grade (the assessments app)
        text_line = line(studio, year)
        if text_line:
            benefit.append(text_line)
    text["social_benefit"] = "".join(benefit)
    income, expense = Decimal(figures.get("income", "0")), Decimal(figures.get("expense", "0"))
    spending = [f"本年度专账收入 {income:,.2f} 元，支出 {expense:,.2f} 元"]
    by_category = figures.get("expense_by_category") or {}
    if by_category:
        spending.append("，其中" + "、".join(f"{k} {Decimal(v):,.2f} 元" for k, v in by_category.items()))
    text["spending"] = "".join(spending) + "。"
    return {name: value[:TEXT_LIMIT] for name, value in text.items()}


def policy_covers(day: date) -> bool:
    """Whether a version of the Measures is in force on ``day``: no summary is due under Measures
    that have expired, unless a successor is in force (``policytools.versions``, Art. 20)."""
    return in_force(day) is not None


def check_year(studio, year: int) -> None:
    """Whether ``studio`` may have a summary for ``year``: live, recognised by then, not a year to
    come, and due while the Measures (or a successor) are in force. Raises :class:`SummaryError`."""
    if studio.state not in LIVE_STATES:
        raise SummaryError("工作室已撤销，不再报送年度工作总结")
    if year < studio.recognized_on.year:
        raise SummaryError(f"工作室于 {studio.recognized_on:%Y-%m-%d} 认定，不能填写 {year} 年度的总结")
    due = deadline(year)
    # Art. 20 first: a year whose summary falls due after the Measures (and no successor) has none
    require_in_force(due, f"{year} 年度工作总结（{due:%Y-%m-%d} 截止）", SummaryError)
    if year > timezone.localdate().year:
        raise SummaryError(f"{year} 年度尚未开始，不能填写该年度的总结")


def check_text(data: dict) -> None:
    for name in TEXT_FIELDS:
        value = (data.get(name) or "").strip()
        if len(value) > TEXT_LIMIT:
            label = AnnualSummary._meta.get_field(name).verbose_name
            raise SummaryError(f"“{label}”最多 {TEXT_LIMIT} 个字（现有 {len(value)} 个字），请精简", field=name)


def _has_account(studio) -> bool:
    return SpecialAccount.objects.filter(studio=studio).exists()


def _can_edit(summary: AnnualSummary, actor) -> None:
    if actor.role not in (Role.UNIT, Role.LEADER) or actor.unit_id != summary.studio.unit_id:
        raise SummaryError("只有工作室所在单位或领办人可以填写年度工作总结")
    if summary.state == SummaryState.CONFIRMED:
        raise SummaryError("该年度工作总结已由单位确认报送，不能再修改")
    if summary.state == SummaryState.SUBMITTED and actor.role == Role.LEADER:
        raise SummaryError("总结已提交单位确认；如需修改，请单位退回后再改")


def get_or_start(studio, year: int, *, actor) -> AnnualSummary:
    """The studio's summary of ``year``, created (as a draft with the records' figures) when there
    is none. Called only by a write (the first save): viewing a year's page creates nothing."""
    check_year(studio, year)
    if actor.role not in (Role.UNIT, Role.LEADER) or actor.unit_id != studio.unit_id:
        raise SummaryError("只有工作室所在单位或领办人可以填写年度工作总结")
    existing = AnnualSummary.objects.filter(studio=studio, year=year).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            summary = AnnualSummary.objects.create(
                studio=studio, year=year, due_on=deadline(year), figures=figures_for(studio, year), drafted_by=actor
            )
            record_event("annualsummary.started", obj=summary, actor=actor, clause="11", to_state=summary.state)
    except IntegrityError:
        summary = AnnualSummary.objects.get(studio=studio, year=year)
    return summary


def save_for(studio, year: int, *, actor, data: dict, uploads=()) -> AnnualSummary:
    """The first save of a year's summary (or any later one): every check first, then the draft is
    created if need be and saved, in one transaction — a refused save leaves no draft behind."""
    check_year(studio, year)
    check_text(data)
    with transaction.atomic():  # a refusal below (e.g. an attachment refused) undoes the new draft
        summary = get_or_start(studio, year, actor=actor)
        return save_draft(summary, actor=actor, data=data, uploads=uploads)


def _check_uploads(uploads) -> list:
    checked = []
    for title, upload in uploads:
        try:
            check_upload(upload, label="附件")
        except Exception as exc:
            raise SummaryError(getattr(exc, "messages", [str(exc)])[0], field="attachment") from exc
        checked.append((title.strip() or upload.name, upload))
    return checked


def save_draft(summary: AnnualSummary, *, actor, data: dict, uploads=()) -> AnnualSummary:
    """Save the text of a summary (the leader or the unit) and any attachments; refreshes the
    figures from the studio's records."""
    _can_edit(summary, actor)
    check_text(data)
    checked = _check_uploads(uploads)
    with transaction.atomic():
        summary = lock_row(AnnualSummary, summary.pk)
        _can_edit(summary, actor)
        for name in TEXT_FIELDS:
            setattr(summary, name, (data.get(name) or "").strip())
        summary.figures = figures_for(summary.studio, summary.year)
        summary.save()
        for title, upload in checked:
            SummaryAttachment.objects.create(
                summary=summary, title=title, file=upload, original_name=upload.name, uploaded_by=actor
            )
        record_event(
            "annualsummary.saved",
            obj=summary,
            actor=actor,
            clause="11",
            data={"attachments": [u.name for _, u in checked]},
        )
    return summary


def _missing(summary: AnnualSummary) -> list[str]:
    return [AnnualSummary._meta.get_field(n).verbose_name for n in TEXT_FIELDS if not getattr(summary, n).strip()]


def submit(summary: AnnualSummary, *, actor) -> AnnualSummary:
    """The leader hands the draft to the unit for confirmation."""
    _can_edit(summary, actor)
    with transaction.atomic():
        summary = lock_row(AnnualSummary, summary.pk)
        _can_edit(summary, actor)
        missing = _missing(summary)
        if missing:
            raise SummaryError(f"请先填写：{'、'.join(missing)}")
        try:
            SUMMARY_MACHINE.apply(
                summary, SummaryState.SUBMITTED, actor=actor, extra_fields={"submitted_at": timezone.now()}
            )
        except TransitionError as exc:
            raise SummaryError(str(exc)) from exc
    return summary


def return_to_leader(summary: AnnualSummary, *, actor, reason: str) -> AnnualSummary:
    if actor.role != Role.UNIT or actor.unit_id != summary.studio.unit_id:
        raise SummaryError("只有工作室所在单位可以退回总结")
    if not reason.strip():
        raise SummaryError("请填写退回意见，说明需要修改的内容", field="reason")
    with transaction.atomic():
        summary = lock_row(AnnualSummary, summary.pk)
        try:
            SUMMARY_MACHINE.apply(
                summary, SummaryState.DRAFT, actor=actor, reason=reason, extra_fields={"return_reason": reason.strip()}
            )
        except TransitionError as exc:
            raise SummaryError(str(exc)) from exc
    return summary


def confirm(summary: AnnualSummary, *, actor, figures_checked: bool) -> AnnualSummary:
    """The unit confirms the summary (经所在单位确定) and so reports it to the bureau. Refused a
    second time; marked late when confirmed after the deadline."""
    if actor.role != Role.UNIT or actor.unit_id != summary.studio.unit_id:
        raise SummaryError("年度工作总结须经工作室所在单位确认（第11条），请使用单位账号确认")
    with transaction.atomic():
        summary = lock_row(AnnualSummary, summary.pk)
        if summary.state == SummaryState.CONFIRMED:
            raise SummaryError(
                f"该年度工作总结已于 {timezone.localtime(summary.confirmed_at):%Y-%m-%d %H:%M} 确认报送，不能重复确认"
            )
        missing = _missing(summary)
        if missing:
            raise SummaryError(f"确认前请先填写：{'、'.join(missing)}")
        if not figures_checked:
            raise SummaryError("请核对平台记录的活动、带徒和专账数据后勾选“已核对”", field="figures_checked")
        now = timezone.now()
        late = timezone.localdate(now) > summary.due_on
        try:
            SUMMARY_MACHINE.apply(
                summary,
                SummaryState.CONFIRMED,
                actor=actor,
                reason=f"逾期报送（截止 {summary.due_on:%Y-%m-%d}）" if late else "",
                extra_fields={
                    "confirmed_at": now,
                    "confirmed_by": actor,
                    "figures_checked": True,
                    "late": late,
                    "figures": figures_for(summary.studio, summary.year),
                },
            )
        except TransitionError as exc:
            raise SummaryError(str(exc)) from exc
    return summary


def last_work_on(studio) -> date:
    """The last day the studio's own records show work: a confirmed summary, a reported or joined
    activity, a ledger entry — or its recognition."""
    days = [studio.recognized_on]
    confirmed = AnnualSummary.objects.filter(studio=studio, confirmed_at__isnull=False).aggregate(
        m=Max("confirmed_at")
    )["m"]
    if confirmed:
        days.append(timezone.localdate(confirmed))
    for value in (
        StudioActivity.objects.filter(studio=studio).aggregate(m=Max("held_on"))["m"],
        Income.objects.filter(account__studio=studio).aggregate(m=Max("received_on"))["m"],
        Expense.objects.filter(account__studio=studio).aggregate(m=Max("spent_on"))["m"],
    ):
        if value:
            days.append(value)
    joined = Signup.objects.filter(studio=studio).aggregate(m=Max("activity__starts_at"))["m"]
    if joined:
        days.append(timezone.localdate(joined))
    today = timezone.localdate()
    return min(max(days), today)
