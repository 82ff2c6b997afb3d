"""Backup and restore of the database and the uploaded files, with a manifest of checksums.

A backup is a folder:

    manifest.json        what is in it: every file with its size and SHA-256, the row counts
    manifest.sig         HMAC-SHA256 of manifest.json under a key derived from AUDIT_CHAIN_KEY,
                         which is not in the backup: a swapped file with an updated checksum (or
                         an edited manifest) is refused
    database.dump.enc    PostgreSQL: ``pg_dump --format=custom`` of one snapshot, streamed to
                         disk and encrypted chunk by chunk (no row is held in memory)
    database.json.enc    SQLite: every row of every table (Django's serializer, full precision)
                         Either is encrypted with FIELD_ENCRYPTION_KEY, so personal data never
                         lies in clear text
    files/...            the uploaded files, as they are under MEDIA_ROOT

Restore goes into an empty installation (migrated, no data): it checks the signature and every
checksum first, and every path of the manifest must stay inside its root (``files/`` when read,
``MEDIA_ROOT`` when written: ``a/../../x`` is refused). PostgreSQL: ``pg_restore --clean`` of
the dump, then ``migrate`` for a newer code; SQLite: the rows with their original primary keys
in one transaction, the sequences reset. Then the database cache table is created, so the
restored installation signs in at once, and the files are copied back. The event log's hash chain
survives unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
from datetime import UTC, datetime, time
from pathlib import Path, PurePosixPath

from cryptography.fernet import Fernet, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

FORMAT = "masterstudio-backup/2"
CHUNK = 1 << 20
DATABASE_FILES = {"postgresql": "database.dump.enc", "sqlite": "database.json.enc"}
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


def _signing_key() -> bytes:
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), b"backup-manifest", hashlib.sha256).digest()


def _sign(manifest_bytes: bytes) -> str:
    return hmac.new(_signing_key(), manifest_bytes, hashlib.sha256).hexdigest()


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it stays inside ``root`` (no absolute path, no ``..``,
    no symlink out)."""
    pure = PurePosixPath(str(relative))
    if (
        not str(relative)
        or pure.is_absolute()
        or "\\" in str(relative)
        or ".." in pure.parts
        or any(part in ("", ".") for part in str(relative).split("/"))
    ):
        raise BackupError(f"备份清单中的路径 {relative!r} 不安全（须是相对路径且不含“..”），拒绝恢复")
    root = Path(root).resolve()
    path = (root / pure).resolve()
    if root != path and root not in path.parents:
        raise BackupError(f"备份清单中的路径 {relative!r} 指向 {root} 之外，拒绝恢复")
    return path


def _fernet() -> MultiFernet:
    """Every key of FIELD_ENCRYPTION_KEY (the first encrypts): a backup made before a key rotation
    still restores while its key is listed (docs/deploy.md, rotating the key)."""
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def _encrypt_stream(source: Path, target: Path) -> None:
    """Encrypt a file chunk by chunk (each a length-prefixed Fernet token): memory stays flat."""
    fernet = _fernet()
    with source.open("rb") as src, target.open("wb") as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            token = fernet.encrypt(chunk)
            dst.write(struct.pack(">I", len(token)) + token)


def _decrypt_stream(source: Path, target: Path) -> None:
    fernet = _fernet()
    with source.open("rb") as src, target.open("wb") as dst:
        while header := src.read(4):
            (size,) = struct.unpack(">I", header)
            dst.write(fernet.decrypt(src.read(size)))


