"""The daily scheduled command: ``manage.py daily`` (cron, e.g. ``10 0 * * *`` Asia/Shanghai). It
drives several apps (notices, assessments' monitoring, the outbox, uploads, the audit log), so it
lives on the top floor.

Tasks, each at most once per day across all servers: close public-notice periods (Art. 10),
remind units of the annual summary 30, 7 and 1 days before the deadline (Art. 11), flag late
summaries, studios without work for over a year (Art. 13(1)), leaders near retirement or gone
(Art. 13(3)), rectifications past their deadline without a report (Art. 12), and retry
notification e-mails left in the outbox.

Safe to run twice and on two servers at once: a task claims its day with a row in
``assessments.DailyRun`` (unique on day × task) committed before it starts; a second run finds
the row and skips the task. Each task is itself idempotent (unique reminder and flag rows), so
``--force`` (run claimed tasks again) cannot send or flag twice either. A failed task releases its
claim so the next run retries it; the command then exits non-zero so cron reports it.
"""

from __future__ import annotations

import socket
import traceback

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from masterstudio.assessments import monitoring
from masterstudio.assessments.models import DailyRun
from masterstudio.core.audit import write_anchor
from masterstudio.core.notify import send_pending
from masterstudio.core.uploads import remove_orphans
from masterstudio.notices.closing import close_due


def _close_notices(today):
    return close_due(now=timezone.now())  # recognised, waiting, errors


def _send_outbox(today):
    return {"sent": send_pending()}


def _remove_orphans():
    return len(remove_orphans())


def _anchor_audit():
    line = write_anchor()
    return {"seq": line["seq"], "line": line["n"]}


TASKS = [
    ("close_notices", "公示期满处理（第10条）", _close_notices),
    ("summary_reminders", "年度工作总结提醒（第11条）", lambda d: {"reminded": monitoring.send_summary_reminders(d)}),
    ("late_summaries", "逾期总结提示（第11条）", lambda d: {"flagged": monitoring.flag_late_summaries(d)}),
    (
        "inactive_studios",
        "超过一年未开展工作提示（第13条第（一）项）",
        lambda d: {"flagged": monitoring.flag_inactive(d)},
    ),
    ("leader_checks", "领办人退休、离职提示（第13条第（三）项）", lambda d: {"flagged": monitoring.flag_leaders(d)}),
    (
        "overdue_rectifications",
        "限期整改逾期提示（第12条）",
        lambda d: {"flagged": monitoring.flag_overdue_rectifications(d)},
    ),
    ("outbox", "补发通知邮件", _send_outbox),
    ("orphan_files", "清理无记录的上传文件（24 小时以前）", lambda d: {"removed": _remove_orphans()}),
    ("audit_anchor", "写入审计日志锚点（数据库之外，发送给安全审计员）", lambda d: _anchor_audit()),
]


class Command(BaseCommand):
    help = (
        "每日任务：公示期满、总结提醒与逾期、未开展工作、领办人退休离职提示、补发邮件。"
        "可重复运行，多台服务器同时运行也只执行一次"
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", choices=[t[0] for t in TASKS], help="只运行指定任务（可重复）")
        parser.add_argument(
            "--force", action="store_true", help="今天已运行过的任务也再运行一次（各任务本身不会重复提醒或提示）"
        )

    def handle(self, *args, only=None, force=False, **options):
        today = timezone.localdate()
        host = socket.gethostname()[:100]
        failed = []
        for name, label, task in TASKS:
            if only and name not in only:
                continue
            run = self._claim(today, name, host, force)
            if run is None:
                self.stdout.write(f"跳过 {label}：今天已由其他进程运行")
                continue
            try:
                with transaction.atomic():
                    result = task(today)
            except Exception as exc:  # one failing task must not stop the others; cron sees the exit code
                DailyRun.objects.filter(pk=run.pk).delete()
                failed.append(name)
                self.stderr.write(f"失败 {label}：{exc}")
                self.stderr.write(traceback.format_exc())
                continue
            DailyRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=_jsonable(result))
            self.stdout.write(f"完成 {label}：{_describe(result)}")
        if failed:
            raise CommandError(f"{len(failed)} 项任务失败：{', '.join(failed)}；已释放占用，下次运行会重试")

    def _claim(self, today, name, host, force):
        try:
            with transaction.atomic():
                return DailyRun.objects.create(day=today, task=name, host=host)
        except IntegrityError:
            if not force:
                return None
            run = DailyRun.objects.get(day=today, task=name)
            DailyRun.objects.filter(pk=run.pk).update(host=host, finished_at=None)
            return run


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _describe(result: dict) -> str:
    parts = []
    for key, value in result.items():
        parts.append(f"{key} {len(value)}" if isinstance(value, (list, tuple)) else f"{key} {value}")
    return "，".join(parts) or "无"
