"""Activities (Art. 17): the bureau's learning, exchange and competition events with sign-up, and
the activities a studio reports itself (training sessions, apprenticeships, exchanges). Both feed
the studio's annual summary (Art. 11) through ``activities.selectors.summary_for``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterstudio.core.crypto import EncryptedTextField
from masterstudio.core.transitions import StateGuarded


class ActivityKind(models.TextChoices):
    LEARNING = "learning", "学习培训"
    EXCHANGE = "exchange", "交流研讨"
    COMPETITION = "competition", "技能竞赛"


class ActivityState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CANCELLED = "cancelled", "已取消"


class Activity(StateGuarded, models.Model):
    title = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=12, choices=ActivityKind.choices)
    description = models.TextField("活动内容")
    location = models.CharField("地点", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    signup_deadline = models.DateTimeField("报名截止")
    capacity = models.PositiveIntegerField("名额（人）", null=True, blank=True, help_text="不填表示不限")
    state = models.CharField("状态", max_length=10, choices=ActivityState.choices, default=ActivityState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "局组织活动"
        verbose_name_plural = "局组织活动"
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start", condition=models.Q(ends_at__gte=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="activity_signup_before_start", condition=models.Q(signup_deadline__lte=models.F("starts_at"))
            ),
            models.CheckConstraint(name="activity_state_valid", condition=models.Q(state__in=ActivityState.values)),
        ]

    def __str__(self) -> str:
        return self.title


class Signup(models.Model):
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="signups")
    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="signups"
    )
    participants = models.TextField("参加人员", help_text="每行一人：姓名、岗位")
    headcount = models.PositiveIntegerField("人数")
    contact = EncryptedTextField("联系人及电话")  # a phone number: personal information, encrypted at rest
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # attendance, marked by staff after the activity began: who of ``participants`` came
    attended_names = models.TextField("实到人员", blank=True)
    attended = models.PositiveIntegerField("实到人数", null=True, blank=True)
    attendance_marked_at = models.DateTimeField("登记出勤时间", null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "studio"],
                name="signup_once_per_studio",
                violation_error_message="本工作室已报名该活动，如需调整人员请联系社会事业局",
            ),
            models.CheckConstraint(name="signup_headcount_positive", condition=models.Q(headcount__gt=0)),
            models.CheckConstraint(
                name="signup_attended_within_headcount",
                condition=models.Q(attended__isnull=True) | models.Q(attended__lte=models.F("headcount")),
                violation_error_message="实到人数不能多于报名人数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio} 报名 {self.activity}"

    @property
    def names(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]

    @property
    def came(self) -> list[str]:
        return [line.strip() for line in self.attended_names.splitlines() if line.strip()]


class ReportKind(models.TextChoices):
    TRAINING = "training", "培训授课"
    APPRENTICE = "apprentice", "传技带徒"
    EXCHANGE = "exchange", "技艺交流"
    RND = "rnd", "技术攻关/创新研发"
    SOCIAL = "social", "社会服务"


class StudioActivity(models.Model):
    """An activity the studio ran itself, reported by its unit."""

    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="reported_activities"
    )
    kind = models.CharField("类型", max_length=12, choices=ReportKind.choices)
    title = models.CharField("活动名称", max_length=200)
    held_on = models.DateField("日期")
    participants = models.PositiveIntegerField("参加人数")
    apprentices = models.TextField("带徒名单", blank=True, help_text="传技带徒填写，每行一人：姓名、岗位")
    description = models.TextField("内容与成效")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "工作室自办活动"
        verbose_name_plural = "工作室自办活动"
        constraints = [
            models.CheckConstraint(
                name="studio_activity_participants_positive", condition=models.Q(participants__gt=0)
            ),
            models.CheckConstraint(
                name="studio_activity_apprentice_names",
                condition=~models.Q(kind="apprentice") | ~models.Q(apprentices=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(StudioActivity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="activities/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
