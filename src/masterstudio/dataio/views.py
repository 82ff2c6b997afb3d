from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from masterstudio.accounts.permissions import duty_required
from masterstudio.core import params as query
from masterstudio.core import uploads
from masterstudio.core.events import record_event
from masterstudio.core.excel import XLSX
from masterstudio.core.permissions import staff_required
from masterstudio.dataio import imports
from masterstudio.dataio.pdf import recognition_list_pdf

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@staff_required
def import_template(request):
    record_event("export.import_template", actor=request.user, data={"what": "previous_measure_studios"})
    response = HttpResponse(imports.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; "
        "filename*=UTF-8''%E5%8E%9F%E5%8A%9E%E6%B3%95%E5%B7%A5%E4%BD%9C%E5%AE%A4"
        "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@duty_required("reviewer", "approver")
def import_studios(request):
    """Upload → preview with every row's errors → confirm. Nothing is saved before the confirm,
    and the confirm saves nothing unless the whole file is clean."""
    context = {"columns": imports.HEADERS}
    if request.method == "POST":
        token = request.POST.get("token", "")
        upload = request.FILES.get("file")
        if upload is not None:
            if not upload.name.lower().endswith(".xlsx"):
                context["upload_error"] = f"“{upload.name}”不是 .xlsx 文件：请使用平台提供的 Excel 模板"
                return render(request, "dataio/import.html", context, status=400)
            if upload.size > MAX_IMPORT_BYTES:
                context["upload_error"] = "文件超过 5 MB，请分批导入"
                return render(request, "dataio/import.html", context, status=400)
            try:  # checked (as any upload) before it is staged
                token = uploads.stage(upload, request.user, kinds=uploads.EXCEL_KINDS, label="导入文件")
            except uploads.UploadRefused as exc:
                context["upload_error"] = exc.messages[0]
                return render(request, "dataio/import.html", context, status=400)
        staged = uploads.unstage(token, request.user)
        if staged is None:
            context["upload_error"] = "请选择要导入的 Excel 文件"
            return render(request, "dataio/import.html", context, status=400)
        content = staged.read()
        staged.close()
        filename = uploads.staged_name(token, request.user)
        if request.POST.get("confirm") == "1":
            try:
                studios = imports.commit(content, actor=request.user, filename=filename)
            except imports.ImportRefused as exc:
                context.update(result=exc.result, token=token, filename=filename)
                context["upload_error"] = str(exc)
                return render(request, "dataio/import.html", context, status=400)
            uploads.discard(token, request.user)
            messages.success(request, f"已导入 {len(studios)} 个依原办法认定的工作室")
            return redirect("dataio:import_studios")
        result = imports.parse(content)
        context.update(result=result, token=token, filename=filename)
        return render(request, "dataio/import.html", context, status=200 if result.ok else 400)
    return render(request, "dataio/import.html", context)


@staff_required
def recognition_list(request):
    year = query.year(request.GET, default=timezone.localdate().year)
    content, count = recognition_list_pdf(year)
    record_event("export.pdf", actor=request.user, data={"what": "recognition_list", "year": year, "rows": count})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=recognition-list-{year}.pdf"
    return response
