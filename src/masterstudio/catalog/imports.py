"""Excel import of occupations into the staff catalogue (the new occupations of an official notice,
or the 大典 occupations the shipped data lacks), read with openpyxl as ``dataio.imports`` reads the
studio import: ``parse`` reads the whole file and returns every row with its errors in Chinese,
nothing saved; ``services.import_occupations`` saves all rows only when no row has an error."""

from __future__ import annotations

from masterstudio.catalog.models import Occupation
from masterstudio.core import sheets
from masterstudio.core.sheets import ParseResult, Row

COLUMNS = [
    ("code", "职业编码", True),
    ("name", "职业名称", True),
    ("marks", "标识（L/S/L/S，可空）", False),
    ("aliases", "别名/工种（可空）", False),
    ("source", "发布依据", True),
]
HEADERS = [label for _, label, _ in COLUMNS]
MAX_ROWS = 2000


def template_bytes() -> bytes:
    return sheets.template_bytes(
        "职业",
        COLUMNS,
        [
            "本模板用于向职业目录批量新增职业：2024年以来发布的新职业，或《职业分类大典（2022年版）》中平台数据未收录的职业。",
            "第一行为表头，请勿修改；红色表头为必填列。从第二行起每行一个职业。",
            "职业编码写作 大类-中类-小类-细类（如 6-31-07-04），须按人力资源社会保障部公布的编码填写。",
            "标识：L 绿色职业，S 数字职业，L/S 两者皆是；没有标识的留空。",
            "已在目录中的编码、同一文件中重复的编码不能导入；文件有任何错误时不导入任何一行。",
        ],
        min_width=14,
        notes_width=110,
    )


def parse(content: bytes) -> ParseResult:
    lines, file_errors = sheets.read_rows(
        content,
        COLUMNS,
        template="职业导入模板",
        unreadable="文件无法读取：请使用平台提供的职业导入模板（.xlsx）填写后上传",
    )
    if file_errors:
        return ParseResult([], file_errors)
    if len(lines) > MAX_ROWS:
        return ParseResult([], [f"一次最多导入 {MAX_ROWS} 个职业，请分批导入"])
    if not lines:
        return ParseResult([], ["文件中没有数据行：请从第二行起填写职业"])
    return check_rows(
        [
            {"number": number, **{key: sheets.cell_text(v) for (key, _, _), v in zip(COLUMNS, raw, strict=False)}}
            for number, raw in lines
        ]
    )


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
        errors = occupation_errors(
            code=values["code"],
            name=values["name"],
            marks=values["marks"],
            source=values["source"],
            staff_codes=staff_codes,
        )
        for key, message in errors.items():
            row.errors.append(f"“{labels[key]}”：{message}")
        code = values["code"]
        if code and code in seen:
            row.errors.append(f"“职业编码”：{code} 与第 {seen[code]} 行重复")
        seen.setdefault(code, row.number)
        checked.append(row)
    return ParseResult(checked, [])
