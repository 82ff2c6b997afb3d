"""District money under Art. 14 and 15 as records. The database makes a second initial grant, a
second reward for the same 优秀 year and a second Art. 15 reward of the same level impossible,
and keeps the approver and the person who confirms payment apart."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded


class GrantKind(models.TextChoices):
    INITIAL = "initial", "首次认定一次性资助（第14条）"
    EXCELLENT = "excellent", "年度考核优秀奖励（第14条）"
    NATIONAL = "national", "国家级技能大师工作室称号奖励（第15条）"
    BEIJING = "beijing", "北京市级技能大师工作室称号奖励（第15条）"


CLAUSE_OF_KIND = {"initial": "14.1", "excellent": "14.2", "national": "15.1", "beijing": "15.2"}


class GrantState(models.TextChoices):
    APPROVED = "approved", "已核定"
    DISBURSED = "disbursed", "已拨付"
    CANCELLED = "cancelled", "已取消"
    RECOVERED = "recovered", "已追回"
    FROZEN = "frozen", "已冻结"


class Grant(StateGuarded, models.Model):
    studio = models.ForeignKey("studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="grants")
    kind = models.CharField("类别", max_length=12, choices=GrantKind.choices)
    clause = models.CharField("依据条款", max_length=8)
    year = models.PositiveSmallIntegerField("考核年度", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    dated_on = models.DateField("核定日期")
    state = models.CharField("状态", max_length=12, choices=GrantState.choices, default=GrantState.APPROVED)
    basis = models.TextField("依据说明", blank=True)
    document_no = models.CharField("文件编号", max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disbursed_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_no = models.CharField("拨付凭证号", max_length=100, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="拨付确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recovery_required = models.BooleanField(
        "须追回", default=False, help_text="工作室被撤销后，本资助周期内已拨付的区级资金须追回（第13条）"
    )
    closed_on = models.DateField("取消/追回日期", null=True, blank=True)
    closed_reason = models.TextField("取消/追回理由", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消/追回经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recovery_voucher_no = models.CharField("追回凭证号", max_length=100, blank=True)
    imported = models.BooleanField(
        "历史导入", default=False, help_text="依原办法（京技管发〔2024〕1号）已发放、随工作室导入的记录"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dated_on", "id"]
        verbose_name = "资助与奖励"
        verbose_name_plural = "资助与奖励"
        constraints = [
            models.UniqueConstraint(
                fields=["studio"],
                condition=models.Q(kind="initial"),
                name="grant_one_initial",
                violation_error_message="该工作室已有首次认定资助（第14条），不能重复核定",
            ),
            models.UniqueConstraint(
                fields=["studio", "year"],
                condition=models.Q(kind="excellent"),
                name="grant_one_excellent_per_year",
                violation_error_message="该工作室该年度的优秀奖励（第14条）已核定，不能重复",
            ),
            models.UniqueConstraint(
                fields=["studio", "kind"],
                condition=models.Q(kind__in=["national", "beijing"]),
                name="grant_one_title_reward_per_level",
                violation_error_message="该工作室该级别称号奖励（第15条）已核定，不能重复",
            ),
            models.CheckConstraint(name="grant_amount_positive", condition=models.Q(amount__gt=Decimal("0"))),
            models.CheckConstraint(name="grant_kind_valid", condition=models.Q(kind__in=GrantKind.values)),
            models.CheckConstraint(
                name="grant_excellent_has_year", condition=~models.Q(kind="excellent") | models.Q(year__isnull=False)
            ),
            models.CheckConstraint(
                name="grant_disbursed_has_voucher",
                condition=~models.Q(state="disbursed")
                | (
                    models.Q(disbursed_on__isnull=False)
                    & ~models.Q(voucher_no="")
                    & models.Q(disbursed_by__isnull=False)
                ),
            ),
            models.CheckConstraint(name="grant_state_valid", condition=models.Q(state__in=GrantState.values)),
            models.CheckConstraint(
                name="grant_recovered_has_voucher",
                condition=~models.Q(state="recovered")
                | (models.Q(closed_on__isnull=False) & ~models.Q(recovery_voucher_no="")),
            ),
            models.CheckConstraint(
                name="grant_four_eyes",
                condition=models.Q(disbursed_by__isnull=True)
                | models.Q(approved_by__isnull=True)
                | ~models.Q(disbursed_by=models.F("approved_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.get_kind_display()} {self.amount} 元"

    @property
    def clause_label(self) -> str:
        article, _, item = self.clause.partition(".")
        return f"第{article}条" + (f"（{item}）" if item else "")


class Disbursement(models.Model):
    """One payment (拨付) of an approved grant, confirmed by finance staff who did not approve it.

    A payment is never edited: a wrong one is corrected by a reversing entry (冲正) — a row with the
    negative amount pointing at it (``reversal_of``), with its reason — so every sum nets out."""

    grant = models.ForeignKey(Grant, verbose_name="资助与奖励", on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField("拨付金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("拨付日期")
    voucher_no = models.CharField("拨付凭证号", max_length=100)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拨付确认人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=300, blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name="冲正的拨付", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.TextField("冲正理由", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = "拨付记录"
        verbose_name_plural = "拨付记录"
        constraints = [
            models.CheckConstraint(
                name="disbursement_amount_signed",
                condition=(models.Q(reversal_of__isnull=True) & models.Q(amount__gt=Decimal("0")))
                | (models.Q(reversal_of__isnull=False) & models.Q(amount__lt=Decimal("0")) & ~models.Q(reason="")),
            ),
            models.CheckConstraint(name="disbursement_has_voucher", condition=~models.Q(voucher_no="")),
            models.UniqueConstraint(
                fields=["voucher_no"],
                condition=models.Q(reversal_of__isnull=True),
                name="disbursement_voucher_unique",
                violation_error_message="该拨付凭证号已登记，请勿重复登记同一笔拨付",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} 拨付 {self.amount} 元（{self.voucher_no}）"


class GrantDocument(models.Model):
    """A document behind a grant: the approval document, a payment voucher, a recovery notice."""

    grant = models.ForeignKey(Grant, verbose_name="资助与奖励", on_delete=models.PROTECT, related_name="documents")
    title = models.CharField("文件名称", max_length=200)
    file = models.FileField("文件", upload_to="funding/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "资金文件"
        verbose_name_plural = "资金文件"

    def __str__(self) -> str:
        return self.title


class TitleLevel(models.TextChoices):
    NATIONAL = "national", "国家级技能大师工作室"
    BEIJING = "beijing", "北京市技能大师工作室"


class StudioTitle(models.Model):
    """A national or Beijing-level studio title the studio obtained (Art. 15), with its document."""

    studio = models.ForeignKey("studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="titles")
    level = models.CharField("称号级别", max_length=12, choices=TitleLevel.choices)
    document_no = models.CharField("命名文件文号", max_length=100)
    awarded_on = models.DateField("命名日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarded_on", "id"]
        verbose_name = "上级工作室称号"
        verbose_name_plural = "上级工作室称号"
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "level"],
                name="studio_title_once_per_level",
                violation_error_message="该工作室已登记过该级别的称号（第15条）",
            ),
            models.CheckConstraint(name="studio_title_level_valid", condition=models.Q(level__in=TitleLevel.values)),
            models.CheckConstraint(name="studio_title_has_document", condition=~models.Q(document_no="")),
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.get_level_display()}"
