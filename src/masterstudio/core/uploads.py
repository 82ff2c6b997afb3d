"""Uploaded files, for every app: one door in (checked by content) and one door out (served as an
attachment with a safe name). Issue 8, uploads.

In: :func:`check_upload` refuses an empty file, a file over ``settings.UPLOAD_MAX_BYTES``, a file
whose *content* is not one of the accepted kinds (the name and the browser's content type are not
trusted), HTML and SVG in any disguise, and a DOCX/XLSX/OFD package that is a size bomb (too many
members, too much uncompressed data, or too high a compression ratio — measured by decompressing,
not by trusting the sizes the archive declares).

Storage: :class:`GeneratedNameStorage` (the default storage, see settings.STORAGES) replaces the
uploaded name with a random one under ``MEDIA_ROOT``, which lies outside the web root and is never
served directly: the original name is kept in the row and only given back in the download header.

Out: :func:`serve` answers with ``Content-Disposition: attachment`` and an RFC 5987 file name
(``filename*=UTF-8''…`` plus an ASCII fallback), the content type of the sniffed kind and
``X-Content-Type-Options: nosniff``. Views call it only after a selector has decided that the user
may see the row, and record the download with ``record_event``.

Also: keeping an upload across a form error (:func:`stage` / :func:`unstage`), so the user does not
choose the file again.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

# ------------------------------------------------------------------------------------------- kinds

KIND_LABELS = {
    "pdf": "PDF",
    "jpg": "JPG",
    "png": "PNG",
    "docx": "Word（DOCX）",
    "xlsx": "Excel（XLSX）",
    "ofd": "OFD（电子发票/公文）",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
DOCUMENT_KINDS = frozenset({"pdf", "jpg", "png", "docx", "xlsx"})
VOUCHER_KINDS = DOCUMENT_KINDS | {"ofd"}  # money records: 电子发票 are often OFD (GB/T 33190)
PHOTO_KINDS = frozenset({"jpg", "png"})
EXCEL_KINDS = frozenset({"xlsx"})
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
INLINE_KINDS = frozenset({"pdf", "jpg", "png"})  # may be shown in the browser when asked; never HTML/SVG

# What a DOCX/XLSX/OFD package may hold: its XML parts and the media they show. Anything else — an
# executable, a script, HTML, a macro project (vbaProject.bin), an ActiveX control, an embedded
# object or package — is refused, whatever its name says: each member is also read.
PACKAGE_MEMBER_SUFFIXES = frozenset(
    {
        "xml",
        "rels",
        "vml",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "emf",
        "wmf",
        "svg",
        "ttf",
        "otf",
        "odttf",
        "ttc",
        "fntdata",
        "jb2",
        "jbig2",
        "txt",
        "sig",
        "dat",
    }
)
_PRINTER_SETTINGS = re.compile(r"^(word|xl)/printerSettings/printerSettings\d+\.bin$")
_MACRO_CONTENT_TYPE = b"macroenabled"
_EXECUTABLE_HEADS = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
)  # PE, ELF, scripts, Mach-O, a nested ZIP, an OLE compound file
_ACTIVE_MARKUP = (
    b"<script",
    b"javascript:",
    b"<html",
    b"<!doctype html",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<foreignobject",
)

# Size-bomb limits for ZIP packages (DOCX, XLSX, OFD). Settings may override each.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100

_SNIFF_BYTES = 1024


class UploadRefused(ValidationError):
    """A refused upload; ``messages`` holds one Chinese sentence that says what to do."""


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _looks_like_markup(head: bytes) -> bool:
    """HTML, SVG or other XML: never accepted, whatever the name says."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16
        head = head[2:].replace(b"\x00", b"")
    text = head.lstrip(b"\xef\xbb\xbf\x00\t\r\n ").lower()
    return text.startswith(b"<") or any(tag in text for tag in (b"<svg", b"<html", b"<script", b"<!doctype"))


