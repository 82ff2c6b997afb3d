"""Recognised studios (Art. 10, 11–13). A studio holds its Art. 7 keys for as long as it is not
revoked, so no second live studio can share its leader or its unit/branch × occupation scope."""

from __future__ import annotations

from django.db import models

from masterstudio.core.transitions import StateGuarded


class StudioState(models.TextChoices):
    ACTIVE = "active", "运行中"
    RECTIFICATION = "rectification", "限期整改"
    REVOKED = "revoked", "已撤销"


LIVE_STATES = [StudioState.ACTIVE, StudioState.RECTIFICATION]


class Studio(StateGuarded, models.Model):
    application = models.OneToOneField(
        "applications.Application",
        verbose_name="认定申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studio",
    )
    unit = models.ForeignKey("units.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="studios")
    branch = models.ForeignKey(
        "units.Branch",
        verbose_name="分厂/分公司",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studios",
    )
    leader = models.ForeignKey(
        "units.Person", verbose_name="领办人", on_delete=models.PROTECT, related_name="studios_led"
    )
    occupation_code = models.CharField("职业编码", max_length=20, blank=True)
    occupation_name = models.CharField("职业（工种）", max_length=100)
    name = models.CharField("工作室名称", max_length=200)
    title = models.CharField("称号", max_length=50, default="经开区技能大师工作室")
    nameplate_no = models.CharField("铭牌编号", max_length=30, unique=True)
    recognized_on = models.DateField("认定日期")
    state = models.CharField(
        "状态", max_length=16, choices=StudioState.choices, default=StudioState.ACTIVE, db_index=True
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revocation_clause = models.CharField("撤销依据", max_length=10, blank=True)
    nameplate_withdrawn = models.BooleanField("铭牌已收回", default=False)
    leader_key = models.CharField(max_length=64, editable=False)
    scope_key = models.CharField(max_length=200, editable=False)
    imported_from = models.CharField(
        "来源", max_length=60, blank=True, help_text="依原办法（京技管发〔2024〕1号）认定并导入的工作室填写"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recognized_on", "name"]
        verbose_name = "技能大师工作室"
        verbose_name_plural = "技能大师工作室"
        constraints = [
            models.UniqueConstraint(
                fields=["leader_key"],
                condition=models.Q(state__in=LIVE_STATES),
                name="studio_one_per_leader",
                violation_error_message="同一领办人只能领办一个经开区技能大师工作室（第7条）",
            ),
            models.UniqueConstraint(
                fields=["scope_key"],
                condition=models.Q(state__in=LIVE_STATES),
                name="studio_one_per_scope",
                violation_error_message="同一单位（分厂/分公司）相同职业（工种）只能建立一个工作室（第7条）",
            ),
            models.CheckConstraint(
                name="studio_revoked_has_date",
                condition=~models.Q(state=StudioState.REVOKED) | models.Q(revoked_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name
