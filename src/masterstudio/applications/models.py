"""Yearly rounds (Art. 8) and applications (Art. 9), with the keys that make Art. 7 hold in the
database: while an application is open, no other open application of the same round may have
the same leader (7.1) or the same unit/branch × occupation scope (7.2, 7.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masterstudio.core.transitions import StateGuarded
from masterstudio.policy import skills


class Round(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("批次名称", max_length=200)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    guide = models.TextField("申报指南", blank=True)
    policy_version = models.CharField("适用政策版本", max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-opens_at"]
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="round_unique_title"),
            models.CheckConstraint(name="round_window_order", condition=models.Q(closes_at__gt=models.F("opens_at"))),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class AppState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    MATERIAL_REVIEW = "material_review", "材料审核"
    SUPPLEMENT = "supplement", "退回补正"
    SITE_INSPECTION = "site_inspection", "实地考察"
    EXPERT_REVIEW = "expert_review", "专家评审"
    EVALUATION = "evaluation", "综合评议"
    PROPOSED = "proposed", "拟认定"
    ON_NOTICE = "on_notice", "公示中"
    RECOGNISED = "recognised", "已认定"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


# States in which an application holds its Art. 7 keys (it still may become a studio).
OPEN_STATES = [
    AppState.SUBMITTED,
    AppState.MATERIAL_REVIEW,
    AppState.SUPPLEMENT,
    AppState.SITE_INSPECTION,
    AppState.EXPERT_REVIEW,
    AppState.EVALUATION,
    AppState.PROPOSED,
    AppState.ON_NOTICE,
]


class Route(models.TextChoices):
    LISTED = "listed", "职业列入《职业分类大典》（第5条）"
    UNLISTED = "unlisted", "新职业，未列入大典（第6条）"


class Application(StateGuarded, models.Model):
    round = models.ForeignKey(Round, verbose_name="申报批次", on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey(
        "units.Unit", verbose_name="申报单位", on_delete=models.PROTECT, related_name="applications"
    )
    branch = models.ForeignKey(
        "units.Branch",
        verbose_name="分厂/分公司",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    leader = models.ForeignKey(
        "units.Person",
        verbose_name="领办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications_led",
    )
    route = models.CharField("申报路径", max_length=10, choices=Route.choices, default=Route.LISTED)
    occupation_code = models.CharField("职业编码", max_length=20, blank=True)
    occupation_name = models.CharField("职业（工种）名称", max_length=100, blank=True)
    state = models.CharField("状态", max_length=20, choices=AppState.choices, default=AppState.DRAFT, db_index=True)
    receipt_no = models.CharField("受理编号", max_length=30, null=True, blank=True, unique=True)
    facts = models.JSONField("申报事实", default=dict, blank=True)
    precheck = models.JSONField("预检结果", default=dict, blank=True)
    precheck_outcome = models.CharField("预检结论", max_length=16, blank=True, db_index=True)
    # Art. 7 keys, set when the application is submitted (blind index of the leader's ID number,
    # and "unit:<id>|branch:<id or 0>|occ:<code or name>").
    leader_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    scope_key = models.CharField(max_length=200, null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # What the wizard holds as typed, valid or not, so that nothing typed is lost (issue 4).
    draft = models.JSONField("填报草稿", default=dict, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copy_report = models.JSONField("复制情况", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "申报"
        verbose_name_plural = "申报"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "leader_key"],
                condition=models.Q(state__in=OPEN_STATES),
                name="app_one_open_per_leader_per_round",
                violation_error_message="同一领办人只能领办一个工作室（第7条）：本批次已有该领办人的申报",
            ),
            models.UniqueConstraint(
                fields=["round", "scope_key"],
                condition=models.Q(state__in=OPEN_STATES),
                name="app_one_open_per_scope_per_round",
                violation_error_message="同一单位（分厂/分公司）相同职业只能建立一个工作室（第7条）：本批次已有相同申报",
            ),
            models.CheckConstraint(
                name="app_open_has_keys",
                condition=~models.Q(state__in=OPEN_STATES)
                | (models.Q(leader_key__isnull=False) & models.Q(scope_key__isnull=False)),
            ),
            models.CheckConstraint(name="app_state_valid", condition=models.Q(state__in=AppState.values)),
        ]

    @property
    def precheck_outcome_label(self) -> str:
        return {"eligible": "符合条件", "undetermined": "待定", "ineligible": "不符合条件"}.get(
            self.precheck_outcome, self.precheck_outcome
        )

    @property
    def skill_level_label(self) -> str:
        code = (self.facts or {}).get("skill_level")
        return skills.level(code).full_label if skills.is_level(code) else ""

    def __str__(self) -> str:
        occupation = self.occupation_name or "未选择职业"
        return f"{self.receipt_no or '草稿'} {self.unit.name if self.unit_id else ''} {occupation}".strip()


def scope_key(unit_id: int, branch_id: int | None, occupation_code: str, occupation_name: str) -> str:
    occupation = occupation_code.strip() or "name:" + "".join(occupation_name.split())
    return f"unit:{unit_id}|branch:{branch_id or 0}|occ:{occupation}"


class TeamMember(models.Model):
    """A formal employee on the studio's team besides the leader (Art. 4(5))."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team_members")
    person = models.ForeignKey("units.Person", verbose_name="团队成员", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"],
                name="team_member_once",
                violation_error_message="同一人员不能在团队中列出两次",
            ),
        ]


def _material_path(instance, filename):  # generated name, never the uploaded one
    return f"applications/{timezone.now():%Y/%m}/{instance.token}.{instance.kind}"


class Material(models.Model):
    """One uploaded file for one item (Art. 9 materials, Art. 4 evidence). A file is never
    physically deleted once uploaded: a replaced file is marked removed, so every submitted
    version keeps its materials."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    item = models.CharField("材料项", max_length=12)
    original_name = models.CharField("原文件名", max_length=255)
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField("文件", upload_to=_material_path, max_length=200)
    kind = models.CharField("文件类型", max_length=8)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["item", "uploaded_at", "id"]
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        constraints = [
            models.CheckConstraint(
                name="material_kind_valid", condition=models.Q(kind__in=["pdf", "jpg", "png", "docx", "xlsx"])
            ),
            models.CheckConstraint(name="material_not_empty", condition=models.Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return self.original_name


class ApplicationSnapshot(models.Model):
    """What was submitted, frozen: facts, the pre-check result and the materials (Art. 9)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField("版本")
    receipt_no = models.CharField("受理编号", max_length=30)
    facts = models.JSONField("申报事实")
    engine_input = models.JSONField("预检输入")
    precheck = models.JSONField("预检结果")
    materials = models.JSONField("材料清单")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "version"]
        verbose_name = "申报版本"
        verbose_name_plural = "申报版本"
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="snapshot_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} 第{self.version}版"


class SupplementRequest(models.Model):
    """退回补正: staff's comment per item; resolved when the unit resubmits (Art. 10)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="supplement_requests")
    version = models.PositiveIntegerField("针对版本")
    comment = models.TextField("总体意见", blank=True)
    items = models.JSONField("逐项意见", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField("补正提交时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "补正要求"
        verbose_name_plural = "补正要求"
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(resolved_at__isnull=True),
                name="supplement_one_open_per_application",
            ),
        ]
