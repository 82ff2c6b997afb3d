"""Verify the hash chain of the event log; name the first broken record."""
from django.core.management.base import BaseCommand, CommandError

from masterstudio.core.events import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被篡改或删除的记录"

    def handle(self, *args, **options):
        checked, broken, why = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计日志哈希链断裂：第 {broken.seq} 条记录（{broken.at:%Y-%m-%d %H:%M:%S} {broken.action} "
                f"{broken.object_repr}）：{why}。此前 {checked} 条记录完好"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完好：共 {checked} 条记录，哈希链连续"))
