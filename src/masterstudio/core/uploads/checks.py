"""What an upload may be: its kind read from the content, package members and PDF actions checked."""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from masterstudio.core.uploads.names import kind_of_name, safe_filename

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
_PDF_NAME_CHARS = re.compile(rb"[A-Za-z0-9#]*")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_END = b"endstream"
_PDF_END_MARK = re.compile(re.escape(_PDF_END))
_PDF_MAX_INFLATED = 50 * 1024 * 1024

# The PDF is read, and its streams inflated, piece by piece: no more than a chunk of the file and a
# step of inflated text is held at once, whatever the file's size (issue 20: a 50 MB upload held
# 150 MB). A name cut by a chunk's end is held back and read with the next chunk; a name longer
# than any refused name written all in #xx escapes cannot be one of them and is skipped.
_PDF_CHUNK = 64 * 1024
_PDF_INFLATE_STEP = 256 * 1024
_PDF_NAME_LONGEST = 3 * max(len(key) for key in _PDF_ACTIVE)


def _pdf_name(raw: bytes) -> bytes:
    """A name as the reader sees it: #xx escapes undone, lower case."""
    if b"#" in raw:
        raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw.lower()


def _pdf_names(data: bytes):
    for match in _PDF_NAME.finditer(data):
        yield _pdf_name(match.group(1))


class _PdfNames:
    """The first refused name in text fed piece by piece: the one :func:`_pdf_names` finds first
    in the whole text."""

    def __init__(self):
        self.found: bytes | None = None
        self._held = b""  # "/" and the name characters after it at the end of the last piece
        self._skipping = False  # inside a name too long to be refused

    def feed(self, piece: bytes) -> None:
        if self.found is not None or not piece:
            return
        if self._skipping:
            rest = _PDF_NAME_CHARS.match(piece).end()
            if rest == len(piece):
                return
            piece, self._skipping = piece[rest:], False
        text, self._held = self._held + piece, b""
        cut = text.rfind(b"/")
        if cut < 0 or _PDF_NAME_CHARS.match(text, cut + 1).end() != len(text):
            cut = len(text)  # the text ends outside a name
        self._scan(text[:cut] if cut < len(text) else text)
        if len(text) - cut > _PDF_NAME_LONGEST + 1:
            self._skipping = True
        else:
            self._held = text[cut:]

    def finish(self) -> bytes | None:
        if self._held and self.found is None:
            self._scan(self._held)
        self._held = b""
        return self.found

    def _scan(self, text: bytes) -> None:
        for found in _pdf_names(text):
            if found in _PDF_ACTIVE:
                self.found = found
                return


def _pdf_find(upload, pos: int, pattern: re.Pattern, keep: int) -> tuple[int, int] | None:
    """(start, end) of the first match of ``pattern`` at or after ``pos``; ``keep`` bytes of each
    chunk are read again with the next, so a match cut by a chunk's end is found."""
    base, held = pos, b""
    upload.seek(pos)
    while chunk := upload.read(_PDF_CHUNK):
        held += chunk
        match = pattern.search(held)
        if match:
            return base + match.start(), base + match.end()
        drop = max(0, len(held) - keep)
        base, held = base + drop, held[drop:]
    return None


_BROKEN, _BOMB = "broken", "bomb"


def _pdf_inflate(upload, start: int, end: int, budget: int):
    """The stream ``data[start:end]`` inflated step by step and its names scanned: ``(refused name
    or None, inflated size)``; ``_BROKEN`` when it is not zlib data, ``_BOMB`` when it inflates to
    ``budget`` or more — the answers of ``zlib.decompressobj().decompress(data[start:end], budget)``."""
    decompressor, names = zlib.decompressobj(), _PdfNames()
    inflated = 0
    upload.seek(start)
    left = end - start
    while not decompressor.eof:
        data = upload.read(min(_PDF_CHUNK, left)) if left > 0 else b""
        left -= len(data)
        while True:  # the chunk, in steps of inflated text; b"" once more at the end for what is pending
            step = min(_PDF_INFLATE_STEP, budget - inflated)
            try:
                text = decompressor.decompress(data, step)
            except zlib.error:
                return _BROKEN
            inflated += len(text)
            if inflated >= budget:
                return _BOMB
            names.feed(text)
            data = decompressor.unconsumed_tail
            if decompressor.eof or (not data and len(text) < step):
                break
        if left <= 0:
            break
    return names.finish(), inflated


def _check_pdf(upload, name: str) -> None:
    """Refuse a PDF that runs something or carries files. The names of the file and of each inflated
    stream are read; a size bomb is refused first, then the first refused name of the file, then
    the first of the streams."""
    upload.seek(0)
    raw = _PdfNames()
    while raw.found is None and (chunk := upload.read(_PDF_CHUNK)):
        raw.feed(chunk)
    found = raw.finish()
    in_streams, inflated, pos, end = None, 0, 0, -1
    try:
        while (match := _pdf_find(upload, pos, _PDF_STREAM, keep=len(b"stream\r\n") - 1)) is not None:
            pos = match[1]
            if end < pos:  # no endstream lies between the last one found and this stream
                after = _pdf_find(upload, pos, _PDF_END_MARK, keep=len(_PDF_END) - 1)
                if after is None:
                    break
                end = after[0]
            answer = _pdf_inflate(upload, pos, end, _PDF_MAX_INFLATED - inflated)
            if answer == _BOMB:
                raise UploadRefused(f"文件“{name}”解压后体积异常（疑似压缩炸弹），已拒收", code="zip_bomb")
            if answer != _BROKEN:
                in_streams = in_streams or answer[0]
                inflated += answer[1]
    finally:
        upload.seek(0)
    found = found or in_streams
    if found is not None:
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
            f"{label}“{name}”的内容不是 {_kinds_text(kinds)}"
            f"（{mismatch}按文件内容识别，改扩展名无效），请转换格式后上传",
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
