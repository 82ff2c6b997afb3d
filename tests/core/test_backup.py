"""Backup and restore: every row and every file comes back, the audit chain still verifies."""

import io
import json
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command

from masterstudio.core.backup import BackupError, _models, backup, restore, verify
from masterstudio.core.events import record_event, verify_chain


def _snapshot():
    rows = {}
    for model in _models():
        data = serializers.serialize("python", model._base_manager.order_by("pk"))
        rows[model._meta.label_lower] = json.loads(json.dumps(data, default=str))
    return rows


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    folder = Path(settings.MEDIA_ROOT) / "materials" / "2026"
    folder.mkdir(parents=True)
    (folder / "a.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    (folder / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 1000)
    return Path(settings.MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_installation(media, tmp_path):
    call_command("demo_data", stdout=io.StringIO())
    from masterstudio.units.models import Unit

    record_event("unit.approved", obj=Unit.objects.first(), to_state="approved", clause="4.1", data={"n": 1})
    before = _snapshot()
    manifest = backup(tmp_path / "bk")
    on_disk = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert manifest["rows"]["accounts.user"] == 14  # the demo accounts (five experts since issue 18.14)
    assert [f["path"] for f in manifest["files"]] == on_disk and "materials/2026/照片.png" in on_disk
    raw = (tmp_path / "bk" / manifest["database"]["path"]).read_bytes()
    assert b"11010519750308001X" not in raw and "北京亦庄".encode() not in raw  # encrypted at rest

    call_command("flush", interactive=False, verbosity=0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    restore(tmp_path / "bk")

    after = _snapshot()
    for label in before:
        for a, b in zip(before[label], after[label], strict=False):
            for k in a["fields"]:
                assert a["fields"][k] == b["fields"][k], (label, k, a["fields"][k], b["fields"][k])
    assert after == before
    assert (media / "materials/2026/a.pdf").read_bytes().startswith(b"%PDF-1.4")
    assert (media / "materials/2026/照片.png").stat().st_size == 1008
    checked, broken, _ = verify_chain()
    assert broken is None and checked == sum(1 for _ in before["core.event"])
    # the platform keeps working: new events chain on, new rows get fresh ids
    record_event("test.after_restore")
    assert verify_chain()[1] is None
    Unit.objects.create(
        name="恢复后新单位",
        credit_code="91350100M000100Y43",
        kind="enterprise",
        address="x",
        contact_name="x",
        contact_phone="13800138000",
    )


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_a_non_empty_installation(media, tmp_path):
    call_command("demo_data", stdout=io.StringIO())
    backup(tmp_path / "bk")
    with pytest.raises(BackupError, match="不是空的"):
        restore(tmp_path / "bk")
    damaged = tmp_path / "bk" / "files" / "materials" / "2026" / "a.pdf"
    damaged.write_bytes(damaged.read_bytes() + b"!")
    with pytest.raises(BackupError, match="a.pdf 缺失或校验和不符"):
        verify(tmp_path / "bk")


def test_backup_target_must_be_empty(db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(BackupError, match="不是空目录"):
        backup(tmp_path / "old")


def _resign(folder: Path, manifest: dict) -> None:
    """What only a holder of the signing key could do (to test the checks behind the signature)."""
    from masterstudio.core.backup import _sign

    text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    (folder / "manifest.json").write_bytes(text)
    (folder / "manifest.sig").write_text(_sign(text))


@pytest.mark.django_db(transaction=True)
def test_a_swapped_file_with_an_updated_checksum_is_refused(media, tmp_path):
    import hashlib

    call_command("demo_data", stdout=io.StringIO())
    folder = tmp_path / "bk"
    manifest = backup(folder)
    swapped = folder / "files" / "materials" / "2026" / "a.pdf"
    swapped.write_bytes(b"%PDF-1.4 swapped")
    item = next(f for f in manifest["files"] if f["path"].endswith("a.pdf"))
    item["sha256"], item["size"] = hashlib.sha256(swapped.read_bytes()).hexdigest(), swapped.stat().st_size
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    with pytest.raises(BackupError, match="备份清单签名不符"):
        verify(folder)
    (folder / "manifest.sig").unlink()
    with pytest.raises(BackupError, match="备份清单签名不符"):
        verify(folder)


@pytest.mark.parametrize("path", ["a/../../x", "../x", "/etc/passwd", "materials/../../../x", "a//b", "./a"])
def test_restore_paths_cannot_leave_their_root(tmp_path, path):
    from masterstudio.core.backup import inside

    with pytest.raises(BackupError, match="不安全|之外"):
        inside(tmp_path / "media", path)
    assert inside(tmp_path / "media", "materials/2026/a.pdf") == (tmp_path / "media/materials/2026/a.pdf").resolve()


@pytest.mark.django_db(transaction=True)
def test_a_signed_manifest_with_a_path_out_of_media_is_refused_and_writes_nothing(media, tmp_path):
    folder = tmp_path / "bk"
    manifest = backup(folder)
    manifest["files"][0]["path"] = "a/../../x"
    _resign(folder, manifest)
    with pytest.raises(BackupError, match="不安全"):
        restore(folder)
    assert not (media.parent / "x").exists()


@pytest.mark.django_db(transaction=True)
def test_the_restored_installation_signs_in_at_once(media, tmp_path, client):
    from django.db import connection

    from tests.factories import PASSWORD, make_unit, make_user

    unit = make_unit("北京亦庄恢复测试有限公司", "91110302MA01ABCD0Y")
    make_user("restored_unit", "unit", unit=unit)
    folder = tmp_path / "bk"
    manifest = backup(folder)
    assert (
        manifest["database"]["path"]
        == {"postgresql": "database.dump.enc", "sqlite": "database.json.enc"}[connection.vendor]
    )
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS cache_table")  # a fresh installation has none
    restore(folder)
    response = client.post("/accounts/login/", {"username": "restored_unit", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db(transaction=True)
def test_a_backup_made_before_a_key_rotation_restores_while_the_old_key_is_listed(media, tmp_path, settings):
    """FIELD_ENCRYPTION_KEY=NEW,OLD after a rotation: yesterday's backup (under OLD) still restores."""
    from cryptography.fernet import Fernet

    from masterstudio.units.models import Unit

    call_command("demo_data", stdout=io.StringIO())
    units = Unit.objects.count()
    backup(tmp_path / "bk")
    call_command("flush", interactive=False, verbosity=0)
    old = settings.FIELD_ENCRYPTION_KEY
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY, settings.BLIND_INDEX_KEY = [new, old], new, old
    restore(tmp_path / "bk")
    assert Unit.objects.count() == units and Unit.objects.first().contact_phone  # decrypts under the old key
