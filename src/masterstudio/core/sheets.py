"""Excel imports, the parts every import shares (the studios of the former Measures in
``dataio.imports``, the staff catalogue's occupations in ``catalog.imports``): the template with its
header row and notes, reading a workbook against that header, and the rows with their errors.
Each import keeps its own columns and row checks; nothing here is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass
class Row:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    rows: list[Row]
    file_errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)


def cell_text(value) -> str:
    """A cell as text: empty for nothing, whole numbers without ".0", stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def template_bytes(title: str, columns, notes: list[str], *, min_width: int = 12, notes_width: int = 110) -> bytes:
    """The import template: ``columns`` as (key, label, required) in the header row (required ones
    in red) and ``notes`` on a second sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([label for _, label, _ in columns])
    for index, (_, label, required) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="B3261E" if required else "1D2733")
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        sheet.column_dimensions[get_column_letter(index)].width = max(min_width, len(label) * 2 + 2)
    sheet_notes = book.create_sheet("填写说明")
    for line in notes:
        sheet_notes.append([line])
    sheet_notes.column_dimensions["A"].width = notes_width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_rows(content: bytes, columns, *, unreadable: str, template: str) -> tuple[list[tuple[int, list]], list[str]]:
    """The non-empty data rows of the first sheet as (row number, one value per column), or the
    file's errors (Chinese): unreadable, or a header that is not the template's (``template`` names
    it in the message)."""
    headers = [label for _, label, _ in columns]
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        return [], [unreadable]
    try:
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(v) for v in next(lines, ())]
        while header and header[-1] == "":
            header.pop()
        if header != headers:
            missing = [h for h in headers if h not in header]
            extra = [h for h in header if h and h not in headers]
            detail = []
            if missing:
                detail.append("缺少列：" + "、".join(missing))
            if extra:
                detail.append("多出列：" + "、".join(extra))
            if not missing and not extra:
                detail.append("列的顺序与模板不同")
            return [], ["表头与模板不一致（" + "；".join(detail) + f"）。请下载{template}，按模板的列填写"]
        rows = []
        for number, raw in enumerate(lines, start=2):
            raw = list(raw)[: len(columns)] + [None] * max(0, len(columns) - len(raw))
            if any(cell_text(v) for v in raw):
                rows.append((number, raw))
        return rows, []
    finally:
        book.close()
