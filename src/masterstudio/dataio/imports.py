"""Import of the studios recognised under the previous measure (京技管发〔2024〕1号, replaced by
Art. 20) from the Excel template the platform provides.

``parse`` reads the whole file and returns every row with its errors; nothing is saved. ``commit``
parses again and saves all rows in one transaction, only when no row has an error. Checks: the
header row must be the template's, required cells filled, 统一社会信用代码 and 身份证号 valid, dates
real, amounts positive, no two rows (and no live studio) for the same leader, the same
unit/branch × occupation (Art. 7) or the same nameplate number.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import scope_key
from masterstudio.core import identifiers, money, sheets, transitions
from masterstudio.core.crypto import blind_index
from masterstudio.core.events import record_event
from masterstudio.core.sheets import ParseResult, Row, cell_text
from masterstudio.funding.models import Disbursement, Grant, GrantState
from masterstudio.studios.models import LIVE_STATES, Studio
from masterstudio.units.models import Branch, Person, Unit, UnitStatus

SOURCE = "京技管发〔2024〕1号"
COLUMNS = [
    ("unit_name", "单位名称", True),
    ("credit_code", "统一社会信用代码", True),
    ("branch", "分厂/分公司", False),
    ("contact_name", "联系人", True),
    ("contact_phone", "联系电话", True),
    ("studio_name", "工作室名称", True),
    ("nameplate_no", "铭牌编号", True),
    ("occupation_code", "职业编码", False),
    ("occupation_name", "职业（工种）", True),
    ("leader_name", "领办人姓名", True),
    ("leader_id", "领办人身份证号", True),
    ("retirement_age", "原法定退休年龄（女职工）", False),
    ("recognized_on", "认定日期", True),
    ("paid_amount", "已拨付资助金额（元）", False),
    ("paid_on", "拨付日期", False),
    ("voucher_no", "拨付凭证号", False),
]
HEADERS = [label for _, label, _ in COLUMNS]
EXAMPLE = [
    "北京亦庄示例精密机械有限公司",
    "91110302MA01ABCD0Y",
    "",
    "王联系",
    "13800138000",
    "张三车工技能大师工作室",
    "JKQ-2024-001",
    "6-18-01-01",
    "车工",
    "张三",
    "110105197503080013",
    "",
    "2024-06-20",
    "200000.00",
    "2024-08-15",
    "CZ-2024-0815",
]


def template_bytes() -> bytes:
    return sheets.template_bytes(
        "工作室",
        COLUMNS,
        [
            f"本模板用于导入依原办法（{SOURCE}）认定的技能大师工作室及其资助记录（《办法》第20条）。",
            "第一行为表头，请勿修改、删除或调换列；红色表头为必填列。从第二行起每行一个工作室。",
            "日期填写为 YYYY-MM-DD（如 2024-06-20）或 Excel 日期；金额填写数字（元），最多两位小数。",
            "身份证号和统一社会信用代码须为 18 位且校验码正确；女职工须填写原法定退休年龄（50 或 55）。",
            "同一领办人、同一单位（分厂/分公司）相同职业、同一铭牌编号只能出现一次（第7条）。",
            "已拨付资助金额、拨付日期、拨付凭证号三项要么都填，要么都不填。",
            "示例行：" + "，".join(EXAMPLE),
        ],
        notes_width=120,
    )


def _date(value, label: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(cell_text(value).replace("/", "-"))
    except ValueError:
        errors.append(f"“{label}”的日期“{cell_text(value)}”无效，请填写为 YYYY-MM-DD")
        return None


def _money(value, label: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return money.parse_money(cell_text(value))
    except money.MoneyError as refused:
        errors.append(
            {
                "not_number": f"“{label}”的金额“{cell_text(value)}”不是数字",
                "not_finite": f"“{label}”的金额“{cell_text(value)}”不是有效的数字（不能为 NaN 或无穷大）",
                "not_positive": f"“{label}”必须大于 0",
                "too_large": f"“{label}”金额过大：“{cell_text(value)}”超过 {money.too_large_text()} 元",
                "too_precise": f"“{label}”最多保留两位小数",
            }[refused.reason]
        )
        return None


def parse(content: bytes) -> ParseResult:
    lines, file_errors = sheets.read_rows(
        content, COLUMNS, template="最新模板", unreadable="文件无法读取：请使用平台提供的 Excel 模板（.xlsx）填写后上传"
    )
    if file_errors:
        return ParseResult([], file_errors)
    rows: list[Row] = []
    for number, raw in lines:
        row = Row(number, {})
        for (key, label, required), value in zip(COLUMNS, raw, strict=False):
            row.values[key] = value
            if required and cell_text(value) == "":
                row.errors.append(f"“{label}”未填写")
        _check_row(row)
        rows.append(row)
    if not rows:
        return ParseResult([], ["文件中没有数据行：请从第二行起填写工作室"])
    _check_duplicates(rows)
    return ParseResult(rows, [])


def _limits() -> dict[str, int]:
    """Each text column's limit: the ``max_length`` of the model field it is saved into, so the
    preview refuses what saving would refuse (never "可导入" over text too long to store)."""
    fields = {
        "unit_name": (Unit, "name"),
        "branch": (Branch, "name"),
        "contact_name": (Unit, "contact_name"),
        "studio_name": (Studio, "name"),
        "nameplate_no": (Studio, "nameplate_no"),
        "occupation_code": (Studio, "occupation_code"),
        "occupation_name": (Studio, "occupation_name"),
        "leader_name": (Person, "name"),
        "voucher_no": (Disbursement, "voucher_no"),
    }
    limits = {key: model._meta.get_field(name).max_length for key, (model, name) in fields.items()}
    return {key: limit for key, limit in limits.items() if limit}


LABELS = {key: label for key, label, _ in COLUMNS}


def _check_row(row: Row) -> None:
    v, errors = row.values, row.errors
    for key in (
        "unit_name",
        "credit_code",
        "branch",
        "contact_name",
        "contact_phone",
        "studio_name",
        "nameplate_no",
        "occupation_code",
        "occupation_name",
        "leader_name",
        "leader_id",
        "voucher_no",
    ):
        v[key] = cell_text(v[key])
    for key, limit in _limits().items():
        if len(v[key]) > limit:
            errors.append(f"“{LABELS[key]}”有 {len(v[key])} 个字，超过 {limit} 个字的上限，请缩短后再导入")
    v["credit_code"] = v["credit_code"].upper()
    v["leader_id"] = v["leader_id"].upper()
    if v["credit_code"]:
        valid, reason = identifiers.check_credit_code(v["credit_code"])
        if not valid:
            errors.append(f"统一社会信用代码“{v['credit_code']}”有误：{reason}")
    v["gender"] = None
    if v["leader_id"]:
        valid, reason = identifiers.check_id_number(v["leader_id"])
        if not valid:
            errors.append(f"领办人身份证号有误：{reason}")
        else:
            v["gender"] = identifiers.id_number_facts(v["leader_id"])["gender"]
    age = cell_text(v["retirement_age"])
    v["retirement_age"] = None
    if v["gender"] == "female":
        if age not in ("50", "55"):
            errors.append("女职工请填写原法定退休年龄（50 或 55）")
        else:
            v["retirement_age"] = int(age)
    v["recognized_on"] = _date(v["recognized_on"], "认定日期", errors)
    v["paid_on"] = _date(v["paid_on"], "拨付日期", errors)
    v["paid_amount"] = _money(v["paid_amount"], "已拨付资助金额（元）", errors)
    payment = [v["paid_amount"] is not None, v["paid_on"] is not None, bool(v["voucher_no"])]
    if any(payment) and not all(payment):
        errors.append("已拨付资助金额、拨付日期、拨付凭证号要么都填，要么都不填")
    today = timezone.localdate()
    if v["recognized_on"] and v["paid_on"] and v["paid_on"] < v["recognized_on"]:
        errors.append("拨付日期不能早于认定日期")
    if v["recognized_on"] and v["recognized_on"] > today:
        errors.append("认定日期不能晚于今天")
    if v["paid_on"] and v["paid_on"] > today:
        errors.append(f"拨付日期 {v['paid_on']:%Y-%m-%d} 晚于今天，不能导入未来日期的拨付")


def _keys(row: Row, unit_ids: dict, branch_ids: dict):
    v = row.values
    leader = blind_index(v["leader_id"]) if v["leader_id"] else None
    unit_id = unit_ids.get(v["credit_code"])
    scope = None
    if unit_id is not None:
        scope = scope_key(unit_id, branch_ids.get((unit_id, v["branch"])), v["occupation_code"], v["occupation_name"])
    return leader, scope, f"{v['credit_code']}|{v['branch']}|{v['occupation_code'] or v['occupation_name']}"


def _check_duplicates(rows: list[Row]) -> None:
    unit_ids = dict(
        Unit.objects.filter(credit_code__in={r.values["credit_code"] for r in rows}).values_list("credit_code", "id")
    )
    branch_ids = {(b.unit_id, b.name): b.pk for b in Branch.objects.filter(unit_id__in=unit_ids.values())}
    seen: dict[str, dict] = {"leader": {}, "scope": {}, "plate": {}, "voucher": {}}
    live = Studio.objects.filter(state__in=LIVE_STATES)
    for row in rows:
        v = row.values
        leader, scope, file_scope = _keys(row, unit_ids, branch_ids)
        for kind, key, message in (
            ("leader", leader, "与第 {n} 行是同一领办人（第7条：同一领办人只能领办一个工作室）"),
            ("scope", file_scope, "与第 {n} 行是同一单位（分厂/分公司）的相同职业（第7条）"),
            ("plate", v["nameplate_no"], "铭牌编号与第 {n} 行重复"),
            ("voucher", v["voucher_no"], "拨付凭证号与第 {n} 行重复（同一笔拨付只能导入一次）"),
        ):
            if not key:
                continue
            if key in seen[kind]:
                row.errors.append(message.format(n=seen[kind][key]))
            else:
                seen[kind][key] = row.number
        if leader and live.filter(leader_key=leader).exists():
            row.errors.append("该领办人已领办平台上的一个工作室（第7条）")
        if scope and live.filter(scope_key=scope).exists():
            row.errors.append("该单位（分厂/分公司）相同职业已有工作室（第7条）")
        if v["nameplate_no"] and Studio.objects.filter(nameplate_no=v["nameplate_no"]).exists():
            row.errors.append(f"铭牌编号“{v['nameplate_no']}”已存在于平台")
        if (
            v["voucher_no"]
            and Disbursement.objects.filter(voucher_no=v["voucher_no"], reversal_of__isnull=True).exists()
        ):
            row.errors.append(f"已登记：拨付凭证号“{v['voucher_no']}”已在平台登记过，请勿重复导入同一笔拨付")


class ImportRefused(Exception):
    def __init__(self, result: ParseResult):
        super().__init__(f"文件有 {result.error_count} 处错误，未导入任何数据")
        self.result = result


def commit(content: bytes, *, actor, filename: str = "") -> list[Studio]:
    """Save every row, or nothing: the whole file is parsed again inside the transaction."""
    with transaction.atomic():
        result = parse(content)
        if not result.ok:
            raise ImportRefused(result)
        # the documented door (core.transitions.seed): records of the former Measures are loaded in
        # the states they already reached there (unit approved, grant paid), each with its event
        with transitions.seed("import of studios recognised under the former Measures (Art. 20)"):
            studios = [_save(row, actor) for row in result.rows]
        record_event(
            "import.previous_measure",
            actor=actor,
            clause="20",
            data={"file": filename, "studios": [s.pk for s in studios], "source": SOURCE},
        )
    return studios


def _save(row: Row, actor) -> Studio:
    v = row.values
    unit, created = Unit.objects.get_or_create(
        credit_code=v["credit_code"],
        defaults={
            "name": v["unit_name"],
            "kind": "enterprise",
            "address": "北京经济技术开发区",
            "in_etown": True,
            "contact_name": v["contact_name"],
            "contact_phone": v["contact_phone"],
            "status": UnitStatus.APPROVED,
            "status_reason": f"依原办法（{SOURCE}）认定的工作室导入",
        },
    )
    branch = Branch.objects.get_or_create(unit=unit, name=v["branch"])[0] if v["branch"] else None
    person = Person.objects.filter(unit=unit, id_index=blind_index(v["leader_id"])).first()
    if person is None:
        person = Person.objects.create(
            unit=unit, name=v["leader_name"], id_number=v["leader_id"], original_retirement_age=v["retirement_age"]
        )
    studio = Studio.objects.create(
        unit=unit,
        branch=branch,
        leader=person,
        occupation_code=v["occupation_code"],
        occupation_name=v["occupation_name"],
        name=v["studio_name"],
        nameplate_no=v["nameplate_no"],
        recognized_on=v["recognized_on"],
        leader_key=person.id_index,
        scope_key=scope_key(unit.pk, branch.pk if branch else None, v["occupation_code"], v["occupation_name"]),
        imported_from=SOURCE,
    )
    record_event(
        "studio.imported",
        obj=studio,
        actor=actor,
        clause="20",
        to_state=studio.state,
        reason=f"依原办法（{SOURCE}）认定，导入平台",
        data={"row": row.number},
    )
    if v["paid_amount"] is not None:
        grant = Grant.objects.create(
            studio=studio,
            kind="initial",
            clause="14.1",
            amount=v["paid_amount"],
            dated_on=v["recognized_on"],
            state=GrantState.DISBURSED,
            basis=f"依原办法（{SOURCE}）发放的首次认定资助，历史导入",
            disbursed_on=v["paid_on"],
            voucher_no=v["voucher_no"],
            disbursed_by=actor,
            imported=True,
        )
        Disbursement.objects.create(
            grant=grant,
            amount=v["paid_amount"],
            paid_on=v["paid_on"],
            voucher_no=v["voucher_no"],
            confirmed_by=actor,
            note="历史导入",
        )
        record_event(
            "grant.imported",
            obj=grant,
            actor=actor,
            clause="20",
            to_state=GrantState.DISBURSED,
            data={"amount": str(v["paid_amount"]), "voucher_no": v["voucher_no"]},
        )
    return studio
