"""Excel exports with Chinese headers, streamed row by row (openpyxl write-only mode)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from masterstudio.core.events import record_event


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _text_cell(sheet, value):
    """Text that starts with '=' stays text: openpyxl would otherwise write it as a formula that
    Excel runs when staff open the export (formula injection, OWASP)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_response(
    request, filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "导出", what: str = ""
) -> FileResponse:
    """Write the rows to a temporary .xlsx and send it as an attachment; the export is audited."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_text_cell(sheet, _plain(v)) for v in row])
        count += 1
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    record_event(
        "export",
        actor=request.user,
        ip=request.META.get("REMOTE_ADDR"),
        data={"what": what or title, "rows": count, "filters": dict(request.GET.items())},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
