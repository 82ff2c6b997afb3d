"""``manage.py clean_orphan_files``: remove uploaded files that no record names (left by a worker
killed between writing the file and committing its row, or by an expired staged upload), older
than a day by default. Also run by ``manage.py daily``. Each removal is recorded in the audit log."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from masterstudio.core.events import record_event
from masterstudio.core.uploads import remove_orphans


class Command(BaseCommand):
    help = "清理没有对应记录的上传文件（默认只清理 24 小时以前的文件）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0, help="只清理早于该小时数的文件（默认 24）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, older_than_hours, dry_run, **options):
        removed = remove_orphans(older_than_seconds=int(older_than_hours * 3600), dry_run=dry_run)
        for name in removed:
            self.stdout.write(("将删除 " if dry_run else "已删除 ") + name)
        if removed and not dry_run:
            record_event("files.orphans_removed", data={"count": len(removed), "files": removed[:200]})
        self.stdout.write(f"共 {len(removed)} 个无记录文件" + ("（未删除）" if dry_run else ""))
