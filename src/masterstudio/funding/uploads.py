"""Uploaded files for money and activity records: checked on the way in, served only through
views that have already decided (through a selector) that the user may see the record."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse

DOCUMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx", ".ofd"}
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png"}

_MAGIC = {
    ".pdf": [b"%PDF"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG"],
    ".xlsx": [b"PK\x03\x04"],
    ".docx": [b"PK\x03\x04"],
    ".ofd": [b"PK\x03\x04"],
}


def check_upload(upload, *, allowed=DOCUMENT_EXTENSIONS, label="文件") -> None:
    """Raise a Chinese ValidationError when the upload is empty, too large, of a type not allowed,
    or its content does not match its extension."""
    if upload is None:
        raise ValidationError(f"请上传{label}")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in allowed:
        names = "、".join(sorted(e.lstrip(".").upper() for e in allowed))
        raise ValidationError(f"{label}“{upload.name}”的格式不支持，请上传 {names} 文件")
    if upload.size == 0:
        raise ValidationError(f"{label}“{upload.name}”是空文件，请重新选择")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"{label}“{upload.name}”超过 {limit} MB，请压缩后再上传")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in _MAGIC[suffix]):
        raise ValidationError(f"{label}“{upload.name}”的内容与扩展名不符，请上传真实的 {suffix.lstrip('.').upper()} 文件")


def serve(field_file, original_name: str) -> FileResponse:
    content_type = mimetypes.guess_type(original_name)[0] or "application/octet-stream"
    inline = content_type in ("application/pdf", "image/jpeg", "image/png")
    return FileResponse(field_file.open("rb"), content_type=content_type, as_attachment=not inline,
                        filename=original_name)


# ------------------------------------------------------------ keeping an upload across a form error
#
# A form that fails validation must not make the user choose their file again. The upload is kept
# in a staging folder under MEDIA_ROOT and the form carries a signed token (bound to the user) that
# names it; the next submission uses the staged file when no new file is chosen.

import uuid  # noqa: E402

from django.core import signing  # noqa: E402
from django.core.files import File  # noqa: E402

_SALT = "masterstudio.staged-upload"


def stage(upload, user) -> str:
    folder = Path(settings.MEDIA_ROOT) / "staging" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name).name
    with open(folder / "file", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    return signing.dumps({"dir": folder.name, "name": name, "user": user.pk}, salt=_SALT)


def staged_name(token: str, user) -> str | None:
    data = _read(token, user)
    return data["name"] if data else None


def _read(token: str, user):
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    if data.get("user") != user.pk:
        return None
    path = Path(settings.MEDIA_ROOT) / "staging" / data["dir"] / "file"
    return data if path.exists() else None


def unstage(token: str, user):
    """The staged upload as a Django File (name = the original name), or None."""
    data = _read(token, user)
    if not data:
        return None
    path = Path(settings.MEDIA_ROOT) / "staging" / data["dir"] / "file"
    handle = open(path, "rb")
    staged = File(handle, name=data["name"])
    staged.size = path.stat().st_size
    return staged


def discard(token: str, user) -> None:
    data = _read(token, user)
    if data:
        folder = Path(settings.MEDIA_ROOT) / "staging" / data["dir"]
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
