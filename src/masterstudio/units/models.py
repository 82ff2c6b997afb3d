"""Organisations and people: the unit (Art. 4(1)), its branches (Art. 7), its people.

A Person's 身份证号 is stored encrypted, with a blind index for look-ups (Art. 7.1: one studio
per leader); birth date and gender are derived from it and stored in the clear, because the
retirement rule (Art. 5(三), 6(三)) needs them and they are less sensitive than the number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masterstudio.core import identifiers as policy_identity
from masterstudio.core.crypto import EncryptedTextField, blind_index, mask_phone
from masterstudio.core.transitions import StateGuarded


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_GROUP = "social_group", "社会团体"
    INDUSTRY_ORG = "industry_org", "行业组织"
    OTHER = "other", "其他"


class UnitStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


class Unit(StateGuarded, models.Model):
    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices)
    address = models.CharField("注册地址", max_length=300)
    in_etown = models.BooleanField("在经开区（亦庄新城）范围内", default=True)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = EncryptedTextField("联系电话")
    state_field = "status"
    status = models.CharField("注册状态", max_length=16, choices=UnitStatus.choices, default=UnitStatus.PENDING)
    status_reason = models.TextField("审核意见", blank=True)
    registered_at = models.DateTimeField("注册时间", auto_now_add=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.CheckConstraint(
                name="unit_credit_code_len", condition=models.Q(credit_code__regex=r"^[0-9A-Z]{18}$")
            ),
            models.CheckConstraint(name="unit_kind_valid", condition=models.Q(kind__in=UnitKind.values)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)


class Branch(models.Model):
    """分厂 / 分公司: a separate scope for Art. 7 (interpretation 9)."""

    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.CASCADE, related_name="branches")
    name = models.CharField("分厂/分公司名称", max_length=200)
    credit_code = models.CharField("分支机构统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "分厂/分公司"
        verbose_name_plural = "分厂/分公司"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="branch_unique_name")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.name}"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Person(models.Model):
    """Someone employed by a unit: a studio leader or a team member."""

    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.CASCADE, related_name="people")
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("居民身份证号")
    id_index = models.CharField(max_length=64, editable=False, db_index=True)
    birth_date = models.DateField("出生日期", editable=False)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices, editable=False)
    original_retirement_age = models.PositiveSmallIntegerField(
        "原法定退休年龄（女职工）",
        null=True,
        blank=True,
        choices=[(50, "50 周岁"), (55, "55 周岁")],
        help_text="女职工按原法定退休年龄（50 或 55 周岁）计算延迟退休；男职工不填",
    )
    phone = EncryptedTextField("手机号", blank=True)
    position = models.CharField("岗位/职务", max_length=100, blank=True)
    formal_employee = models.BooleanField("正式员工", default=True)
    frontline = models.BooleanField("在生产服务一线岗位", default=True)
    frontline_since = models.DateField("一线工作起始日期", null=True, blank=True)
    employed = models.BooleanField("在职在聘", default=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "人员"
        verbose_name_plural = "人员"
        constraints = [
            models.UniqueConstraint(fields=["unit", "id_index"], name="person_unique_per_unit"),
            models.CheckConstraint(name="person_gender_valid", condition=models.Q(gender__in=Gender.values)),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.id_number = self.id_number.strip().upper()
        facts = policy_identity.id_number_facts(self.id_number)
        self.birth_date = facts["birth_date"]
        self.gender = facts["gender"]
        self.id_index = blind_index(self.id_number)
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return policy_identity.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
