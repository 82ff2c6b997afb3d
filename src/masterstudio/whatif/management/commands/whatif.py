"""Re-evaluate applications under an edited parameter set and report what changes, clause by clause.

manage.py whatif --set team_min_size=4 [--set retirement_min_years=3] [--round 1] [--json]
"""

import json

from django.core.management.base import BaseCommand, CommandError

from masterstudio.policy.errors import PolicyInputError
from masterstudio.whatif import services


class Command(BaseCommand):
    help = "政策影响分析：按修改后的参数重新评估申报，逐条列出结论变化"

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            dest="overrides",
            action="append",
            default=[],
            metavar="参数名=新值",
            help="要修改的参数，可重复，如 --set team_min_size=4",
        )
        parser.add_argument("--round", type=int, help="只评估该申报批次（编号）")
        parser.add_argument("--base", help="作为基准的参数集名称（默认为当前参数集）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, overrides, round, base, json: bool, **options):
        if not overrides:
            raise CommandError("请用 --set 参数名=新值 指定至少一个要修改的参数")
        try:
            report = services.compare(
                services.applications_for_whatif(round), services.parse_overrides(overrides), base_set=base
            )
        except (ValueError, PolicyInputError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        if json:
            self.stdout.write(_json.dumps(report, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(services.render(report))


_json = json
