"""Step: the annual summaries, activities and reports."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from masterstudio.activities.models import Activity, Signup, StudioActivity
from masterstudio.perf.generator.context import BATCH, shanghai
from masterstudio.summaries.models import AnnualSummary


class ActivitySteps:
    """Step: the annual summaries, activities and reports. Mixed into ``Generator``."""

    def summaries_and_activities(self):

        c = self.c
        summaries = []
        for studio in c.studios:
            for y in range(studio.recognized_on.year, c.year):
                confirmed = shanghai(date(y, 12, c.rng.randint(1, 14)), 15)
                summaries.append(
                    AnnualSummary(
                        studio=studio,
                        year=y,
                        state="confirmed",
                        projects="完成数控加工工艺攻关 2 项，申请实用新型专利 1 项",
                        apprentices="带徒 4 人，其中 2 人晋升高级工",
                        exchanges="举办技艺交流 3 次，参加区级技能竞赛 1 次",
                        social_benefit="为区内企业开展技术服务 5 次",
                        spending="资助资金主要用于设备更新和带徒培训",
                        figures={"activities": 5, "apprentices": 4},
                        figures_checked=True,
                        due_on=date(y, 12, 15),
                        drafted_by=c.unit_users[studio.unit_id],
                        submitted_at=confirmed - timedelta(days=2),
                        confirmed_at=confirmed,
                        confirmed_by=c.unit_users[studio.unit_id],
                    )
                )
        AnnualSummary.objects.bulk_create(summaries, batch_size=BATCH)
        activities = []
        for y in range(c.year - 4, c.year + 1):
            for k in range(c.scale.activities_per_year):
                starts = shanghai(date(y, 3 + (k * 9) // max(1, c.scale.activities_per_year), 10 + k % 15), 9)
                activities.append(
                    Activity(
                        title=f"{y}年度技能大师工作室{['学习培训', '交流研讨', '技能竞赛'][k % 3]}活动（第{k + 1}期）",
                        kind=["learning", "exchange", "competition"][k % 3],
                        description="组织工作室领办人和技能骨干开展学习交流。",
                        location="经开区人才服务中心",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=4),
                        signup_deadline=starts - timedelta(days=3),
                        capacity=80,
                        state="published",
                        created_by=c.staff["reviewer"],
                    )
                )
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        signups = []
        for activity in activities:
            eligible = [s for s in c.studios if s.recognized_on < timezone.localdate(activity.starts_at)]
            for studio in c.rng.sample(eligible, min(len(eligible), 15)):
                signups.append(
                    Signup(
                        activity=activity,
                        studio=studio,
                        participants=f"{studio.leader.name}、领办人",
                        headcount=2,
                        contact=f"{studio.unit.contact_name} 139****0000",
                        created_by=c.unit_users[studio.unit_id],
                    )
                )
        Signup.objects.bulk_create(signups, batch_size=BATCH)
        reports = []
        for studio in c.studios:
            for k in range(c.scale.reports_per_studio):
                held = studio.recognized_on + timedelta(days=40 + k * 70)
                if held >= c.today:
                    held = c.today - timedelta(days=k + 1)
                kind = ["training", "apprentice", "exchange", "rnd", "social"][k % 5]
                reports.append(
                    StudioActivity(
                        studio=studio,
                        kind=kind,
                        title=f"{studio.occupation_name}技能{['培训', '带徒', '交流', '攻关', '服务'][k % 5]}",
                        held_on=held,
                        participants=6 + k,
                        apprentices="徒弟甲、徒弟乙" if kind == "apprentice" else "",
                        description="开展实操教学与工艺讲解，参训人员技能明显提升。",
                        reported_by=c.unit_users[studio.unit_id],
                    )
                )
        StudioActivity.objects.bulk_create(reports, batch_size=BATCH)
        c.counts.update(
            summaries=len(summaries), activities=len(activities), signups=len(signups), studio_reports=len(reports)
        )
