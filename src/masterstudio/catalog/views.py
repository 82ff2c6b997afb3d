from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from masterstudio.accounts.permissions import duty_required
from masterstudio.catalog import engine, imports, selectors, services
from masterstudio.catalog.forms import CalendarYearForm, ImportForm, OccupationForm
from masterstudio.catalog.models import CalendarProposal, CalendarYear, Occupation, ProposalState
from masterstudio.core import params, uploads
from masterstudio.core.events import record_event
from masterstudio.core.excel import XLSX
from masterstudio.core.permissions import staff_required
from masterstudio.core.transitions import TransitionError
from masterstudio.policy import workdays as engine_workdays

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def occupation_search(request):
    """Public search of the catalogue by code, name or alias (an htmx fragment or a page)."""
    query = params.text(request.GET, "q", max_length=100, label="职业")
    results = engine.catalogue().search(query, limit=20) if query else []
    template = (
        "catalog/_occupation_results.html" if request.headers.get("HX-Request") else "catalog/occupation_search.html"
    )
    return render(
        request, template, {"q": query, "results": results, "target": params.text(request.GET, "target", max_length=60)}
    )


def _occupations_page(request, form, status=200):
    return render(
        request,
        "catalog/occupations.html",
        {
            "form": form,
            "added": Occupation.objects.select_related("added_by"),
            "total": len(engine.catalogue().occupations()),
        },
        status=status,
    )


@staff_required
def occupations(request):
    form = OccupationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_duty("reviewer"):
            return render(request, "errors/403.html", {"message": "新增职业须由业务审核岗办理"}, status=403)
        if form.is_valid():
            try:
                data = form.cleaned_data
                occupation = services.add_occupation_values(
                    code=data["code"],
                    name=data["name"],
                    marks=data.get("marks", ""),
                    aliases=data.get("aliases", ""),
                    source=data["source"],
                    actor=request.user,
                )
            except services.CatalogRefused as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
                return _occupations_page(request, form, 400)
            messages.success(request, f"已新增职业：{occupation}")
            return redirect("catalog:occupations")
    return _occupations_page(request, form)


@staff_required
def occupations_template(request):
    record_event("export.import_template", actor=request.user, data={"what": "catalog_occupations"})
    response = HttpResponse(imports.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E8%81%8C%E4%B8%9A%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@duty_required("reviewer")
def occupations_import(request):
    """Upload → preview with every row's errors → confirm; nothing saved before the confirm, and
    the confirm saves nothing unless the whole file is clean."""
    context = {"columns": imports.HEADERS, "form": ImportForm()}
    if request.method != "POST":
        return render(request, "catalog/occupations_import.html", context)
    token = request.POST.get("token", "")
    upload = request.FILES.get("file")
    if upload is not None:
        error = None
        if not upload.name.lower().endswith(".xlsx"):
            error = f"“{upload.name}”不是 .xlsx 文件：请使用平台提供的职业导入模板"
        elif upload.size > MAX_IMPORT_BYTES:
            error = "文件超过 5 MB，请分批导入"
        else:
            try:
                uploads.check_upload(upload, kinds=uploads.EXCEL_KINDS, label="导入文件")
            except uploads.UploadRefused as exc:
                error = exc.messages[0]
        if error:
            context["upload_error"] = error
            return render(request, "catalog/occupations_import.html", context, status=400)
        token = uploads.stage(upload, request.user)
    staged = uploads.unstage(token, request.user)
    if staged is None:
        context["upload_error"] = "请选择要导入的 Excel 文件"
        return render(request, "catalog/occupations_import.html", context, status=400)
    content = staged.read()
    staged.close()
    filename = uploads.staged_name(token, request.user)
    if request.POST.get("confirm") == "1":
        try:
            created = services.import_occupations(content, actor=request.user, filename=filename)
        except services.CatalogRefused as exc:
            context.update(result=imports.parse(content), token=token, filename=filename, upload_error=str(exc))
            return render(request, "catalog/occupations_import.html", context, status=400)
        uploads.discard(token, request.user)
        messages.success(request, f"已导入 {len(created)} 个职业")
        return redirect("catalog:occupations")
    result = imports.parse(content)
    context.update(result=result, token=token, filename=filename)
    return render(request, "catalog/occupations_import.html", context, status=200 if result.ok else 400)


def _calendar_page(request, form, status=200):
    first, last = engine_workdays.package_years()
    return render(
        request,
        "catalog/calendar.html",
        {
            "form": form,
            "years": CalendarYear.objects.select_related("entered_by", "confirmed_by"),
            "proposals": selectors.recent_proposals(),
            "warnings": selectors.calendar_warnings(),
            "package_first": first,
            "package_last": last,
        },
        status=status,
    )


@staff_required
def calendar(request):
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_duty("reviewer"):
            return render(request, "errors/403.html", {"message": "录入节假日安排须由业务审核岗办理"}, status=403)
        if form.is_valid():
            try:
                data = form.cleaned_data
                proposal = services.propose_calendar_year(
                    year=data["year"],
                    holidays=data["holidays"],
                    workdays=data["workdays"],
                    source=data["source"],
                    actor=request.user,
                )
            except services.CatalogRefused as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
                return _calendar_page(request, form, 400)
            messages.success(request, f"已录入 {proposal.year} 年节假日安排：请另一名工作人员对照通知复核后生效")
            return redirect("catalog:calendar_proposal", pk=proposal.pk)
    return _calendar_page(request, form)


@duty_required("reviewer")
def calendar_edit(request, year: int):
    """A new entry for ``year``, prefilled with what is in effect (a correction is reviewed too)."""
    row = CalendarYear.objects.filter(year=year).first()
    initial = {"year": year}
    if row:
        initial.update(source=row.source, holidays_text="\n".join(row.holidays), workdays_text="\n".join(row.workdays))
    return _calendar_page(request, CalendarYearForm(initial=initial))


@staff_required
def calendar_proposal(request, pk: int):
    """The preview of an entry — every holiday period and 调休 day — and the second person's decision."""
    proposal = get_object_or_404(CalendarProposal.objects.select_related("proposed_by", "decided_by"), pk=pk)
    error = None
    if request.method == "POST":
        if not (request.user.has_duty("reviewer") or request.user.has_duty("approver")):
            return render(
                request, "errors/403.html", {"message": "复核节假日安排须由业务审核岗或审批岗办理"}, status=403
            )
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.confirm_calendar_year(proposal.pk, actor=request.user)
                messages.success(request, f"{proposal.year} 年节假日安排已复核生效")
                return redirect("catalog:calendar")
            if action == "withdraw":
                reason = request.POST.get("reason", "").strip()
                if not reason:
                    error = "退回时请写明原因（与通知不一致之处）"
                else:
                    services.withdraw_calendar_year(proposal.pk, actor=request.user, reason=reason)
                    messages.success(request, f"已退回 {proposal.year} 年节假日安排")
                    return redirect("catalog:calendar")
            else:
                error = "请选择复核生效或退回"
        except TransitionError as exc:
            error = str(exc)
        proposal.refresh_from_db()
    return render(
        request,
        "catalog/calendar_proposal.html",
        {
            "proposal": proposal,
            "preview": services.preview(proposal.year, proposal.holidays, proposal.workdays),
            "error": error,
            "pending": proposal.state == ProposalState.PENDING,
            "own": proposal.proposed_by_id == request.user.pk,
        },
        status=400 if error else 200,
    )
