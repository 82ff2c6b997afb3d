"""``manage.py generate_data --seed N --scale full|small``: the realistic large data set of
``masterstudio.perf.generator``. Reused: when this database already holds the data set of the
same seed and scale, nothing is generated again (the record is in ``perf.GeneratedDataset``)."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from masterstudio.perf.generator import SCALES, VERSION, generate
from masterstudio.perf.models import GeneratedDataset


class Command(BaseCommand):
    help = "生成大规模演练数据（5 年、3,000 家单位、5,000 份申报……），同一种子结果相同；数据库中已有同一数据集时跳过"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", choices=sorted(SCALES), default="full")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出数据集记录（行数与基准测试账号）")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="数据库中已有其他（或旧版本生成器的）数据集时清空数据库重新生成（仅用于专用的基准测试数据库）",
        )

    def handle(self, *args, seed, scale, json: bool = False, replace: bool = False, **options):
        existing = GeneratedDataset.objects.filter(finished_at__isnull=False).first()
        if (
            existing is not None
            and (existing.seed, existing.scale, existing.version) != (seed, scale, VERSION)
            and replace
        ):
            self.stdout.write(
                f"清空数据库中的数据集 seed={existing.seed} scale={existing.scale}（生成器版本 {existing.version}）"
            )
            call_command("flush", "--noinput", verbosity=0)
            existing = None
        if existing is not None and (existing.seed, existing.scale, existing.version) == (seed, scale, VERSION):
            self.stdout.write(
                f"数据集 seed={seed} scale={scale} 已于 {timezone.localtime(existing.finished_at):%Y-%m-%d %H:%M} "
                f"生成（用时 {existing.seconds:.0f} 秒），跳过"
            )
        elif existing is not None:
            raise CommandError(
                f"数据库中已有另一数据集（seed={existing.seed} scale={existing.scale}，"
                f"生成器版本 {existing.version}）；"
                "请使用新的空数据库（例如 createdb 一个新库并设置 DATABASE_URL）"
            )
        else:
            GeneratedDataset.objects.filter(finished_at__isnull=True).delete()  # an interrupted run left nothing else
            started = time.perf_counter()
            self.stdout.write(f"生成数据集 seed={seed} scale={scale} …")
            ctx = generate(seed, SCALES[scale], log=self.stdout.write)
            seconds = time.perf_counter() - started
            with transaction.atomic():
                existing = GeneratedDataset.objects.create(
                    seed=seed,
                    scale=scale,
                    version=VERSION,
                    finished_at=timezone.now(),
                    seconds=seconds,
                    counts=ctx.counts,
                    principals=ctx.principals,
                )
            self.stdout.write(self.style.SUCCESS(f"完成，用时 {seconds:.0f} 秒"))
            for key, value in ctx.counts.items():
                self.stdout.write(f"  {key}: {value:,}")
        if json:
            import json as _json

            self.stdout.write(
                _json.dumps(
                    {
                        "seed": existing.seed,
                        "scale": existing.scale,
                        "seconds": existing.seconds,
                        "counts": existing.counts,
                        "principals": existing.principals,
                    },
                    ensure_ascii=False,
                )
            )
