"""``manage.py simulate_year --applications 1000 --studios 600``: one year through the services
(``masterstudio.perf.simulate``), timed. Run it on an empty database of its own: it empties the
database first (``--keep`` to refuse instead)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from masterstudio.applications.models import Application
from masterstudio.perf import simulate


class Command(BaseCommand):
    help = (
        "模拟一个完整年度（1,000 份申报从提交到认定、600 个工作室年度考核），全部经过业务服务，计时。会清空当前数据库"
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=1000)
        parser.add_argument("--studios", type=int, default=600)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--actors",
            type=int,
            default=1,
            help="同时办理的人数：每一步的事项分给这么多个进程并行办理（默认 1，逐件办理）",
        )
        parser.add_argument("--keep", action="store_true", help="数据库非空时拒绝运行，而不是清空")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, applications, studios, seed, actors, keep, json: bool, **options):

        if actors < 1:
            raise CommandError("--actors 至少为 1")
        if studios > applications:
            raise CommandError("--studios 不能大于 --applications")
        if Application.objects.exists():
            if keep:
                raise CommandError("数据库中已有申报数据：模拟年度请使用单独的空数据库")
            call_command("flush", "--noinput", verbosity=0)
        result = simulate.run(applications, studios, seed=seed, log=self.stdout.write, actors=actors)
        self.stdout.write(self.style.SUCCESS(f"模拟年度完成：{result['seconds']} 秒（{result['detail']}）"))
        if json:
            import json as _json

            self.stdout.write(_json.dumps(result, ensure_ascii=False, default=str))
