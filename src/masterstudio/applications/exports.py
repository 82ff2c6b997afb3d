"""Excel export of the staff list (the same filtered queryset the page shows)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from masterstudio.applications.presenters import OUTCOMES

HEADERS = [
    "受理编号",
    "批次",
    "申报单位",
    "统一社会信用代码",
    "分厂/分公司",
    "领办人",
    "职业编码",
    "职业（工种）",
    "申报路径",
    "状态",
    "预检结论",
    "提交时间",
    "版本",
]


def applications_xlsx(queryset) -> tuple[bytes, int]:
    book = Workbook()
    sheet = book.active
    sheet.title = "申报列表"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for app in queryset.iterator(chunk_size=500):
        sheet.append(
            [
                app.receipt_no or "",
                app.round.title,
                app.unit.name,
                app.unit.credit_code,
                app.branch.name if app.branch_id else "总部",
                app.leader.name if app.leader_id else "",
                app.occupation_code,
                app.occupation_name,
                app.get_route_display(),
                app.get_state_display(),
                OUTCOMES.get(app.precheck_outcome, app.precheck_outcome),
                timezone.localtime(app.submitted_at).strftime("%Y-%m-%d %H:%M") if app.submitted_at else "",
                app.version,
            ]
        )
        for cell in sheet[sheet.max_row]:  # text, never a formula (formula injection)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
        count += 1
    for column, width in zip("ABCDEFGHIJKLM", [16, 22, 30, 22, 16, 10, 12, 20, 26, 10, 16, 17, 6]):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue(), count
