"""Files on the storage that no row names, swept once old enough."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

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
