"""What the data generator left in this database, so that ``make bench`` reuses a data set that
is already there (same seed and scale) instead of generating it again."""

from __future__ import annotations

from django.db import models


class GeneratedDataset(models.Model):
    seed = models.PositiveIntegerField("随机种子")
    scale = models.CharField("规模", max_length=16)
    version = models.PositiveSmallIntegerField("生成器版本", default=1)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    counts = models.JSONField("各表行数", default=dict, blank=True)
    principals = models.JSONField("基准测试使用的账号与对象", default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "生成的数据集"
        verbose_name_plural = "生成的数据集"
        constraints = [models.UniqueConstraint(fields=["seed", "scale"], name="generated_dataset_once")]

    def __str__(self) -> str:
        return f"seed={self.seed} scale={self.scale}"
