"""Uploads and staging (issue 21.9): nothing unchecked is staged, each user has a staging quota, a
material item holds a bounded number of files, packages are checked by their whole content, PDFs
that run something are refused, and served names carry no bidirectional controls."""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masterstudio.core import uploads
from tests.factories import PASSWORD
from tests.factories.applications import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def package(kind: str, members: dict[str, bytes | str], *, content_types: str = "<Types/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<document/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def check(name: str, content: bytes, kinds=uploads.DOCUMENT_KINDS):
    return uploads.check_upload(SimpleUploadedFile(name, content), kinds=kinds)


def test_a_real_office_document_with_pictures_is_accepted():
    docx = package(
        "docx",
        {
            "word/media/image1.png": png_bytes(),
            "word/styles.xml": "<styles/>",
            "docProps/core.xml": "<coreProperties/>",
            "word/fonts/font1.odttf": b"\x00\x01",
        },
    )
    assert check("申报书.docx", docx)[0] == "docx"
    xlsx = package(
        "xlsx",
        {
            "xl/worksheets/sheet1.xml": "<worksheet/>",
            "xl/printerSettings/printerSettings1.bin": b"MZ\x00\x00 printer blob",
        },
    )
    assert check("名册.xlsx", xlsx)[0] == "xlsx"


@pytest.mark.parametrize(
    "member,content,words",
    [
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro", "宏（VBA）"),
        ("xl/vbaProject.bin", b"anything", "宏（VBA）"),
        ("word/activeX/activeX1.xml", "<ax/>", "ActiveX"),
        ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0", "嵌入的对象"),
        ("word/media/run.exe", b"MZ\x90\x00", "可执行程序"),
        ("word/media/image2.png", b"MZ\x90\x00 a program named like a picture", "可执行程序"),
        ("word/media/inner.jpg", b"PK\x03\x04 a nested archive", "可执行程序"),
        ("word/page.html", "<html><script>alert(1)</script></html>", "可执行程序、脚本、网页"),
        ("word/run.js", "WScript.Shell", "可执行程序、脚本、网页"),
        (
            "word/media/logo.svg",
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "脚本或网页",
        ),
        ("word/media/logo2.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "脚本或网页"),
        ("customXml/item1.xml", "<x><![CDATA[<iframe src=//evil>]]></x>", "脚本或网页"),
    ],
)
def test_package_members_are_checked_by_their_content(member, content, words):
    with pytest.raises(uploads.UploadRefused, match=words):
        check("材料.docx", package("docx", {member: content}))


def test_a_macro_enabled_content_type_is_refused():
    types = '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    with pytest.raises(uploads.UploadRefused, match="启用宏"):
        check("材料.docx", package("docx", {}, content_types=types))


def _pdf(body: bytes) -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF"
    )


@pytest.mark.parametrize(
    "body,words",
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "JavaScript"),
        (b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>", "JavaScript"),
        (b"/AA << /O << /S /Launch /F (cmd.exe) >> >>", "启动外部程序"),
        (b"/Names << /EmbeddedFiles 5 0 R >>", "嵌入的文件"),
    ],
)
def test_pdfs_that_run_something_are_refused(body, words):
    with pytest.raises(uploads.UploadRefused, match=words):
        check("材料.pdf", _pdf(body))


def test_a_script_hidden_in_a_compressed_object_stream_is_refused():
    hidden = zlib.compress(b"<< /S /JavaScript /JS (this.exportDataObject()) >>")
    content = (
        b"%PDF-1.7\n4 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length "
        + str(len(hidden)).encode()
        + b" >>\nstream\n"
        + hidden
        + b"\nendstream\nendobj\n%%EOF"
    )
    with pytest.raises(uploads.UploadRefused, match="JavaScript"):
        check("材料.pdf", content)


def test_an_open_action_that_only_shows_a_page_and_real_pdfs_are_accepted():
    assert check("材料.pdf", _pdf(b"/OpenAction [3 0 R /Fit]"))[0] == "pdf"
    assert check("申报书.pdf", pdf_bytes())[0] == "pdf"


