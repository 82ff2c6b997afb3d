"""``manage.py mail_worker``: sends notification e-mail in production (``EMAIL_DELIVERY=worker``).

Requests then only write the outbox rows, so no page waits for the SMTP relay; this process sends
them a batch at a time and sleeps ``--interval`` seconds when none is left. Each row is claimed
before its e-mail goes out (``core.notify``), so any number of workers on any number of servers
never send an e-mail twice. A row whose e-mail failed is left to ``manage.py daily`` (once a day,
not every few seconds: a bad address is not hammered). SIGTERM or SIGINT (systemd stop, Ctrl-C)
ends the loop after the batch being sent, so a stop never leaves claimed rows unsent. A database
error (PostgreSQL restarting) is logged and the next round, on a fresh connection, tries again.
"""

from __future__ import annotations

import logging
import os
import select
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from masterstudio.core import notify

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "发送通知邮件的常驻进程（EMAIL_DELIVERY=worker 时使用）：每隔几秒发送待发的通知邮件；"
        "收到 SIGTERM/SIGINT 时发完当前一批后退出。发送失败的邮件由每日任务（manage.py daily）每天重试"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.MAIL_WORKER_INTERVAL,
            help="没有待发邮件时等待的秒数（默认 5，可用环境变量 MAIL_WORKER_INTERVAL 设置）",
        )
        parser.add_argument("--once", action="store_true", help="发送当前待发的邮件后退出")

    def handle(self, *args, interval, once, **options):
        if interval <= 0:
            raise CommandError(f"--interval 必须大于 0（收到 {interval}）")
        self.stopping, self.interval = False, interval
        if once:
            self.stdout.write(f"已发送 {self._send_waiting()} 封通知邮件")
            return
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        previous_wakeup = signal.set_wakeup_fd(wake_write)  # a signal ends the sleep at once
        self.stdout.write(f"通知邮件发送进程已启动：没有待发邮件时每 {interval:g} 秒检查一次")
        if settings.EMAIL_DELIVERY != "worker":
            self.stdout.write("注意：EMAIL_DELIVERY 不是 worker，请求仍在提交后自行发送邮件，本进程只发送遗留的邮件")
        self.stdout.flush()
        try:
            while not self.stopping:
                self._round()
                if not self.stopping and select.select([wake_read], [], [], interval)[0]:
                    os.read(wake_read, 512)  # woken by a signal: drained; the loop condition decides
        finally:
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(wake_read)
            os.close(wake_write)
        self.stdout.write("通知邮件发送进程已停止")

    def _stop(self, signum, frame):
        """Only note the request: the batch being sent is finished first (its rows are claimed)."""
        self.stopping = True

    def _round(self):
        try:
            close_old_connections()  # a connection broken by a database restart is replaced, not reused
            sent = self._send_waiting()
        except DatabaseError as exc:
            log.error("通知邮件发送进程访问数据库失败，%g 秒后重试：%s", self.interval, exc)
            return
        if sent:
            self.stdout.write(f"已发送 {sent} 封通知邮件")
            self.stdout.flush()

    def _send_waiting(self) -> int:
        """Batches until none is left, or until a stop is asked for (between batches)."""
        sent, more = 0, True
        while more and not self.stopping:
            count, more = notify.send_fresh()
            sent += count
        return sent
