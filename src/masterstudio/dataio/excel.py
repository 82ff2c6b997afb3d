"""Excel exports with Chinese headers: every list page offers one, built from the same selector as
the page, and every export is recorded in the event log."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from masterstudio.core.events import record_event

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    return value


def workbook(title: str, headers: list[str], rows) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(vertical="center")
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    # perf (issue 9): the row number is counted here; ``sheet.max_row`` scans every cell written so
    # far, which made an export quadratic (10,000 rows took 90 s)
    for row_number, row in enumerate(rows, start=2):
        values = [_cell(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):  # text, never a formula (formula injection)
                sheet.cell(row=sheet.max_row, column=index + 1).data_type = "s"
            if isinstance(value, Decimal):
                sheet.cell(row=row_number, column=index + 1).number_format = "#,##0.00"
            elif isinstance(value, (date, datetime)):
                sheet.cell(row=row_number, column=index + 1).number_format = (
                    "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd")
            widths[index] = min(60, max(widths[index], len(str(value)) + 2))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return book


def xlsx_response(request, *, filename: str, title: str, headers: list[str], rows, what: str) -> HttpResponse:
    rows = list(rows)
    book = workbook(title, headers, rows)
    buffer = BytesIO()
    book.save(buffer)
    record_event("export.xlsx", actor=request.user, data={"what": what, "rows": len(rows), "file": filename},
                 ip=request.META.get("REMOTE_ADDR"))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
