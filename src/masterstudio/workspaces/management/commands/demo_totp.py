"""Demo only: print the current second-factor code of the demo staff, expert and evaluator accounts."""

import time

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masterstudio.workspaces.management.commands.demo_data import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "演示环境：显示演示管理端、专家和评估机构账号当前的动态口令"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("仅演示环境（DEBUG=true）可用")
        totp = pyotp.TOTP(DEMO_TOTP_SECRET)
        left = 30 - int(time.time()) % 30
        self.stdout.write(
            f"当前动态口令：{totp.now()}（还可使用 {left} 秒；所有演示账号共用此口令，"
            "可分别登录几个不同的演示账号，每个账号只能使用一次）"
        )
