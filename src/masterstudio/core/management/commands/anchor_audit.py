"""Write an anchor of the audit chain's head (seq, hash, time) to AUDIT_ANCHOR_PATH and e-mail it to
the auditors (core/audit.py). ``manage.py daily`` does this once a day."""

from django.core.management.base import BaseCommand

from masterstudio.core.audit import beijing, write_anchor


class Command(BaseCommand):
    help = "把审计日志哈希链的链头（序号、哈希、时间）写入签名的锚点文件，并发送给安全审计员"

    def handle(self, *args, **options):
        from datetime import datetime

        from django.conf import settings

        line = write_anchor()
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入锚点第 {line['n']} 行：链头第 {line['seq']} 条，{beijing(datetime.fromisoformat(line['at']))}，"
                f"文件 {settings.AUDIT_ANCHOR_PATH}"
            )
        )
