"""Steps: the rounds with their rubrics, the expert pool."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from masterstudio.accounts.models import User
from masterstudio.applications.models import (
    Round,
)
from masterstudio.experts.models import Criterion, Expert, Rubric
from masterstudio.perf.generator.context import APP_CRITERIA, BATCH, BENCH_PASSWORD, shanghai


class RoundSteps:
    """Steps: the rounds with their rubrics, the expert pool. Mixed into ``Generator``."""

    def rounds(self):

        c = self.c
        version = "measures-2026-draft"
        specs = []
        for y in range(c.year - 4, c.year):
            specs.append(
                (
                    f"h{y}",
                    y,
                    f"{y}年度经开区技能大师工作室申报",
                    shanghai(date(y, 3, 1), 9),
                    shanghai(date(y, 4, 30), 17),
                )
            )
        specs.append(
            (
                "current",
                c.year,
                f"{c.year}年度经开区技能大师工作室申报（第一批）",
                shanghai(date(c.year, 3, 1), 9),
                shanghai(date(c.year, 4, 30), 17),
            )
        )
        specs.append(
            (
                "open",
                c.year,
                f"{c.year}年度经开区技能大师工作室申报（第二批）",
                c.now - timedelta(days=25),
                c.now + timedelta(days=2, hours=6),
            )
        )
        rounds = [
            Round(
                year=y,
                title=t,
                opens_at=o,
                closes_at=cl,
                guide="请按《办法》第9条准备材料，材料须为 PDF、JPG、PNG、DOCX 或 XLSX。",
                policy_version=version,
                created_by=c.staff["reviewer"],
            )
            for _, y, t, o, cl in specs
        ]
        Round.objects.bulk_create(rounds)
        c.rounds = {key: r for (key, *_), r in zip(specs, rounds, strict=False)}
        for r in rounds:
            self.event(
                "round.created",
                r.opens_at - timedelta(days=7),
                obj=r,
                actor=c.staff["reviewer"],
                clause="8",
                data={"opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat()},
            )
        rubrics = [
            Rubric(name=f"{r.title} 评分表", round=r, purpose="application", aggregation="trimmed")
            for key, r in c.rounds.items()
            if key != "open" or self.drafts_only
        ]
        Rubric.objects.bulk_create(rubrics)
        Criterion.objects.bulk_create(
            [
                Criterion(
                    rubric=rb,
                    order=i,
                    title=t,
                    max_points=Decimal(m),
                    weight=Decimal("1"),
                    comment_below=Decimal(m) / 2 if i == 0 else None,
                )
                for rb in rubrics
                for i, (t, m) in enumerate(APP_CRITERIA)
            ]
        )
        self.app_rubric = {rb.round_id: rb for rb in rubrics}
        self.criteria = {rb.pk: list(rb.criteria.order_by("order")) for rb in rubrics}

    def experts(self):

        c = self.c
        password = make_password(BENCH_PASSWORD)
        users = [
            User(
                username=f"perf_expert_{i:03d}",
                password=password,
                role="expert",
                display_name=self.name(),
                organisation="北京市示例职业技术学院",
                email=f"expert{i}@perf.etown.example",
                password_changed_at=c.now,
            )
            for i in range(c.scale.experts)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        groups = ["3", "4", "5", "6"]
        experts = [
            Expert(
                user=u,
                name=u.display_name,
                employer=f"北京市第{i % 9 + 1}示例高级技工学校",
                title="高级技师",
                fields=groups if i % 5 == 0 else c.rng.sample(groups, 2) + ["6"],
                max_per_year=400,
            )
            for i, u in enumerate(users)
        ]
        Expert.objects.bulk_create(experts, batch_size=BATCH)
        c.experts = experts
        c.counts["experts"] = len(experts)
