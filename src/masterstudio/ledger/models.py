"""The studio's special account (专账, Art. 16): money in by source, money out by category with its
voucher, and the register of fixed assets bought with it.

Sources: the one-time grant (一次性资助, Art. 14 first part), rewards (奖励, Art. 14 优秀 and
Art. 15) and the unit's matching funds (所在单位配套费用). Which categories a source may pay for is a
question for the engine (``policy.spending.check_expense``, clause 16); an expense outside them is
saved only with an explanation and carries a warning staff can see and query.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    GRANT = "grant", "一次性资助"
    REWARD = "reward", "奖励"
    MATCHING = "matching", "单位配套"


class Category(models.TextChoices):
    EQUIPMENT = "equipment_facilities", "设备设施更新完善"
    RND = "innovation_rnd", "技术技能创新研发"
    EXCHANGE = "skill_exchange", "技能交流推广"
    TRAINING = "talent_training", "人才培训"
    INCENTIVE = "team_incentive", "团队激励"


# A money entry is never edited: a wrong one is corrected by a reversing entry (冲正), a row with
# the negative amount pointing at the entry it reverses, with its reason; every sum nets out.
SIGNED = (models.Q(reversal_of__isnull=True) & models.Q(amount__gt=Decimal("0"))) | (
    models.Q(reversal_of__isnull=False) & models.Q(amount__lt=Decimal("0")) & ~models.Q(reason="")
)


class SpecialAccount(models.Model):
    studio = models.OneToOneField(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="special_account"
    )
    name = models.CharField("专账（科目）名称", max_length=200)
    opened_on = models.DateField("建账日期")
    bank_note = models.CharField("开户行或会计科目编码", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="建账人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio__name"]
        verbose_name = "工作室专账"
        verbose_name_plural = "工作室专账"

    def __str__(self) -> str:
        return self.name


class IncomeKind(models.TextChoices):
    OPENING = "opening", "期初余额"
    GRANT = "grant", "区级资助/奖励到账"
    MATCHING = "matching", "单位配套投入"


class Income(models.Model):
    account = models.ForeignKey(SpecialAccount, verbose_name="专账", on_delete=models.PROTECT, related_name="incomes")
    kind = models.CharField("收入类型", max_length=10, choices=IncomeKind.choices)
    source = models.CharField("资金来源", max_length=10, choices=Source.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    received_on = models.DateField("到账日期")
    grant = models.ForeignKey(
        "funding.Grant",
        verbose_name="对应资助",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_incomes",
    )
    voucher_no = models.CharField("凭证号", max_length=100, blank=True)
    note = models.CharField("摘要", max_length=300, blank=True)
    explanation = models.TextField(
        "情况说明", blank=True, help_text="期初余额超过平台记录的区级已拨付资金时，须说明来由"
    )
    reversal_of = models.OneToOneField(
        "self", verbose_name="冲正的收入", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.TextField("冲正理由", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记账人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = "专账收入"
        verbose_name_plural = "专账收入"
        constraints = [
            models.CheckConstraint(name="income_amount_signed", condition=SIGNED),
            models.CheckConstraint(name="income_source_valid", condition=models.Q(source__in=Source.values)),
            models.UniqueConstraint(
                fields=["account", "source"],
                condition=models.Q(kind="opening", reversal_of__isnull=True),
                name="income_one_opening_per_source",
                violation_error_message="每个资金来源只能登记一次期初余额",
            ),
            models.UniqueConstraint(
                fields=["grant"],
                condition=models.Q(grant__isnull=False, reversal_of__isnull=True),
                name="income_grant_once",
                violation_error_message="这笔区级资助已记入专账，不能重复入账",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount} 元"


class Expense(models.Model):
    account = models.ForeignKey(SpecialAccount, verbose_name="专账", on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField("支出日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    source = models.CharField("资金来源", max_length=10, choices=Source.choices)
    category = models.CharField("支出类别", max_length=24, choices=Category.choices)
    description = models.CharField("摘要", max_length=300)
    voucher_no = models.CharField("凭证号", max_length=100)
    voucher = models.FileField("凭证附件", upload_to="ledger/vouchers/%Y/")
    voucher_name = models.CharField("凭证原文件名", max_length=255)
    warning = models.TextField("预警", blank=True, help_text="支出类别不在该资金来源可列支的范围内（第16条）时记录预警")
    explanation = models.TextField("情况说明", blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name="冲正的支出", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.TextField("冲正理由", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记账人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = "专账支出"
        verbose_name_plural = "专账支出"
        constraints = [
            models.CheckConstraint(name="expense_amount_signed", condition=SIGNED),
            models.CheckConstraint(
                name="expense_has_voucher", condition=~models.Q(voucher="") & ~models.Q(voucher_no="")
            ),
            models.CheckConstraint(name="expense_source_valid", condition=models.Q(source__in=Source.values)),
            models.CheckConstraint(name="expense_category_valid", condition=models.Q(category__in=Category.values)),
            models.CheckConstraint(
                name="expense_warning_explained", condition=models.Q(warning="") | ~models.Q(explanation="")
            ),
            models.UniqueConstraint(
                fields=["account", "voucher_no"],
                condition=models.Q(reversal_of__isnull=True),
                name="expense_voucher_unique",
                violation_error_message="本专账已登记过该凭证号的支出，请勿重复记账",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on:%Y-%m-%d} {self.description} {self.amount} 元"


class Asset(models.Model):
    """A fixed asset bought from the special account (Art. 16: 登记造册)."""

    account = models.ForeignKey(SpecialAccount, verbose_name="专账", on_delete=models.PROTECT, related_name="assets")
    expense = models.OneToOneField(Expense, verbose_name="对应支出", on_delete=models.PROTECT, related_name="asset")
    name = models.CharField("资产名称", max_length=200)
    value = models.DecimalField("资产价值（元）", max_digits=12, decimal_places=2)
    acquired_on = models.DateField("取得日期")
    location = models.CharField("存放地点", max_length=200)
    tag_no = models.CharField("资产编号（标签号）", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acquired_on", "id"]
        verbose_name = "固定资产"
        verbose_name_plural = "固定资产登记册"
        constraints = [
            models.CheckConstraint(name="asset_value_positive", condition=models.Q(value__gt=Decimal("0"))),
            models.UniqueConstraint(
                fields=["account", "tag_no"],
                name="asset_tag_unique",
                violation_error_message="本专账已有该资产编号，请核对标签号",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.tag_no}）"
