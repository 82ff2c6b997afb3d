from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.core import params as query
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.uploads import serve
from masterstudio.studios.selectors import studio_for, studios_for
from masterstudio.summaries import selectors, services
from masterstudio.summaries.models import AnnualSummary, SummaryState
from masterstudio.summaries.services import TEXT_FIELDS, SummaryError

summaries_for = selectors.summaries_for


@login_required
def index(request):
    year = query.year(request.GET)
    summaries = summaries_for(request.user)
    if year:
        summaries = summaries.filter(year=year)
    page = Paginator(summaries.order_by("-year", "studio__name"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "summaries/index.html",
        {
            "page": page,
            "year": year or "",
            "this_year": timezone.localdate().year,
            "studios": studios_for(request.user).filter(state__in=["active", "rectification"])
            if request.user.role in (Role.UNIT, Role.LEADER)
            else [],
        },
    )


@login_required
def edit(request, studio_pk, year):
    """A year's summary. Viewing it writes nothing: with no summary yet, the page shows the text
    prefilled from the platform's records and the first save creates the draft."""
    studio = studio_for(request.user, studio_pk)
    user = request.user
    summary = summaries_for(user).filter(studio=studio, year=year).first()
    can_write = user.role in (Role.UNIT, Role.LEADER) and studio.state in ("active", "rectification")
    if summary is None:
        if not can_write:
            raise Http404("该年度尚无工作总结")
        try:
            services.check_year(studio, year)
        except SummaryError as exc:
            messages.error(request, str(exc))
            return redirect("studios:detail", studio.pk)
        figures = services.figures_for(studio, year)
        values = services.prefill(studio, year, figures)
    else:
        figures = summary.figures
        values = {name: getattr(summary, name) for name in TEXT_FIELDS}
    error_field, error_message = None, ""
    if request.method == "POST" and can_write:
        action = request.POST.get("action", "save")
        try:
            if action in ("save", "submit", "confirm"):
                values = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
                if summary is None or (
                    summary.state != SummaryState.CONFIRMED
                    and not (summary.state == SummaryState.SUBMITTED and user.role == Role.LEADER)
                ):
                    uploads = [
                        (request.POST.get("attachment_title", ""), f) for f in request.FILES.getlist("attachment")
                    ]
                    summary = services.save_for(studio, year, actor=user, data=values, uploads=uploads)
            if summary is None:
                raise SummaryError("请先保存总结")
            if action == "submit":
                services.submit(summary, actor=user)
                messages.success(request, "已提交单位确认")
            elif action == "confirm":
                services.confirm(summary, actor=user, figures_checked=request.POST.get("figures_checked") == "on")
                messages.success(request, f"{year} 年度工作总结已确认并报送社会事业局（第11条）")
            elif action == "return":
                services.return_to_leader(summary, actor=user, reason=request.POST.get("reason", ""))
                messages.success(request, "已退回领办人修改")
            else:
                messages.success(request, "已保存")
            return redirect("summaries:edit", studio.pk, year)
        except SummaryError as exc:
            messages.error(request, str(exc))
            error_field, error_message = exc.field, str(exc)
        summary = AnnualSummary.objects.filter(studio=studio, year=year).first()
        if summary is not None:
            figures = summary.figures
    fields = [
        {
            "name": n,
            "label": AnnualSummary._meta.get_field(n).verbose_name,
            "value": values[n],
            "error": error_field == n,
        }
        for n in TEXT_FIELDS
    ]
    if summary is None:
        editable = can_write
    else:
        editable = (
            can_write
            and summary.state == SummaryState.DRAFT
            or (can_write and summary.state == SummaryState.SUBMITTED and user.role == Role.UNIT)
        )
    return render(
        request,
        "summaries/edit.html",
        {
            "studio": studio,
            "summary": summary,
            "year": year,
            "fields": fields,
            "editable": editable,
            "error_field": error_field,
            "error_message": error_message,
            "attachments": summary.attachments.all() if summary else [],
            "text_limit": services.TEXT_LIMIT,
            "due_on": summary.due_on if summary else services.deadline(year),
            "figures": figures,
            "events": events_for(summary) if summary else [],
            "today": timezone.localdate(),
        },
    )


@login_required
def attachment(request, pk):
    item = selectors.attachment_for(request.user, pk)
    record_read(
        request,
        "annualsummary.attachment_downloaded",
        obj=item.summary,
        key=item.pk,
        clause="11",
        data={"attachment": item.pk},
    )
    return serve(item.file, item.original_name)
