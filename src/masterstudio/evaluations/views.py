from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterstudio.accounts.models import Role
from masterstudio.activities.selectors import reports_for
from masterstudio.core.event_kinds import record_read
from masterstudio.core.events import events_for
from masterstudio.core.excel import wants_xlsx, xlsx_response
from masterstudio.core.permissions import role_required, staff_required
from masterstudio.core.uploads import serve
from masterstudio.evaluations import selectors, services
from masterstudio.evaluations.forms import EvaluationForm, ReportForm
from masterstudio.funding.selectors import grants_for
from masterstudio.ledger.selectors import accounts_for


def _error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


@role_required(Role.STAFF, Role.EVALUATOR)
def evaluation_list(request):
    rows = selectors.evaluations_for(request.user).select_related("evaluator").prefetch_related("studios")
    if wants_xlsx(request):
        return xlsx_response(
            request,
            filename="第三方评估.xlsx",
            title="第三方评估",
            what="evaluations",
            headers=["评估项目", "评估机构", "工作室数", "年度范围", "授权开始", "授权截止", "提前收回"],
            rows=(
                [
                    e.title,
                    e.evaluator.display_name,
                    e.studios.count(),
                    f"{e.year_from}–{e.year_to}",
                    e.access_from,
                    e.access_until,
                    e.revoked_at,
                ]
                for e in rows
            ),
        )
    return render(request, "evaluations/evaluation_list.html", {"rows": rows, "now": timezone.now()})


@staff_required
def evaluation_create(request):
    if not any(request.user.has_duty(d) for d in ("reviewer", "approver")):
        return render(request, "errors/403.html", {"message": "开展第三方评估需要业务审核或审批职责"}, status=403)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.open_evaluation(actor=request.user, **data)
        except services.EvaluationError as exc:
            _error(form, exc)
        else:
            messages.success(request, "已开展评估并授权评估机构")
            return redirect("evaluations:evaluation_detail", pk=evaluation.pk)
    return render(request, "evaluations/evaluation_form.html", {"form": form})


@role_required(Role.STAFF, Role.EVALUATOR)
def evaluation_detail(request, pk: int):
    evaluation = get_object_or_404(selectors.evaluations_for(request.user).select_related("evaluator"), pk=pk)
    user, now = request.user, timezone.now()
    is_open = evaluation.is_open(now)
    if user.role == Role.EVALUATOR and not is_open:
        return render(request, "evaluations/closed.html", {"evaluation": evaluation}, status=403)
    context = {
        "evaluation": evaluation,
        "is_open": is_open,
        "reports": evaluation.reports.all(),
        "studios": evaluation.studios.select_related("unit").order_by("name"),
    }
    if user.role == Role.EVALUATOR:
        form = ReportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.upload_report(
                    evaluation, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], actor=user
                )
            except services.EvaluationError as exc:
                _error(form, exc)
            else:
                messages.success(request, "已上传评估报告")
                return redirect("evaluations:evaluation_detail", pk=evaluation.pk)
        context["form"] = form
        ids = [s.pk for s in context["studios"]]
        context["grants"] = grants_for(user).filter(studio_id__in=ids).order_by("studio__name", "dated_on")
        context["accounts"] = accounts_for(user).filter(studio_id__in=ids)
        context["activities"] = reports_for(user).filter(studio_id__in=ids).order_by("-held_on")[:200]
    else:
        context["events"] = events_for(evaluation)
    return render(request, "evaluations/evaluation_detail.html", context)


@require_POST
@staff_required
def evaluation_end(request, pk: int):
    evaluation = get_object_or_404(selectors.evaluations_for(request.user), pk=pk)
    try:
        services.end_access(evaluation, actor=request.user, reason=request.POST.get("reason", ""))
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已收回评估机构的访问权限")
    return redirect("evaluations:evaluation_detail", pk=evaluation.pk)


@role_required(Role.STAFF, Role.EVALUATOR)
def report_download(request, pk: int):
    report = selectors.report_file_for(request.user, pk)
    record_read(request, "evaluation.report_download", obj=report.evaluation, key=report.pk, data={"report": report.pk})
    return serve(report.file, report.original_name)
