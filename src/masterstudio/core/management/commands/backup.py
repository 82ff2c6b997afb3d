from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masterstudio.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个新目录（含校验和清单）"

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份目录（须不存在或为空）")

    def handle(self, *args, target, **options):
        try:
            manifest = backup(Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{sum(manifest['rows'].values())} 行数据，{len(manifest['files'])} 个文件 → {target}"
            )
        )
