"""Keeping an upload across a form error, so the user does not choose the file again."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files import File

from masterstudio.core.uploads.checks import DOCUMENT_KINDS, UploadRefused, check_upload, human_size
from masterstudio.core.uploads.names import safe_filename

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
