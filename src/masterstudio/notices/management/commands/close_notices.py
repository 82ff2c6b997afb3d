"""Recognise the entries of every public notice whose period has ended without objection.

Run daily (e.g. cron at 00:10 Asia/Shanghai). Safe to run twice: recognised entries are skipped,
and an entry is recognised at most once (the award is one transaction on a locked row).
"""

from django.core.management.base import BaseCommand

from masterstudio.notices.closing import close_due


class Command(BaseCommand):
    help = "公示期满无异议的条目予以认定（第十条），可重复运行"

    def handle(self, *args, **options):
        result = close_due()
        for nameplate in result["recognised"]:
            self.stdout.write(f"已认定：{nameplate}")
        for error in result["errors"]:
            self.stderr.write(f"未认定：{error}")
        if result["waiting"]:
            self.stdout.write(f"有异议待处理的公示：{', '.join(str(n) for n in result['waiting'])}")
        self.stdout.write(f"本次认定 {len(result['recognised'])} 个工作室")
