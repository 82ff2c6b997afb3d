"""Uploads (issue 8, item 5): one module (masterstudio.core.uploads) checks every upload by content,
refuses size bombs and markup, stores under generated names outside the web root, and serves every
file as an attachment with a safe name; every file download of every app is in the audit trail."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from masterstudio.core import uploads
from masterstudio.core.models import Event
from tests.factories.applications import pdf_bytes, png_bytes, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content)


def office(kind: str, extra: dict[str, bytes] | None = None, *, members: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<document/>")
        for name, content in (extra or {}).items():
            package.writestr(name, content)
        for i in range(members):
            package.writestr(f"word/media/part{i}.xml", "x")
    return out.getvalue()


def test_real_files_are_accepted_by_content():
    assert uploads.check_upload(upload("申报书.pdf", pdf_bytes()))[0] == "pdf"
    assert uploads.check_upload(upload("照片.png", png_bytes()))[0] == "png"
    assert uploads.check_upload(upload("清单.xlsx", xlsx_bytes()))[0] == "xlsx"
    assert uploads.check_upload(upload("说明.docx", office("docx")))[0] == "docx"
    kind, digest = uploads.check_upload(upload("任何名字.bin", pdf_bytes()))
    assert kind == "pdf" and len(digest) == 64


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("页面.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页或 SVG"),
        ("图.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "网页或 SVG"),
        ("图.svg", "\ufeff<svg onload=alert(1)>".encode("utf-8"), "网页或 SVG"),
        ("页.html", "<html>".encode("utf-16"), "网页或 SVG"),
        ("空.pdf", b"", "空文件"),
        ("程序.pdf", b"MZ\x90\x00\x03", "内容与扩展名不符"),
        ("压缩包.docx", zip_bytes(), "内容不是"),
    ],
)
def test_markup_empty_and_disguised_files_are_refused(name, content, words):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(upload(name, content))
    assert words in refused.value.messages[0] and name in refused.value.messages[0]


def test_size_limit_from_settings(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(uploads.UploadRefused, match="超过上限"):
        uploads.check_upload(upload("大.pdf", pdf_bytes() + b" " * 2000))


def test_zip_bombs_are_refused_by_ratio_total_and_member_count(settings):
    bomb = office("docx", {"word/bomb.xml": b"\0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(uploads.UploadRefused, match="压缩炸弹"):
        uploads.check_upload(upload("报告.docx", bomb))
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED = 50_000
    settings.UPLOAD_ZIP_MAX_RATIO = 10**6
    with pytest.raises(uploads.UploadRefused, match="压缩炸弹"):
        uploads.check_upload(upload("报告.docx", office("docx", {"word/a.xml": b"a" * 60_000})))
    settings.UPLOAD_ZIP_MAX_MEMBERS = 50
    with pytest.raises(uploads.UploadRefused, match="部件"):
        uploads.check_upload(upload("报告.docx", office("docx", members=60)))


def test_a_package_lying_about_its_sizes_is_measured_by_decompressing(settings):
    """The central directory says 10 bytes; the data inflates to 20 MB."""
    data = bytearray(office("docx", {"word/lie.xml": b"\0" * (20 * 1024 * 1024)}))
    package = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = next(i for i in package.infolist() if i.filename == "word/lie.xml")
    true_size = info.file_size.to_bytes(4, "little")
    # patch the declared size in the local header and the central directory
    data = bytes(data).replace(true_size, (10).to_bytes(4, "little"))
    settings.UPLOAD_ZIP_MAX_RATIO = 10**9  # only the measured total can catch it
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED = 5 * 1024 * 1024
    with pytest.raises(uploads.UploadRefused):
        uploads.check_upload(upload("报告.docx", data))


def test_ofd_is_a_voucher_kind_but_not_a_material_kind():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
    content = out.getvalue()
    assert uploads.check_upload(upload("电子发票.ofd", content), kinds=uploads.VOUCHER_KINDS)[0] == "ofd"
    with pytest.raises(uploads.UploadRefused):
        uploads.check_upload(upload("电子发票.ofd", content))


@hsettings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=4096), st.sampled_from(["a.pdf", "b.docx", "c.png", "d", "e.xlsx"]))
def test_any_bytes_are_accepted_or_refused_with_a_message(content, name):
    try:
        kind, _ = uploads.check_upload(upload(name, content))
    except uploads.UploadRefused as exc:
        assert exc.messages and name in exc.messages[0]
    else:
        assert kind in uploads.DOCUMENT_KINDS


def test_stored_names_are_generated_and_outside_the_web_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    storage = uploads.GeneratedNameStorage()
    from django.core.exceptions import SuspiciousFileOperation

    with pytest.raises(SuspiciousFileOperation):
        storage.save("ledger/../../etc/发票.pdf", SimpleUploadedFile("x", pdf_bytes()))
    name = storage.save("ledger/vouchers/2026/发票 <script>.pdf", SimpleUploadedFile("x", pdf_bytes()))
    assert name.startswith("ledger/vouchers/2026/")
    base = Path(name).name
    assert len(base) == 36 and base.endswith(".pdf") and "发票" not in name and ".." not in name
    assert Path(storage.path(name)).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not Path(settings.MEDIA_ROOT).resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert Client().get(settings.MEDIA_URL + name).status_code == 404  # never served directly


@pytest.mark.parametrize(
    "original,ascii_part,utf8_part",
    [
        ("凭证.pdf", 'filename="download.pdf"', "filename*=UTF-8''%E5%87%AD%E8%AF%81.pdf"),
        ('a"b\r\nSet-Cookie: x.pdf', 'filename="abSet-Cookie x.pdf"', "filename*=UTF-8''abSet-Cookie%20x.pdf"),
        ("../../etc/passwd", 'filename="passwd"', "filename*=UTF-8''passwd"),
    ],
)
def test_download_names_are_safe(original, ascii_part, utf8_part):
    header = uploads.content_disposition(original)
    assert header.startswith("attachment; ") and ascii_part in header and utf8_part in header
    assert "\r" not in header and "\n" not in header


FILE_URLS = [  # (URL name, object key, role allowed to download)
    ("applications:download", "material", "unit_a"),
    ("reviews:photo_file", "photo", "reviewer"),
    ("notices:evidence", "evidence", "reviewer"),
    ("ledger:voucher_download", "expense", "finance"),
    ("funding:document_download", "document", "unit_a"),
    ("activities:photo", "activity_photo", "unit_a"),
    ("evaluations:report_download", "evaluation_report", "evaluator_in"),
    ("summaries:attachment", "summary_attachment", "leader"),
    ("assessments:rectification_file", "rectification", "auditor"),
    ("recoveries:evidence_file", "revocation", "approver"),
]


def test_every_file_download_is_an_audited_attachment(world):
    from django.urls import reverse

    for name, key, role in FILE_URLS:
        client = Client()
        client.force_login(world["users"][role])
        before = Event.objects.count()
        response = client.get(reverse(name, args=[world["objects"][key].pk]))
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment; "), name
        assert "filename*=UTF-8''" in response["Content-Disposition"], name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Content-Type"] in uploads.CONTENT_TYPES.values(), name
        event = Event.objects.order_by("-seq").first()
        assert Event.objects.count() == before + 1 and event.actor == world["users"][role], name
        assert event.ip == "127.0.0.1", name  # the address, for every download
    # generated documents are audited too: the certificate, the exports
    client = Client()
    client.force_login(world["users"]["reviewer"])
    for url in (
        f"/studios/{world['objects']['studio'].pk}/certificate.pdf",
        "/data/recognition-list.pdf",
        "/funding/?format=xlsx",
        "/manage/activity/?export=xlsx",
        "/data/import/studios/template.xlsx",
    ):
        before = Event.objects.count()
        assert client.get(url).status_code == 200, url
        assert Event.objects.count() == before + 1, url
