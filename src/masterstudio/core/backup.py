"""Backup and restore of the database and the uploaded files, with a manifest of checksums.

A backup is a folder:

    manifest.json        what is in it: every file with its size and SHA-256, the row counts
    database.json.enc    every row of every table (Django's serializer, full precision), encrypted
                         with FIELD_ENCRYPTION_KEY, so personal data never lies in clear text
    files/...            the uploaded files, as they are under MEDIA_ROOT

Restore goes into an empty installation (migrated, no data): it checks every checksum first,
then loads the rows with their original primary keys in one transaction, resets the sequences,
and copies the files back. The event log's hash chain survives unchanged.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
from datetime import datetime, time, timezone
from pathlib import Path

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

FORMAT = "masterstudio-backup/1"
SKIP = {"sessions.session", "core.chainhead"}  # sessions are transient; the chain head is rebuilt


class BackupError(Exception):
    pass


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond (the event
    log's hashes cover them)."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIP or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def backup(target: Path) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录，请指定新的目录")
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    objects = []
    with transaction.atomic():  # one consistent snapshot (repeatable read on PostgreSQL)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in _models():
            rows = list(model._base_manager.order_by("pk"))
            counts[model._meta.label_lower] = len(rows)
            objects.extend(rows)
        payload = serializers.serialize("json", objects, cls=_FullPrecisionEncoder)
    database = target / "database.json.enc"
    database.write_bytes(Fernet(settings.FIELD_ENCRYPTION_KEY.encode()).encrypt(payload.encode()))
    files = []
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            relative = path.relative_to(media).as_posix()
            copy = target / "files" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files.append({"path": relative, "size": copy.stat().st_size, "sha256": _sha256(copy)})
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "database_vendor": connection.vendor,
        "database": {"path": database.name, "size": database.stat().st_size, "sha256": _sha256(database)},
        "rows": counts,
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    source = Path(source)
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{source} 中没有 manifest.json，不是本平台的备份")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不受支持")
    database = source / manifest["database"]["path"]
    if not database.exists() or _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError("数据库备份文件缺失或校验和不符，备份已损坏")
    for item in manifest["files"]:
        path = source / "files" / item["path"]
        if not path.exists() or _sha256(path) != item["sha256"]:
            raise BackupError(f"文件 {item['path']} 缺失或校验和不符，备份已损坏")
    return manifest


def restore(source: Path) -> dict:
    source = Path(source)
    manifest = verify(source)
    call_command("migrate", interactive=False, verbosity=0)
    occupied = [m._meta.label for m in _models()
                if m._meta.label_lower not in {"contenttypes.contenttype", "auth.permission"}
                and m._base_manager.exists()]
    if occupied:
        raise BackupError(f"目标系统不是空的（{', '.join(occupied[:5])} 已有数据），只能恢复到空的新安装中")
    try:
        payload = Fernet(settings.FIELD_ENCRYPTION_KEY.encode()).decrypt((source / manifest["database"]["path"]).read_bytes())
    except Exception as exc:
        raise BackupError("无法解密数据库备份：FIELD_ENCRYPTION_KEY 与备份时不一致") from exc
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from masterstudio.core.models import ChainHead, Event

    with transaction.atomic():
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        for deserialized in serializers.deserialize("json", io.StringIO(payload.decode()), ignorenonexistent=False):
            deserialized.save()
        last = Event.objects.order_by("-seq").first()
        ChainHead.objects.update_or_create(id=1, defaults={"seq": last.seq if last else 0,
                                                           "hash": last.hash if last else "0" * 64})
        statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    ContentType.objects.clear_cache()
    media = Path(settings.MEDIA_ROOT)
    for item in manifest["files"]:
        destination = media / item["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "files" / item["path"], destination)
    return manifest
