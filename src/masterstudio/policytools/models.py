"""A policy version entered by staff: a successor of the Measures as data (issue 17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded


class VersionState(models.TextChoices):
    PROPOSED = "proposed", "待复核"
    SCHEDULED = "scheduled", "已确认，按生效日施行"
    WITHDRAWN = "withdrawn", "已撤回"


class PolicyVersion(StateGuarded, models.Model):
    """Its text, its parameters (each citing a clause of that text), its dates. A second staff
    member confirms it (four eyes); from then it governs every fact dated on or after
    ``effective_from`` (``catalog.engine.versions``)."""

    name = models.SlugField("版本标识", max_length=60, unique=True, help_text="英文、数字和连字符，如 measures-2027")
    title = models.CharField("版本名称", max_length=200)
    document = models.CharField("文号", max_length=100, blank=True)
    text = models.TextField("政策原文")
    effective_from = models.DateField("生效日期")
    valid_until = models.DateField("有效期截止日")
    parameters = models.JSONField("参数", default=dict)
    preview = models.JSONField("影响预览", default=dict, blank=True)
    state = models.CharField("状态", max_length=20, choices=VersionState.choices, default=VersionState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="录入人")
    proposed_at = models.DateTimeField("录入时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name="复核人"
    )
    confirmed_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        ordering = ["effective_from", "pk"]
        verbose_name = "政策版本"
        verbose_name_plural = "政策版本"
        constraints = [
            models.CheckConstraint(
                name="policyversion_dates_order", condition=models.Q(valid_until__gte=models.F("effective_from"))
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(state="scheduled"),
                name="policyversion_one_scheduled_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.effective_from:%Y-%m-%d} 至 {self.valid_until:%Y-%m-%d}）"
