"""Third-party evaluation (Art. 18): an evaluation with its scope (studios × years), an evaluator
account granted read-only access to exactly that scope for a period, and the evaluator's report.
Access ends by itself: every read goes through ``evaluations.selectors`` which compares the
period with the current time."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Evaluation(models.Model):
    title = models.CharField("评估项目名称", max_length=200)
    purpose = models.TextField("评估内容与要求")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第三方评估机构账号",
        on_delete=models.PROTECT,
        related_name="evaluations",
        limit_choices_to={"role": "evaluator"},
    )
    studios = models.ManyToManyField("studios.Studio", verbose_name="评估范围（工作室）", related_name="evaluations")
    year_from = models.PositiveSmallIntegerField("起始年度")
    year_to = models.PositiveSmallIntegerField("截止年度")
    access_from = models.DateTimeField("授权开始")
    access_until = models.DateTimeField("授权截止")
    revoked_at = models.DateTimeField("提前收回授权时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "第三方评估"
        verbose_name_plural = "第三方评估"
        constraints = [
            models.CheckConstraint(
                name="evaluation_years_ordered", condition=models.Q(year_to__gte=models.F("year_from"))
            ),
            models.CheckConstraint(
                name="evaluation_access_ordered", condition=models.Q(access_until__gt=models.F("access_from"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now) -> bool:
        return self.revoked_at is None and self.access_from <= now < self.access_until

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


class EvaluationReport(models.Model):
    evaluation = models.ForeignKey(Evaluation, verbose_name="评估", on_delete=models.PROTECT, related_name="reports")
    title = models.CharField("报告名称", max_length=200)
    file = models.FileField("报告文件", upload_to="evaluations/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "评估报告"
        verbose_name_plural = "评估报告"

    def __str__(self) -> str:
        return self.title
