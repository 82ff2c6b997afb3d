"""Checking an uploaded file by its content, never by its name (issue 4, materials).

Accepted: PDF, JPG, PNG, DOCX, XLSX. A DOCX or XLSX is a ZIP package; it is accepted only when it
holds the Office Open XML parts of that kind, so a renamed ZIP or a renamed EXE is refused.
"""
from __future__ import annotations

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

KIND_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "Word（DOCX）", "xlsx": "Excel（XLSX）"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def sniff(upload) -> str | None:
    """The kind of the file from its first bytes (and, for ZIP packages, its parts)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(upload) -> tuple[str, str]:
    """Validate one upload; returns (kind, sha256). Raises ValidationError with a Chinese message."""
    name = upload.name or "未命名文件"
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件（0 字节），请重新选择", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"文件“{name}”大小 {human_size(upload.size)}，超过上限 {human_size(limit)}；请压缩或拆分后再上传",
            code="too_large",
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            f"文件“{name}”的内容不是 PDF、JPG、PNG、DOCX 或 XLSX（按文件内容识别，改扩展名无效），请转换格式后上传",
            code="kind",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()