def test_served_and_kept_names_lose_bidirectional_controls():
    disguised = "发票\u202egpj.exe.pdf"
    assert "\u202e" not in uploads.content_disposition(disguised)
    assert uploads.safe_filename("a\u2066b\u200fc\u061c.pdf") == "abc.pdf"
    upload = SimpleUploadedFile(disguised, pdf_bytes())
    uploads.check_upload(upload)
    assert upload.name == "发票gpj.exe.pdf"  # what every app keeps as the original name


def test_nothing_unchecked_is_staged_and_each_user_has_a_quota(cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = cast["unit_a"]
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(uploads.UploadRefused, match="超过上限"):
        uploads.stage(SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"x" * 4096), user)
    with pytest.raises(uploads.UploadRefused, match="内容不是"):
        uploads.stage(SimpleUploadedFile("假.pdf", b"not a pdf at all"), user)
    assert not (Path(settings.MEDIA_ROOT) / "staging").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "staging").rglob("file")
    )
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.UPLOAD_STAGING_MAX_FILES = 2
    tokens = [uploads.stage(SimpleUploadedFile(f"{n}.pdf", pdf_bytes()), user) for n in range(2)]
    with pytest.raises(uploads.UploadRefused, match="未能暂存：您一天内暂存的文件已有 2 个"):
        uploads.stage(SimpleUploadedFile("3.pdf", pdf_bytes()), user)
    uploads.stage(SimpleUploadedFile("other.pdf", pdf_bytes()), cast["unit_b"])  # another user's own quota
    uploads.discard(tokens[0], user)
    uploads.stage(SimpleUploadedFile("3.pdf", pdf_bytes()), user)
    settings.UPLOAD_STAGING_MAX_FILES = 20
    settings.UPLOAD_STAGING_QUOTA_BYTES = len(pdf_bytes()) * 3 - 1  # two staged, a third would pass it
    with pytest.raises(uploads.UploadRefused, match="未能暂存"):
        uploads.stage(SimpleUploadedFile("4.pdf", pdf_bytes()), user)


def test_a_form_that_fails_validation_stages_no_oversized_voucher(client, cast, unit_a, settings, tmp_path):
    from masterstudio.ledger import services
    from masterstudio.ledger.models import Expense
    from tests.factories.money import make_studio

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.UPLOAD_MAX_BYTES = 4096
    account = services.open_account(
        make_studio(unit_a),
        name="甲工作室专项资金",
        opened_on=date(2025, 7, 1),
        actor=cast["unit_a"],
        openings={"matching": "50000"},
    )
    assert client.login(username="unit_a", password=PASSWORD)
    big = SimpleUploadedFile("凭证.pdf", b"%PDF-1.4\n" + b"0" * 60_000, content_type="application/pdf")
    response = client.post(
        f"/ledger/{account.pk}/expense/",
        {
            "spent_on": "2025-08-01",
            "amount": "",
            "source": "matching",
            "category": "team_incentive",
            "description": "团队奖金",
            "voucher_no": "PZ-1",
            "voucher": big,
        },
    )
    assert response.status_code == 200 and "超过上限" in response.content.decode()
    staging = Path(settings.MEDIA_ROOT) / "staging"
    assert not staging.exists() or not any(staging.rglob("file"))
    assert not Expense.objects.exists()


def test_a_material_item_holds_a_bounded_number_of_files(cast, unit_a, settings, tmp_path):
    from masterstudio.applications import services
    from masterstudio.applications.models import Material
    from tests.factories.applications import ready_application, upload

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MATERIAL_MAX_FILES_PER_ITEM = 3
    application = ready_application(unit_a, cast["unit_a"])
    item = next(i for i in services.material_items(application) if i["required"])
    held = Material.objects.filter(application=application, item=item["clause"]).count()
    services.upload_materials(
        application.pk, item["clause"], [upload(f"{n}.pdf", pdf_bytes()) for n in range(3 - held)], actor=cast["unit_a"]
    )
    with pytest.raises(services.ApplyError, match="每个材料项最多 3 个文件：该项已有 3 个，本次选择了 2 个"):
        services.upload_materials(
            application.pk,
            item["clause"],
            [upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())],
            actor=cast["unit_a"],
        )
    assert Material.objects.filter(application=application, item=item["clause"]).count() == 3
