"""Reads for the public notice pages (no login) and staff objection handling."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.http import Http404

from masterstudio.applications.models import Application, AppState
from masterstudio.notices.models import OPEN_OBJECTION_STATES, Notice, NoticeEntry, Objection


def public_notices():
    return Notice.objects.select_related("round").annotate(entry_count=Count("entries")).order_by("-published_at")


def public_notice(pk) -> Notice:
    try:
        return Notice.objects.get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该公示") from None


def public_entries(notice: Notice):
    """Only what the public may see: unit, occupation, leader's name, state (never ID numbers); for
    an entry whose studio has since been revoked (Art. 13), the date and clause of the revocation,
    so the public list never shows a revoked studio as simply 已认定."""
    return notice.entries.only(
        "id", "notice_id", "position", "unit_name", "occupation", "leader_name", "state"
    ).annotate(
        studio_revoked_on=F("application__studio__revoked_on"),
        studio_revocation_clause=F("application__studio__revocation_clause"),
    )


def entry_of(notice: Notice, pk) -> NoticeEntry:
    try:
        return notice.entries.select_related("notice").get(pk=pk)
    except (NoticeEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该公示条目") from None


def objection_by_receipt(receipt: str) -> Objection:
    try:
        return Objection.objects.select_related("entry__notice").get(receipt=receipt.strip().upper())
    except Objection.DoesNotExist:
        raise Http404("没有找到该受理编号的异议") from None


def objections_for_staff(state: str = ""):
    qs = Objection.objects.select_related("entry", "entry__notice").annotate(files=Count("evidence"))
    if state == "open":
        qs = qs.filter(state__in=OPEN_OBJECTION_STATES)
    elif state:
        qs = qs.filter(state=state)
    return qs


def open_objection_count() -> int:
    return Objection.objects.filter(Q(state__in=OPEN_OBJECTION_STATES)).count()


# Submitted applications that have not reached a decision: still in review (never reviewed, or
# reviewed only in part) or in the evaluation without a decision.
IN_REVIEW_STATES = ["submitted", "material_review", "supplement", "site_inspection", "expert_review"]


def unfinished_applications(round_) -> list:
    """The round's applications that were never reviewed to the end or decided, oldest first: what
    publishing the round's notice warns about (and names)."""
    return list(
        Application.objects.filter(round=round_)
        .filter(Q(state__in=IN_REVIEW_STATES) | Q(state=AppState.EVALUATION, decision__isnull=True))
        .select_related("unit")
        .order_by("submitted_at", "pk")
    )


def describe(application) -> str:
    """An application as the warning names it: receipt number, unit, occupation and state."""
    return (
        f"{application.receipt_no or '（未编号）'} {application.unit.name}（{application.occupation_name}，"
        f"{application.get_state_display()}）"
    )
