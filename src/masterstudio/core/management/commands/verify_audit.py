"""Verify the audit trail: the keyed hash chain, then every anchor of its head kept outside the
database (core/audit.py), naming a rewritten record or a truncation. Times in Beijing time."""

from django.core.management.base import BaseCommand, CommandError

from masterstudio.core.audit import verify


class Command(BaseCommand):
    help = "校验审计日志：HMAC 哈希链和数据库之外的锚点，指出被改写、删除或截断的记录（时间为北京时间）"

    def handle(self, *args, **options):
        findings = verify()
        for finding in findings:
            if finding.ok:
                self.stdout.write(self.style.SUCCESS(finding.message))
        broken = [f.message for f in findings if not f.ok]
        if broken:
            raise CommandError("；".join(broken))
