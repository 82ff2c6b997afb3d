"""Re-key an audit chain written before AUDIT_CHAIN_KEY (unkeyed SHA-256) with the key, after
checking it, then anchor the new head. Run once after upgrading; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from masterstudio.core.audit import rekey, write_anchor


class Command(BaseCommand):
    help = "用 AUDIT_CHAIN_KEY 重新计算旧的（未加密钥的）审计日志哈希链，先校验旧链，完成后写入锚点"

    def handle(self, *args, **options):
        try:
            changed = rekey()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        line = write_anchor()
        self.stdout.write(self.style.SUCCESS(f"已重新计算 {changed} 条记录的哈希；锚点：链头第 {line['seq']} 条"))