def _pg_env() -> tuple[list[str], dict]:
    conf = connection.settings_dict
    args = ["--dbname", conf["NAME"]]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump (custom format) of one snapshot, the row counts read in the same snapshot."""
    args, env = _pg_env()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "database.dump"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            for model in _models():
                counts[model._meta.label_lower] = model._base_manager.count()
            done = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(plain),
                    *args,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        if done.returncode != 0:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        _encrypt_stream(plain, target)
    return counts


def _pg_restore(source: Path) -> None:
    args, env = _pg_env()
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "database.dump"
        try:
            _decrypt_stream(source, plain)
        except Exception as exc:
            raise BackupError("无法解密数据库备份：FIELD_ENCRYPTION_KEY 与备份时不一致") from exc
        connection.close()
        done = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(plain),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")


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
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"不支持备份 {vendor} 数据库")
    database = target / DATABASE_FILES[vendor]
    if vendor == "postgresql":
        counts = _pg_dump(database)
    else:
        counts: dict[str, int] = {}
        objects = []
        with transaction.atomic():  # one consistent snapshot
            for model in _models():
                rows = list(model._base_manager.order_by("pk"))
                counts[model._meta.label_lower] = len(rows)
                objects.extend(rows)
            payload = serializers.serialize("json", objects, cls=_FullPrecisionEncoder)
        database.write_bytes(_fernet().encrypt(payload.encode()))
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
        "created_at": datetime.now(UTC).isoformat(),
        "database_vendor": vendor,
        "database": {"path": database.name, "size": database.stat().st_size, "sha256": _sha256(database)},
        "rows": counts,
        "files": files,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    (target / "manifest.json").write_bytes(text)
    (target / "manifest.sig").write_text(_sign(text) + "\n", encoding="ascii")
    return manifest


def verify(source: Path) -> dict:
    """Check the manifest's signature, every path and every checksum; the manifest when all hold."""
    source = Path(source)
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{source} 中没有 manifest.json，不是本平台的备份")
    text = manifest_path.read_bytes()
    try:
        signature = (source / "manifest.sig").read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        signature = ""
    if not hmac.compare_digest(signature, _sign(text)):
        raise BackupError("备份清单签名不符：备份被替换或修改过，或 AUDIT_CHAIN_KEY 与备份时不同，拒绝恢复")
    manifest = json.loads(text.decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不受支持")
    vendor = manifest.get("database_vendor")
    if manifest["database"]["path"] != DATABASE_FILES.get(vendor):
        raise BackupError(f"备份清单中的数据库文件 {manifest['database']['path']!r} 无效")
    database = source / manifest["database"]["path"]
    if not database.exists() or _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError("数据库备份文件缺失或校验和不符，备份已损坏")
    for item in manifest["files"]:
        path = inside(source / "files", item["path"])
        inside(Path(settings.MEDIA_ROOT), item["path"])
        if not path.is_file() or _sha256(path) != item["sha256"]:
            raise BackupError(f"文件 {item['path']} 缺失或校验和不符，备份已损坏")
    return manifest


def restore(source: Path) -> dict:
    source = Path(source)
    manifest = verify(source)
    if manifest["database_vendor"] != connection.vendor:
        raise BackupError(f"这是 {manifest['database_vendor']} 数据库的备份，不能恢复到 {connection.vendor}")
    call_command("migrate", interactive=False, verbosity=0)
    occupied = [
        m._meta.label
        for m in _models()
        if m._meta.label_lower not in {"contenttypes.contenttype", "auth.permission"} and m._base_manager.exists()
    ]
    if occupied:
        raise BackupError(f"目标系统不是空的（{', '.join(occupied[:5])} 已有数据），只能恢复到空的新安装中")
    if connection.vendor == "postgresql":
        _pg_restore(source / manifest["database"]["path"])
        call_command("migrate", interactive=False, verbosity=0)  # a backup of an older version
        wrong = [
            label
            for label, count in manifest["rows"].items()
            if label in {m._meta.label_lower for m in _models()}
            and apps.get_model(label)._base_manager.count() != count
        ]
        if wrong:
            raise BackupError(f"恢复后的行数与备份清单不符：{', '.join(wrong[:5])}")
    else:
        _load_rows(source, manifest)
    call_command("createcachetable", verbosity=0)  # the database cache is not in any migration
    _clear_content_types()
    media = Path(settings.MEDIA_ROOT)
    for item in manifest["files"]:
        destination = inside(media, item["path"])
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(inside(source / "files", item["path"]), destination)
    return manifest


def _clear_content_types() -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _load_rows(source: Path, manifest: dict) -> None:
    try:
        payload = _fernet().decrypt((source / manifest["database"]["path"]).read_bytes())
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
        ChainHead.objects.update_or_create(
            id=1, defaults={"seq": last.seq if last else 0, "hash": last.hash if last else "0" * 64}
        )
        statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
