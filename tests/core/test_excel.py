"""The exported workbook, as a spreadsheet program reads it: headers, formats, widths, the frozen
header row, text that stays text, and characters XML cannot carry left out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from masterstudio.core.excel import xlsx_bytes


def _sheet(*args):
    return load_workbook(BytesIO(xlsx_bytes(*args))).active


def test_values_formats_and_layout():
    sheet = _sheet(
        "支出/明细",
        ["工作室", "支出日期", "金额（元）", "登记时间", "件数", "已核销"],
        [
            ["张三车工技能大师工作室", date(2026, 3, 9), Decimal("12345.5"), datetime(2026, 3, 9, 14, 30), 3, True],
            ["李四<钳工>&工作室", date(2026, 1, 2), Decimal("1E+3"), None, 2.5, False],
        ],
    )
    assert sheet.title == "支出－明细" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["工作室", "支出日期", "金额（元）", "登记时间", "件数", "已核销"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("EEF2F7")
    first = [(c.value, c.number_format) for c in sheet[2]]
    assert first == [
        ("张三车工技能大师工作室", "General"),
        (datetime(2026, 3, 9), "yyyy-mm-dd"),
        (12345.5, "#,##0.00"),
        (datetime(2026, 3, 9, 14, 30), "yyyy-mm-dd hh:mm"),
        (3, "General"),
        ("是", "General"),
    ]
    assert [c.value for c in sheet[3]] == ["李四<钳工>&工作室", datetime(2026, 1, 2), 1000, None, 2.5, "否"]
    assert sheet.column_dimensions["A"].width == len("张三车工技能大师工作室") + 2
    assert sheet.column_dimensions["C"].width == len("金额（元）") * 2 + 2


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_are_dropped():
    sheet = _sheet("表", ["名称"], [['=HYPERLINK("http://x","点我")'], ["换\x01行\x0b"], ["a\tb"]])
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [
        ('=HYPERLINK("http://x","点我")', "s"),
        ("换行", "s"),
        ("a\tb", "s"),
    ]


def test_a_reader_in_read_only_mode_knows_the_size():
    content = xlsx_bytes("表", ["甲", "乙"], [["1", 2], ["3", 4], ["5", 6]])
    sheet = load_workbook(BytesIO(content), read_only=True).active
    assert (sheet.max_row, sheet.max_column) == (4, 2)


def test_no_rows_is_a_sheet_with_its_headers():
    sheet = _sheet("空", ["甲", "乙"], [])
    assert sheet.max_row == 1 and [c.value for c in sheet[1]] == ["甲", "乙"]


def test_one_excel_writer():
    """Exports are written by core.excel only (issue 19.3): no other module of the platform builds an
    openpyxl workbook, except the import template (core.sheets) and the benchmark's generated files."""
    import ast
    from pathlib import Path

    import masterstudio

    root = Path(masterstudio.__file__).parent
    allowed = {"core/sheets.py", "perf/files.py"}
    writers = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "migrations" in rel or rel in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "openpyxl":
                if any(alias.name == "Workbook" for alias in node.names):
                    writers.append(f"{rel}:{node.lineno}")
    assert writers == []
