"""What staff add to the engine's facts: occupations published after the 2022 大典 edition, and
the holiday arrangement of a year the chinesecalendar package does not know yet (2027 on)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded


class Occupation(models.Model):
    """An occupation added by staff (e.g. the new occupations announced each July)."""

    code = models.CharField("职业编码", max_length=20, unique=True, help_text="大类-中类-小类-细类，如 6-31-07-04")
    name = models.CharField("职业名称", max_length=100)
    marks = models.CharField(
        "标识",
        max_length=4,
        blank=True,
        choices=[("", "无"), ("L", "L 绿色职业"), ("S", "S 数字职业"), ("L/S", "L/S 绿色数字职业")],
    )
    aliases = models.CharField("别名/工种", max_length=300, blank=True, help_text="多个用顿号或逗号分隔，用于搜索")
    source = models.CharField("发布依据", max_length=200, help_text="如：人力资源社会保障部 2026 年 7 月发布新职业")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "新增职业"
        verbose_name_plural = "新增职业"
        constraints = [
            models.CheckConstraint(
                name="occupation_code_shape", condition=models.Q(code__regex=r"^[1-8]-\d{2}-\d{2}-\d{2}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CalendarYear(models.Model):
    """A year's official holiday arrangement entered by staff from the State Council notice."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    holidays = models.JSONField("放假日期", default=list, help_text="法定节假日及调休放假的日期（含周末以外的放假日）")
    workdays = models.JSONField("调休上班日期", default=list, help_text="周末调为工作日的日期")
    source = models.CharField("依据文件", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="复核人（与录入人不同）；本字段之前录入的年份为空",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"


class ProposalState(models.TextChoices):
    PENDING = "pending", "待复核"
    CONFIRMED = "confirmed", "已复核生效"
    WITHDRAWN = "withdrawn", "已退回"


class CalendarProposal(StateGuarded, models.Model):
    """A year's arrangement as one staff member entered it from the State Council's notice. It
    takes effect (becomes the year's ``CalendarYear``) only when a second staff member has compared
    the preview with the notice and confirmed it (four eyes); until then the engine does not use it."""

    year = models.PositiveSmallIntegerField("年份")
    holidays = models.JSONField("放假日期", default=list)
    workdays = models.JSONField("调休上班日期", default=list)
    source = models.CharField("依据文件", max_length=200)
    state = models.CharField("状态", max_length=12, choices=ProposalState.choices, default=ProposalState.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = "节假日安排录入"
        verbose_name_plural = "节假日安排录入"
        constraints = [
            # one entry waiting per year: a second one would leave the checker two versions to compare
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(state="pending"), name="calendar_one_pending_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排（{self.get_state_display()}）"
