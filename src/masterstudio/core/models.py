"""The event log (one append-only, hash-chained table) and the notification outbox."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Event(models.Model):
    """One thing that happened: a state change, a money record, a login, an export, a download.

    Rows are never updated or deleted. Each row carries the hash of the previous one, so a
    changed or removed row breaks the chain (``manage.py verify_audit`` names the first break).
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人名称", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    # Indexed only where something reads by it (the log is the most written table): an object's
    # history (content type, object, seq), the log filtered by object id, by person, by time.
    action = models.CharField("动作", max_length=64)  # the log filters with icontains, which no btree serves
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )  # the (content type, object, seq) index leads with it
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40, blank=True)
    reason = models.TextField("理由", blank=True)
    clause = models.CharField("依据条款", max_length=40, blank=True)
    data = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "事件"
        verbose_name_plural = "事件日志"
        indexes = [
            models.Index(fields=["content_type", "object_id", "seq"]),
            models.Index(fields=["object_id"], name="event_object_idx"),
        ]
        # a constraint, not unique=True: no second (pattern-matching) index beside it on PostgreSQL
        constraints = [models.UniqueConstraint(fields=["hash"], name="event_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("事件日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("事件日志只能追加，不能删除")

    def payload(self) -> str:
        """The canonical text the hash covers."""
        body = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "ip": self.ip,
            "action": self.action,
            "content_type": self.content_type_id,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "from": self.from_state,
            "to": self.to_state,
            "reason": self.reason,
            "clause": self.clause,
            "data": self.data,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)

    def compute_hash(self) -> str:
        """HMAC-SHA256 under ``AUDIT_CHAIN_KEY`` (kept outside the database) of the previous hash and
        this record: whoever can write the table but not read the key cannot recompute a chain."""
        return hmac.new(
            settings.AUDIT_CHAIN_KEY.encode(), (self.prev_hash + self.payload()).encode(), hashlib.sha256
        ).hexdigest()

    def legacy_hash(self) -> str:
        """The unkeyed SHA-256 of chains written before the key (``manage.py rekey_audit``)."""
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()


class ChainHead(models.Model):
    """A single row locked while an event is appended, so the chain is strictly sequential."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class Notification(models.Model):
    """An in-app message (the bell) and, when the user has an e-mail address, an e-mail."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField("模板", max_length=64)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    email_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # the e-mails waiting for the mail worker (core.notify.send_fresh filters on exactly this):
            # its poll every few seconds reads only these rows, not the whole table
            models.Index(
                fields=["id"],
                name="notification_unsent_idx",
                condition=models.Q(emailed_at__isnull=True, email_error="") & ~models.Q(email_to=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title
