"""The annual work summary (年度工作总结, Art. 11): drafted by the leader or the unit, confirmed by the
unit (经所在单位确定), due by the engine's deadline (interpretation 5: 15 December)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded


class SummaryState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待单位确认"
    CONFIRMED = "confirmed", "单位已确认报送"


class AnnualSummary(StateGuarded, models.Model):
    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="summaries"
    )
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=10, choices=SummaryState.choices, default=SummaryState.DRAFT)
    projects = models.TextField("引领技能研发：项目与技术突破", blank=True)
    apprentices = models.TextField("实行传技带徒：带徒人数及达到的技能等级", blank=True)
    exchanges = models.TextField("开展技艺交流：举办和参加的交流活动", blank=True)
    social_benefit = models.TextField("发挥社会效益", blank=True)
    spending = models.TextField("经费使用情况", blank=True)
    figures = models.JSONField("平台记录的数据（活动、带徒、专账）", default=dict, blank=True)
    figures_checked = models.BooleanField("单位已核对平台数据", default=False)
    due_on = models.DateField("报送截止日期")
    late = models.BooleanField("逾期", default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交单位确认时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("单位确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField("退回意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "studio__name"]
        verbose_name = "年度工作总结"
        verbose_name_plural = "年度工作总结"
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year"],
                name="summary_one_per_studio_year",
                violation_error_message="该工作室该年度的工作总结已存在",
            ),
            models.CheckConstraint(name="summary_state_valid", condition=models.Q(state__in=SummaryState.values)),
            models.CheckConstraint(
                name="summary_confirmed_complete",
                condition=~models.Q(state="confirmed")
                | (models.Q(confirmed_at__isnull=False) & models.Q(figures_checked=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name} {self.year}年度工作总结"

    @property
    def unit(self):
        return self.studio.unit


class SummaryAttachment(models.Model):
    summary = models.ForeignKey(
        AnnualSummary, verbose_name="工作总结", on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField("附件名称", max_length=200)
    file = models.FileField("文件", upload_to="summaries/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "总结附件"
        verbose_name_plural = "总结附件"

    def __str__(self) -> str:
        return self.title


class SummaryReminder(models.Model):
    """One reminder sent for one studio, year and lead time; the unique key makes the daily
    command safe to run twice."""

    studio = models.ForeignKey("studios.Studio", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    days_before = models.PositiveSmallIntegerField("提前天数")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "总结提醒"
        verbose_name_plural = "总结提醒"
        constraints = [models.UniqueConstraint(fields=["studio", "year", "days_before"], name="summary_reminder_once")]