def _refuse_member(name: str, member: str, why: str) -> UploadRefused:
    return UploadRefused(
        f"文件“{name}”内含{why}（部件 {member[:80]}），已拒收。请另存为普通文档或转为 PDF 后上传", code="package_member"
    )


def _check_member_name(member: str, name: str) -> None:
    lowered = member.lower()
    if member.endswith("/"):
        return
    base = lowered.rsplit("/", 1)[-1]
    if base == "vbaproject.bin" or "/vbaproject" in lowered or base.startswith("vbadata"):
        raise _refuse_member(name, member, "宏（VBA）")
    if "/activex/" in lowered:
        raise _refuse_member(name, member, "ActiveX 控件")
    if "/embeddings/" in lowered:
        raise _refuse_member(name, member, "嵌入的对象或文件")
    if _PRINTER_SETTINGS.match(member):
        return
    suffix = base.rpartition(".")[2] if "." in base else ""
    if suffix not in PACKAGE_MEMBER_SUFFIXES and base != "[content_types].xml":
        raise _refuse_member(name, member, "可执行程序、脚本、网页或其他不允许的部件")


def _check_member_content(member: str, head: bytes, name: str) -> None:
    if _PRINTER_SETTINGS.match(member):
        return
    if head.startswith(_EXECUTABLE_HEADS):
        raise _refuse_member(name, member, "可执行程序、脚本或嵌入的文件")
    if member == "[Content_Types].xml" and _MACRO_CONTENT_TYPE in head.lower():
        raise _refuse_member(name, member, "宏（启用宏的文档类型）")


def _check_member_chunk(member: str, chunk: bytes, name: str) -> None:
    """Markup members (XML, SVG, VML) may not carry scripts or HTML."""
    if member.lower().rpartition(".")[2] in ("xml", "rels", "vml", "svg"):
        lowered = chunk.lower()
        if any(marker in lowered for marker in _ACTIVE_MARKUP) or (
            member.lower().endswith(".svg") and re.search(rb"\son[a-z]+\s*=", lowered)
        ):
            raise _refuse_member(name, member, "脚本或网页内容")


# PDFs that run something when opened or carry files: refused. Names may be written with #xx
# escapes (/J#61vaScript) and may sit inside compressed object streams, so both are undone first.
_PDF_ACTIVE = {
    b"javascript": "JavaScript 脚本",
    b"js": "JavaScript 脚本",
    b"launch": "启动外部程序的动作",
    b"embeddedfile": "嵌入的文件",
    b"embeddedfiles": "嵌入的文件",
    b"richmedia": "多媒体（Flash）内容",
    b"xfa": "XFA 动态表单",
}
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_MAX_INFLATED = 50 * 1024 * 1024


def _pdf_names(data: bytes):
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            try:
                raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            except ValueError:
                pass
        yield raw.lower()


def _check_pdf(upload, name: str) -> None:
    import zlib

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    parts, inflated = [data], 0
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        try:
            decompressor = zlib.decompressobj()
            text = decompressor.decompress(data[start:end], _PDF_MAX_INFLATED - inflated)
        except zlib.error:
            continue
        inflated += len(text)
        parts.append(text)
        if inflated >= _PDF_MAX_INFLATED:
            raise UploadRefused(f"文件“{name}”解压后体积异常（疑似压缩炸弹），已拒收", code="zip_bomb")
    for part in parts:
        for found in _pdf_names(part):
            if found in _PDF_ACTIVE:
                raise UploadRefused(
                    f"PDF 文件“{name}”含{_PDF_ACTIVE[found]}（/{found.decode(errors='replace')}），打开时可能执行代码，"
                    "已拒收。请用“打印为 PDF”或扫描件重新生成后上传",
                    code="pdf_active",
                )


