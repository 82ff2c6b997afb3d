from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masterstudio.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "从备份目录恢复到空的新安装（先校验全部校验和）"

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")
        parser.add_argument("--verify-only", action="store_true", help="只校验备份，不恢复")

    def handle(self, *args, source, verify_only, **options):
        try:
            manifest = verify(Path(source)) if verify_only else restore(Path(source))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        done = "校验通过" if verify_only else "恢复完成"
        self.stdout.write(
            self.style.SUCCESS(f"{done}：{sum(manifest['rows'].values())} 行数据，{len(manifest['files'])} 个文件")
        )
