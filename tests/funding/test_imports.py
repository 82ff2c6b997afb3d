"""Import of studios recognised under 京技管发〔2024〕1号: preview lists every row's error, nothing is
saved until the whole file is clean."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from masterstudio.dataio import imports
from masterstudio.funding.models import Grant
from masterstudio.studios.models import Studio
from tests.factories import PASSWORD, id_number

pytestmark = pytest.mark.django_db

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(body17: str) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check character)."""
    total = sum(_CHARS.index(c) * w for c, w in zip(body17, _W, strict=False))
    return body17 + _CHARS[(31 - total % 31) % 31]


GOOD_CODE = credit_code("91110115MA01WXY3N")


def row(**kw):
    values = dict(
        zip(
            [k for k, _, _ in imports.COLUMNS],
            [
                "北京亦庄示例精密机械有限公司",
                GOOD_CODE,
                "",
                "王联系",
                "13800138000",
                "张三车工技能大师工作室",
                "JKQ-2024-001",
                "6-18-01-01",
                "车工",
                "张三",
                id_number("1975-03-08", seq=7),
                "",
                "2024-06-20",
                "200000.00",
                "2024-08-15",
                "CZ-2024-0815",
            ],
            strict=False,
        )
    )
    values.update(kw)
    return [values[k] for k, _, _ in imports.COLUMNS]


def workbook(rows, headers=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or imports.HEADERS)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_has_the_columns():
    sheet = load_workbook(BytesIO(imports.template_bytes())).active
    assert [c.value for c in sheet[1]] == imports.HEADERS


def test_wrong_columns_are_named():
    result = imports.parse(workbook([row()], headers=imports.HEADERS[:-1] + ["备注"]))
    assert not result.ok
    assert "缺少列：拨付凭证号" in result.file_errors[0] and "多出列：备注" in result.file_errors[0]


def test_every_row_error_is_listed_and_nothing_saved(client, cast):
    content = workbook(
        [
            row(),
            row(
                studio_name="重复领办人",
                nameplate_no="JKQ-2024-002",
                occupation_code="6-18-01-02",
                occupation_name="铣工",
            ),
            row(
                leader_id="110105197503080010",
                nameplate_no="JKQ-2024-003",
                leader_name="李四",
                occupation_code="6-18-01-03",
                occupation_name="磨工",
            ),
            row(
                credit_code=GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1"),
                leader_id=id_number("1980-01-01", seq=8),
                nameplate_no="JKQ-2024-001",
                recognized_on="2024-13-01",
                paid_amount="-5",
            ),
        ]
    )
    result = imports.parse(content)
    errors = {r.number: r.errors for r in result.rows}
    assert errors[2] == []
    assert any("与第 2 行是同一领办人" in e for e in errors[3])
    assert any("身份证号有误" in e for e in errors[4])
    assert any("统一社会信用代码" in e for e in errors[5])
    assert any("铭牌编号与第 2 行重复" in e for e in errors[5])
    assert any("认定日期" in e for e in errors[5]) and any("大于 0" in e for e in errors[5])
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/data/import/studios/", {"file": SimpleUploadedFile("studios.xlsx", content)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 4 行" in body and "身份证号有误" in body and "确认导入 4 个工作室" not in body
    with pytest.raises(imports.ImportRefused):
        imports.commit(content, actor=cast["reviewer"])
    assert Studio.objects.count() == 0


def test_clean_file_previews_then_imports(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = workbook(
        [
            row(),
            row(
                studio_name="李四铣工技能大师工作室",
                nameplate_no="JKQ-2024-002",
                occupation_code="6-18-01-02",
                occupation_name="铣工",
                leader_name="李四",
                leader_id=id_number("1972-05-01", male=False, seq=9),
                retirement_age=55,
                paid_amount=None,
                paid_on=None,
                voucher_no=None,
            ),
        ]
    )
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    preview = client.post("/data/import/studios/", {"file": SimpleUploadedFile("studios.xlsx", content)})
    assert preview.status_code == 200 and "确认导入 2 个工作室" in preview.content.decode()
    assert Studio.objects.count() == 0
    done = client.post("/data/import/studios/", {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    studios = Studio.objects.order_by("nameplate_no")
    assert [s.imported_from for s in studios] == ["京技管发〔2024〕1号"] * 2
    grant = Grant.objects.get()
    assert (grant.state, grant.amount, grant.imported, grant.voucher_no) == (
        "disbursed",
        Decimal("200000.00"),
        True,
        "CZ-2024-0815",
    )
    # the same file again: every row now collides with a live studio
    again = imports.parse(content)
    assert all(any("第7条" in e or "已存在" in e for e in r.errors) for r in again.rows)


def test_preview_refuses_text_over_the_model_limit_instead_of_marking_it_importable(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = workbook([row(unit_name="甲" * 600)])
    result = imports.parse(content)
    assert not result.ok
    assert "“单位名称”有 600 个字，超过 200 个字的上限，请缩短后再导入" in result.rows[0].errors
    client.login(username=cast["reviewer"].username, password=PASSWORD)
    preview = client.post("/data/import/studios/", {"file": SimpleUploadedFile("studios.xlsx", content)})
    body = preview.content.decode()
    assert preview.status_code == 400 and "超过 200 个字的上限" in body and "确认导入 1 个工作室" not in body


def test_preview_refuses_a_payment_dated_after_today_and_a_voucher_imported_twice():
    from django.utils import timezone

    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    result = imports.parse(
        workbook(
            [
                row(paid_on=tomorrow),
                row(
                    studio_name="李四铣工技能大师工作室",
                    nameplate_no="JKQ-2024-002",
                    occupation_code="6-18-01-02",
                    occupation_name="铣工",
                    leader_name="李四",
                    leader_id=id_number("1972-05-01", seq=9),
                ),
            ]
        )
    )
    errors = {r.number: r.errors for r in result.rows}
    assert any("拨付日期" in e and "晚于今天" in e for e in errors[2])
    assert "拨付凭证号与第 2 行重复（同一笔拨付只能导入一次）" in errors[3]


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("1e+26", "金额过大"),
        ("10000000000", "金额过大"),
        ("NaN", "不是有效的数字"),
        ("Infinity", "不是有效的数字"),
        ("-Infinity", "不是有效的数字"),
        ("12.345", "最多保留两位小数"),
        ("0", "必须大于 0"),
    ],
)
def test_an_amount_the_money_column_cannot_hold_is_a_row_error_not_a_crash(amount, said):
    """1e+26 used to raise decimal.InvalidOperation from quantize (28-digit context); the column
    (max_digits=12, decimal_places=2) holds at most 9,999,999,999.99."""
    result = imports.parse(workbook([row(paid_amount=amount)]))
    assert not result.ok
    (only,) = result.rows
    assert any(said in message for message in only.errors), only.errors


def test_the_largest_amount_the_column_holds_is_read():
    result = imports.parse(workbook([row(paid_amount="9999999999.99")]))
    assert all("金额" not in message for message in result.rows[0].errors), result.rows[0].errors
    assert result.rows[0].values["paid_amount"] == Decimal("9999999999.99")
