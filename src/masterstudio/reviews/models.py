"""Art. 10 review records: material review (材料审核) with its checklist and findings, site
inspection (实地考察), and the comprehensive evaluation decision (综合评议)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ItemResult(models.TextChoices):
    PASS = "pass", "通过"
    SUPPLEMENT = "supplement", "需补正"
    FAIL = "fail", "不通过"


class MaterialReview(models.Model):
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="material_review"
    )
    rounds = models.PositiveSmallIntegerField("审核轮次", default=1)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    eligibility = models.JSONField("按审核认定事实重新预检的结果", default=dict, blank=True)
    conclusion = models.CharField("审核结论", max_length=12, choices=ItemResult.choices, blank=True)
    comment = models.TextField("审核意见", blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    concluded_at = models.DateTimeField("结论时间", null=True, blank=True)

    class Meta:
        verbose_name = "材料审核"
        verbose_name_plural = "材料审核"

    def __str__(self) -> str:
        return f"材料审核：{self.application}"


class ReviewItem(models.Model):
    """One line of the checklist: an Art. 9 material or an Art. 4–6 condition, by clause."""

    KIND_CHOICES = [("material", "申报材料（第9条）"), ("condition", "申报条件（第4–6条）")]

    review = models.ForeignKey(MaterialReview, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=10, choices=KIND_CHOICES)
    clause = models.CharField("条款", max_length=12)
    title = models.CharField("审核项", max_length=300)
    engine_result = models.CharField("预检结果", max_length=10, blank=True)
    engine_message = models.TextField("预检说明", blank=True)
    result = models.CharField("审核结果", max_length=12, choices=ItemResult.choices, blank=True)
    comment = models.TextField("意见", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "审核项"
        verbose_name_plural = "审核项"
        constraints = [
            models.UniqueConstraint(fields=["review", "kind", "clause"], name="review_item_once"),
            models.CheckConstraint(
                name="review_item_comment_when_not_pass",
                condition=models.Q(result__in=["", "pass"]) | ~models.Q(comment=""),
            ),
        ]


class Finding(models.Model):
    """A fact staff (or an expert) established in review, replacing the unit's declaration when
    the engine re-evaluates (e.g. ``leader.practical_mastery`` for Art. 6(二), interpretation 3)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="findings")
    fact = models.CharField("事实", max_length=80)
    value = models.JSONField("认定值")
    note = models.TextField("依据说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fact"]
        verbose_name = "审核认定事实"
        verbose_name_plural = "审核认定事实"
        constraints = [
            models.UniqueConstraint(fields=["application", "fact"], name="finding_once_per_fact"),
            models.CheckConstraint(name="finding_has_note", condition=~models.Q(note="")),
        ]


class CheckResult(models.TextChoices):
    YES = "yes", "符合"
    NO = "no", "不符合"


class SiteVisit(models.Model):
    """A scheduled visit to the unit; findings, checklist and photos feed the evaluation."""

    CHECKS = [
        ("site", "工作室场所"),
        ("equipment", "设备设施"),
        ("team_present", "团队成员在岗"),
        ("systems_displayed", "管理制度上墙/展示"),
    ]

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="site_visits")
    scheduled_on = models.DateField("考察日期")
    people = models.CharField("考察人员", max_length=300)
    contact = models.CharField("单位对接人", max_length=100, blank=True)
    site = models.CharField("工作室场所", max_length=4, choices=CheckResult.choices, blank=True)
    equipment = models.CharField("设备设施", max_length=4, choices=CheckResult.choices, blank=True)
    team_present = models.CharField("团队成员在岗", max_length=4, choices=CheckResult.choices, blank=True)
    systems_displayed = models.CharField("管理制度上墙/展示", max_length=4, choices=CheckResult.choices, blank=True)
    findings = models.TextField("考察发现", blank=True)
    result = models.CharField("考察结论", max_length=12, choices=ItemResult.choices, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField("记录时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        verbose_name = "实地考察"
        verbose_name_plural = "实地考察"
        constraints = [
            models.CheckConstraint(name="visit_result_valid", condition=models.Q(result__in=["", "pass", "fail"])),
        ]

    def __str__(self) -> str:
        return f"实地考察 {self.scheduled_on:%Y-%m-%d}：{self.application}"

    def checklist(self):
        return [(label, getattr(self, key), getattr(self, f"get_{key}_display")()) for key, label in self.CHECKS]


def _photo_path(instance, filename):
    return f"site-visits/{timezone.now():%Y/%m}/{instance.token}.{instance.kind}"


class SitePhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField("照片", upload_to=_photo_path, max_length=200)
    kind = models.CharField(max_length=4)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "考察照片"
        verbose_name_plural = "考察照片"
        constraints = [models.CheckConstraint(name="site_photo_is_image", condition=models.Q(kind__in=["jpg", "png"]))]


class Outcome(models.TextChoices):
    PROPOSE = "propose", "列入拟认定名单"
    REJECT = "reject", "不予认定"


class Decision(models.Model):
    """The comprehensive evaluation (综合评议) decision, pending until the list is published."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField("评议结论", max_length=10, choices=Outcome.choices)
    rank = models.PositiveSmallIntegerField("排序", null=True, blank=True)
    reason = models.TextField("理由")
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = "综合评议决定"
        verbose_name_plural = "综合评议决定"
        constraints = [
            models.CheckConstraint(name="decision_outcome_valid", condition=models.Q(outcome__in=Outcome.values)),
            models.CheckConstraint(name="decision_has_reason", condition=~models.Q(reason="")),
        ]