def _check_package(upload, name: str) -> str | None:
    """The kind of a ZIP package (docx/xlsx/ofd) after the size-bomb checks; None if not an office package."""
    max_members = _limit("UPLOAD_ZIP_MAX_MEMBERS", ZIP_MAX_MEMBERS)
    max_total = _limit("UPLOAD_ZIP_MAX_UNCOMPRESSED", ZIP_MAX_UNCOMPRESSED)
    max_ratio = _limit("UPLOAD_ZIP_MAX_RATIO", ZIP_MAX_RATIO)
    bomb = UploadRefused(
        f"文件“{name}”解压后体积异常（疑似压缩炸弹），已拒收。请用 Word/Excel 另存为后重新上传", code="zip_bomb"
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            members = package.infolist()
            if len(members) > max_members:
                raise UploadRefused(
                    f"文件“{name}”内含 {len(members)} 个部件，超过上限 {max_members}，已拒收", code="zip_members"
                )
            names = {m.filename for m in members}
            declared = sum(m.file_size for m in members)
            compressed = max(1, sum(m.compress_size for m in members))
            if declared > max_total or declared / compressed > max_ratio:
                raise bomb
            for member in members:
                _check_member_name(member.filename, name)
            # The declared sizes can lie: decompress and count, stopping at the limits; and read
            # every member's content (not only the names that mark the format).
            total = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise UploadRefused(f"文件“{name}”已加密，请取消密码保护后再上传", code="encrypted")
                with package.open(member) as stream:
                    first = True
                    while True:
                        chunk = stream.read(64 * 1024)
                        if not chunk:
                            break
                        if first:
                            _check_member_content(member.filename, chunk, name)
                            first = False
                        _check_member_chunk(member.filename, chunk, name)
                        total += len(chunk)
                        if total > max_total or total / compressed > max_ratio:
                            raise bomb
    # zipfile raises NotImplementedError for a compression method it cannot read: such a file is
    # refused as "not an Office document", like any other unreadable archive.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(upload, name: str = "") -> str | None:
    """The kind of the file from its content; raises UploadRefused for markup and size bombs."""
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    name = name or getattr(upload, "name", "") or "未命名文件"
    if head.startswith(b"%PDF-"):
        _check_pdf(upload, name)
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _check_package(upload, name)
    if _looks_like_markup(head):
        raise UploadRefused(
            f"文件“{name}”是网页或 SVG 图形（HTML/SVG/XML），平台不接收此类文件；请转为 PDF 后上传", code="markup"
        )
    return None


def _kinds_text(kinds) -> str:
    """'PDF、JPG、PNG、DOCX 或 XLSX'."""
    names = [k.upper() for k in ("pdf", "jpg", "png", "docx", "xlsx", "ofd") if k in kinds]
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + " 或 " + names[-1]


def check_upload(upload, *, kinds=DOCUMENT_KINDS, label: str = "文件") -> tuple[str, str]:
    """Validate one upload; returns (kind, sha256 hex). Raises UploadRefused (a ValidationError)
    with a Chinese message naming the file and what to do."""
    if upload is None:
        raise UploadRefused(f"请选择要上传的{label}", code="missing")
    name = Path(getattr(upload, "name", "") or "未命名文件").name
    limit = settings.UPLOAD_MAX_BYTES
    size = upload.size
    if not size:
        raise UploadRefused(f"{label}“{name}”是空文件（0 字节），请重新选择", code="empty")
    if size > limit:
        raise UploadRefused(
            f"{label}“{name}”大小 {human_size(size)}，超过上限 {human_size(limit)}；请压缩或拆分后再上传",
            code="too_large",
        )
    kind = sniff(upload, name)
    if kind is not None and kind not in kinds:
        what = "不是照片：请上传" if set(kinds) <= PHOTO_KINDS else "此处只接收"
        raise UploadRefused(f"{label}“{name}”是 {kind.upper()} 文件，{what} {_kinds_text(kinds)} 文件", code="kind")
    if kind is None:
        mismatch = "内容与扩展名不符，" if kind_of_name(name) in kinds else ""
        raise UploadRefused(
            f"{label}“{name}”的内容不是 {_kinds_text(kinds)}（{mismatch}按文件内容识别，改扩展名无效），请转换格式后上传",
            code="kind",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    cleaned = safe_filename(name, f"{label}.{kind}")
    if cleaned != getattr(upload, "name", None):  # what every app keeps as the original name
        upload.name = cleaned
    return kind, digest.hexdigest()


# ----------------------------------------------------------------------------------------- storage

_GENERATED = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")
_SAFE_SUFFIXES = {
    ".pdf": "pdf",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".ofd": "ofd",
}


class GeneratedNameStorage(FileSystemStorage):
    """File storage under MEDIA_ROOT that never keeps the uploaded name: the file is stored as
    ``<folder>/<32 hex>.<kind>``. Names already generated by an app (a token) are kept."""

    @staticmethod
    def _generated(filename) -> str:
        folder, base = posixpath.split(str(filename).replace("\\", "/"))
        if not _GENERATED.match(base):
            suffix = _SAFE_SUFFIXES.get(posixpath.splitext(base)[1].lower(), "bin")
            base = f"{uuid.uuid4().hex}.{suffix}"
        return posixpath.join(folder, base) if folder else base

    def generate_filename(self, filename):  # FileField saves
        return super().generate_filename(self._generated(filename))

    def get_available_name(self, name, max_length=None):  # direct storage.save() calls too
        return super().get_available_name(self._generated(name), max_length=max_length)


# ----------------------------------------------------------------------------------------- serving

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_filename(name: str, fallback: str = "download") -> str:
    """The last path part, without control characters (bidirectional overrides such as U+202E,
    which would show ``invoice‮fdp.exe`` as ``invoiceexe.pdf``, included), quotes or separators;
    at most 150 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(c for c in name if c not in BIDI_CONTROLS)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*;')
    name = name.strip(" .")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[:140] + "." + ext if stem else name[:150]
    return name[:150]


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 / RFC 5987: an ASCII fallback name and the UTF-8 name."""
    name = safe_filename(filename)
    ascii_name = name.encode("ascii", "ignore").decode().strip()
    if not ascii_name.rpartition(".")[0 if "." in ascii_name else 2].strip(" ."):
        ext = name.rpartition(".")[2].encode("ascii", "ignore").decode() if "." in name else ""
        ascii_name = "download" + (f".{ext}" if ext else "")
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def kind_of_name(name: str) -> str | None:
    return _SAFE_SUFFIXES.get(Path(name or "").suffix.lower())


def serve(field_file, original_name: str, *, kind: str | None = None, inline: bool = False) -> FileResponse:
    """Send a stored upload. ``inline`` is honoured only for PDF and images (never markup)."""
    kind = kind or kind_of_name(original_name) or kind_of_name(getattr(field_file, "name", ""))
    content_type = CONTENT_TYPES.get(kind or "", "application/octet-stream")
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在或已被移除，请联系社会事业局") from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(original_name, inline=inline and kind in INLINE_KINDS)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def attachment_headers(response, filename: str):
    """For generated documents (exports, PDFs): attachment, safe name, nosniff."""
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------ keeping an upload across a form error
#
# A form that fails validation must not make the user choose their file again. The upload is kept
# in a staging folder under MEDIA_ROOT and the form carries a signed token (bound to the user) that
# names it; the next submission uses the staged file when no new file is chosen. Staged files older
# than a day are removed by ``manage.py clean_orphan_files``.
#
# Nothing unchecked is staged: :func:`stage` runs the same :func:`check_upload` as a stored file
# (size, kind by content, package members, PDF actions) before a byte is written, and each user has
# a staging quota (``UPLOAD_STAGING_QUOTA_MB`` and ``UPLOAD_STAGING_MAX_FILES`` over the last day).

_SALT = "masterstudio.staged-upload"
STAGING_MAX_AGE = 24 * 3600


def _staging() -> Path:
    return Path(settings.MEDIA_ROOT) / "staging"


def _user_staging(user) -> Path:
    return _staging() / f"u{int(user.pk)}"


def staging_usage(user) -> tuple[int, int]:
    """(files, bytes) the user has staged within the last day."""
    import time

    folder, now, files, size = _user_staging(user), time.time(), 0, 0
    if folder.exists():
        for path in folder.glob("*/file"):
            stat = path.stat()
            if now - stat.st_mtime < STAGING_MAX_AGE:
                files, size = files + 1, size + stat.st_size
    return files, size


def stage(upload, user, *, kinds=DOCUMENT_KINDS, label: str = "文件") -> str:
    """Check ``upload`` as :func:`check_upload` does and against the user's staging quota, then keep
    it for the next submission; returns the token. Raises UploadRefused and writes nothing."""
    kind, _ = check_upload(upload, kinds=kinds, label=label)
    files, size = staging_usage(user)
    max_files = int(settings.UPLOAD_STAGING_MAX_FILES)
    max_bytes = int(settings.UPLOAD_STAGING_QUOTA_BYTES)
    if files + 1 > max_files or size + upload.size > max_bytes:
        raise UploadRefused(
            f"{label}“{upload.name}”未能暂存：您一天内暂存的文件已有 {files} 个、{human_size(size)}，"
            f"上限 {max_files} 个、{human_size(max_bytes)}。请先提交或放弃正在填写的表单，稍后再上传",
            code="staging_quota",
        )
    folder = _user_staging(user) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_filename(Path(upload.name).name, "upload")
    with open(folder / "file", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    return signing.dumps({"dir": folder.name, "name": name, "user": user.pk, "kind": kind}, salt=_SALT)


def _read(token: str, user):
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=STAGING_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != user.pk or not re.fullmatch(r"[0-9a-f]{32}", str(data.get("dir", ""))):
        return None
    path = _user_staging(user) / data["dir"] / "file"
    return data if path.exists() else None


def staged_name(token: str, user) -> str | None:
    data = _read(token, user)
    return data["name"] if data else None


def unstage(token: str, user):
    """The staged upload as a Django File (name = the original name), or None."""
    data = _read(token, user)
    if not data:
        return None
    path = _user_staging(user) / data["dir"] / "file"
    handle = open(path, "rb")
    staged = File(handle, name=data["name"])
    staged.size = path.stat().st_size
    return staged


def discard(token: str, user) -> None:
    data = _read(token, user)
    if data:
        folder = _user_staging(user) / data["dir"]
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


# ------------------------------------------------------------------------------------ orphan files
#
# A file is written to storage before its row is committed; a worker killed in between (or a
# transaction rolled back) leaves a file that no row names. The platform never shows such a file —
# every download goes through a row — and this sweep removes it once it is old enough that no
# running request can still be about to commit its row.


def referenced_names() -> set[str]:
    """Every storage name held by a FileField of any model."""
    from django.apps import apps
    from django.db import models

    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                    if n
                )
    return names


def orphan_files(*, older_than_seconds: int = 24 * 3600, now: float | None = None) -> list[Path]:
    """Files under MEDIA_ROOT that no row names (staged uploads included once expired), older than
    the given age."""
    import time

    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    now = time.time() if now is None else now
    keep = referenced_names()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        if name in keep:
            continue
        if now - path.stat().st_mtime >= older_than_seconds:
            found.append(path)
    return found


def remove_orphans(*, older_than_seconds: int = 24 * 3600, dry_run: bool = False) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    removed = []
    for path in orphan_files(older_than_seconds=older_than_seconds):
        removed.append(path.relative_to(root).as_posix())
        if not dry_run:
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != root and parent.exists() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return removed
