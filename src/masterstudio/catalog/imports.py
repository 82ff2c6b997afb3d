"""Excel import of occupations into the staff catalogue (the new occupations of an official notice,
or the 大典 occupations the shipped data lacks), read with openpyxl as ``dataio.imports`` reads the
studio import: ``parse`` reads the whole file and returns every row with its errors in Chinese,
nothing saved; ``services.import_occupations`` saves all rows only when no row has an error."""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from masterstudio.catalog.models import Occupation

COLUMNS = [
    ("code", "职业编码", True),
    ("name", "职业名称", True),
    ("marks", "标识（L/S/L/S，可空）", False),
    ("aliases", "别名/工种（可空）", False),
    ("source", "发布依据", True),
]
HEADERS = [label for _, label, _ in COLUMNS]
MAX_ROWS = 2000


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


def template_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "职业"
    sheet.append(HEADERS)
    for index, (_, label, required) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="B3261E" if required else "1D2733")
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(label) * 2 + 2)
    notes = book.create_sheet("填写说明")
    for line in [
        "本模板用于向职业目录批量新增职业：2024年以来发布的新职业，或《职业分类大典（2022年版）》中平台数据未收录的职业。",
        "第一行为表头，请勿修改；红色表头为必填列。从第二行起每行一个职业。",
        "职业编码写作 大类-中类-小类-细类（如 6-31-07-04），须按人力资源社会保障部公布的编码填写。",
        "标识：L 绿色职业，S 数字职业，L/S 两者皆是；没有标识的留空。",
        "已在目录中的编码、同一文件中重复的编码不能导入；文件有任何错误时不导入任何一行。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(content: bytes) -> ParseResult:
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        return ParseResult([], ["文件无法读取：请使用平台提供的职业导入模板（.xlsx）填写后上传"])
    try:
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ())]
        while header and header[-1] == "":
            header.pop()
        if header != HEADERS:
            missing = [h for h in HEADERS if h not in header]
            detail = ("缺少列：" + "、".join(missing)) if missing else "列的名称或顺序与模板不同"
            return ParseResult([], [f"表头与模板不一致（{detail}）。请下载职业导入模板，按模板的列填写"])
        rows: list[dict] = []
        for number, raw in enumerate(lines, start=2):
            raw = list(raw)[: len(COLUMNS)] + [None] * max(0, len(COLUMNS) - len(raw))
            if all(_text(v) == "" for v in raw):
                continue
            if len(rows) >= MAX_ROWS:
                return ParseResult([], [f"一次最多导入 {MAX_ROWS} 个职业，请分批导入"])
            rows.append({"number": number, **{key: _text(v) for (key, _, _), v in zip(COLUMNS, raw)}})
    finally:
        book.close()
    if not rows:
        return ParseResult([], ["文件中没有数据行：请从第二行起填写职业"])
    return check_rows(rows)


def check_rows(rows: list[dict]) -> ParseResult:
    """Every row's errors (Chinese, naming the column), by the same rule as adding one occupation."""
    from masterstudio.catalog.services import occupation_errors

    labels = {key: label for key, label, _ in COLUMNS}
    staff_codes = set(Occupation.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    checked = []
    for item in rows:
        values = {key: (item.get(key) or "").strip() for key, _, _ in COLUMNS}
        values["marks"] = values["marks"].upper().replace("／", "/")
        row = Row(item.get("number", 0), values)
        errors = occupation_errors(code=values["code"], name=values["name"], marks=values["marks"],
                                   source=values["source"], staff_codes=staff_codes)
        for key, message in errors.items():
            row.errors.append(f"“{labels[key]}”：{message}")
        code = values["code"]
        if code and code in seen:
            row.errors.append(f"“职业编码”：{code} 与第 {seen[code]} 行重复")
        seen.setdefault(code, row.number)
        checked.append(row)
    return ParseResult(checked, [])
