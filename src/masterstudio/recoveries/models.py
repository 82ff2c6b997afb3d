"""Revocation (撤销, Art. 13) and the recovery of district money (追回) that follows it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded


class Cause(models.TextChoices):
    INACTIVE = "inactive", "超过一年以上不开展工作（第13条第（一）项）"
    NON_COOPERATION = "non_cooperation", "不配合主管部门日常管理考核（第13条第（一）项）"
    VIOLATION = "violation", "出现违规违纪情况（第13条第（一）项）"
    FAILED_AGAIN = "failed_again", "绩效考核不合格，经整改后仍不合格（第13条第（二）项）"
    RETIRED = "retired", "领办人退休（第13条第（三）项）"
    LEFT = "left", "领办人离职（第13条第（三）项）"
    ILLNESS = "illness", "领办人重大疾病（第13条第（三）项）"
    FORCE_MAJEURE = "force_majeure", "其他不可抗因素（第13条第（三）项）"
    OTHER = "other", "其它原因不能正常开展工作（第13条第（四）项）"


CAUSE_CLAUSE = {
    "inactive": "13.1",
    "non_cooperation": "13.1",
    "violation": "13.1",
    "failed_again": "13.2",
    "retired": "13.3",
    "left": "13.3",
    "illness": "13.3",
    "force_majeure": "13.3",
    "other": "13.4",
}


class Revocation(models.Model):
    studio = models.OneToOneField(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="revocation"
    )
    cause = models.CharField("撤销情形", max_length=20, choices=Cause.choices)
    clause = models.CharField("依据条款", max_length=8)
    evidence = models.TextField("事实与证据")
    evidence_file = models.FileField("证据材料", upload_to="revocations/%Y/", blank=True)
    evidence_file_name = models.CharField("原文件名", max_length=255, blank=True)
    decision = models.TextField("评估审查意见与决定")
    document_no = models.CharField("决定文号", max_length=100, blank=True)
    decided_on = models.DateField("撤销日期")
    reassessment = models.ForeignKey(
        "assessments.StudioAssessment",
        verbose_name="整改后复评",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nameplate_withdrawn_on = models.DateField("铭牌收回登记日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = "撤销决定"
        verbose_name_plural = "撤销决定"
        constraints = [
            models.CheckConstraint(name="revocation_cause_valid", condition=models.Q(cause__in=Cause.values)),
            models.CheckConstraint(
                name="revocation_has_evidence", condition=~models.Q(evidence="") & ~models.Q(decision="")
            ),
            models.CheckConstraint(
                name="revocation_clause_valid", condition=models.Q(clause__in=["13.1", "13.2", "13.3", "13.4"])
            ),
        ]

    def __str__(self) -> str:
        return f"撤销 {self.studio.name}（第{self.clause}条）"


class RecoveryState(models.TextChoices):
    OPEN = "open", "追回中"
    SETTLED = "settled", "已结清"


class Recovery(StateGuarded, models.Model):
    """What the engine says must come back after a revocation: the funding cycle containing the
    revocation date, the amounts in it, which were paid (to recover) and which not (cancelled)."""

    revocation = models.OneToOneField(
        Revocation, verbose_name="撤销决定", on_delete=models.PROTECT, related_name="recovery"
    )
    studio = models.OneToOneField(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="recovery"
    )
    cycle_start = models.DateField("资助周期起")
    cycle_end = models.DateField("资助周期止")
    engine_amount = models.DecimalField("周期内区级资金合计（元）", max_digits=12, decimal_places=2)
    clauses = models.JSONField("涉及条款", default=list)
    lines = models.JSONField("明细", default=list)
    engine_answer = models.JSONField("政策计算器答复", default=dict)
    amount_due = models.DecimalField("应追回（已拨付）金额（元）", max_digits=12, decimal_places=2)
    amount_cancelled = models.DecimalField("取消（未拨付）金额（元）", max_digits=12, decimal_places=2)
    state = models.CharField("状态", max_length=10, choices=RecoveryState.choices, default=RecoveryState.OPEN)
    settled_on = models.DateField("结清日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "-created_at"]
        verbose_name = "资金追回"
        verbose_name_plural = "资金追回"
        constraints = [
            models.CheckConstraint(
                name="recovery_amounts_not_negative",
                condition=models.Q(amount_due__gte=Decimal("0")) & models.Q(amount_cancelled__gte=Decimal("0")),
            ),
            models.CheckConstraint(name="recovery_state_valid", condition=models.Q(state__in=RecoveryState.values)),
            models.CheckConstraint(
                name="recovery_settled_dated", condition=~models.Q(state="settled") | models.Q(settled_on__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name} 资金追回"


class Repayment(models.Model):
    recovery = models.ForeignKey(Recovery, verbose_name="资金追回", on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField("退回金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("到账日期")
    voucher_no = models.CharField("凭证号", max_length=100)
    note = models.CharField("备注", max_length=300, blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name="冲正的退回款", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.TextField("冲正理由", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = "退回款"
        verbose_name_plural = "退回款"
        constraints = [
            models.CheckConstraint(
                name="repayment_amount_signed",
                condition=(models.Q(reversal_of__isnull=True) & models.Q(amount__gt=Decimal("0")))
                | (models.Q(reversal_of__isnull=False) & models.Q(amount__lt=Decimal("0")) & ~models.Q(reason="")),
            ),
            models.UniqueConstraint(
                fields=["voucher_no"],
                condition=models.Q(reversal_of__isnull=True),
                name="repayment_voucher_unique",
                violation_error_message="该凭证号已登记，请勿重复登记同一笔退回款",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recovery} 退回 {self.amount} 元"
