"""The public notice (公示, Art. 10: 5 working days) and objections (异议)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masterstudio.core.crypto import EncryptedTextField
from masterstudio.core.transitions import StateGuarded


class Notice(models.Model):
    round = models.ForeignKey(
        "applications.Round", verbose_name="申报批次", on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField("公示标题", max_length=200)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    starts_on = models.DateField("公示开始日")
    ends_on = models.DateField("公示截止日")
    days = models.JSONField("公示工作日", default=list)
    how_to_object = models.TextField("异议方式")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("公示结束处理时间", null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "公示"
        verbose_name_plural = "公示"
        constraints = [
            models.CheckConstraint(name="notice_period_order", condition=models.Q(ends_on__gte=models.F("starts_on"))),
        ]

    def __str__(self) -> str:
        return self.title


class EntryState(models.TextChoices):
    LISTED = "listed", "公示中"
    FROZEN = "frozen", "异议处理中"
    RECOGNISED = "recognised", "已认定"
    REMOVED = "removed", "异议成立，已撤出"


class NoticeEntry(StateGuarded, models.Model):
    """One line of the notice: what the public sees (never an ID number)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="entries")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="notice_entry"
    )
    position = models.PositiveSmallIntegerField("序号")
    unit_name = models.CharField("单位", max_length=200)
    occupation = models.CharField("职业（工种）", max_length=100)
    leader_name = models.CharField("领办人", max_length=50)
    state = models.CharField("状态", max_length=12, choices=EntryState.choices, default=EntryState.LISTED)

    class Meta:
        ordering = ["notice", "position"]
        verbose_name = "公示名单条目"
        verbose_name_plural = "公示名单条目"
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="notice_entry_position_once"),
            models.CheckConstraint(name="notice_entry_state_valid", condition=models.Q(state__in=EntryState.values)),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.occupation} {self.leader_name}"


class ObjectionState(models.TextChoices):
    RECEIVED = "received", "已受理"
    INVESTIGATING = "investigating", "调查核实中"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


OPEN_OBJECTION_STATES = [ObjectionState.RECEIVED, ObjectionState.INVESTIGATING]


class Objection(StateGuarded, models.Model):
    entry = models.ForeignKey(NoticeEntry, verbose_name="异议对象", on_delete=models.PROTECT, related_name="objections")
    receipt = models.CharField("受理编号", max_length=32, unique=True)
    name = models.CharField("异议人姓名", max_length=50)
    contact = EncryptedTextField("联系方式")
    content = models.TextField("异议内容")
    filed_at = models.DateTimeField("提出时间", default=timezone.now)
    state = models.CharField("状态", max_length=14, choices=ObjectionState.choices, default=ObjectionState.RECEIVED)
    investigation = models.TextField("调查核实情况", blank=True)
    reply = models.TextField("答复", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField("处理完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = "异议"
        verbose_name_plural = "异议"
        constraints = [
            models.CheckConstraint(name="objection_state_valid", condition=models.Q(state__in=ObjectionState.values)),
            models.CheckConstraint(
                name="objection_decided_has_reply",
                condition=models.Q(state__in=OPEN_OBJECTION_STATES)
                | (~models.Q(reply="") & ~models.Q(investigation="") & models.Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"异议 {self.receipt}"


def _evidence_path(instance, filename):
    return f"objections/{timezone.now():%Y/%m}/{instance.token}.{instance.kind}"


class Evidence(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField("证据材料", upload_to=_evidence_path, max_length=200)
    kind = models.CharField(max_length=8)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "异议证据"
        verbose_name_plural = "异议证据"
