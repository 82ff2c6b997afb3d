"""The annual performance assessment (绩效考核, Art. 12) and the bureau's dynamic management of
studios: grades and their application (Art. 14 reward, 亦城领军人才 recommendation, 限期整改),
supervision flags (Art. 13 warnings) and the daily run record."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from masterstudio.core.transitions import StateGuarded

ASPECTS = [
    ("引领技能研发", "技术攻关、技能革新、创新成果、专利"),
    ("实行传技带徒", "带徒人数、徒弟技能等级提升、培训课时"),
    ("开展技艺交流", "举办和参加交流、竞赛、展示活动"),
    ("发挥社会效益", "示范带动、社会服务、获奖与影响"),
]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class YearState(models.TextChoices):
    OPEN = "open", "评审中"
    COMPUTED = "computed", "已计算待复核"
    PUBLISHED = "published", "已发布"


class AssessmentYear(StateGuarded, models.Model):
    """One year's assessment: the rubric of the four aspects with weights, the grade thresholds
    (on a 100-point scale) and the optional cap on the share of 优秀."""

    year = models.PositiveSmallIntegerField("考核年度", unique=True)
    rubric = models.OneToOneField(
        "experts.Rubric", verbose_name="评分表", on_delete=models.PROTECT, related_name="assessment_year"
    )
    excellent_min = models.DecimalField(
        "优秀分数线（百分制，含）", max_digits=5, decimal_places=2, default=Decimal("90")
    )
    qualified_min = models.DecimalField(
        "合格分数线（百分制，含）", max_digits=5, decimal_places=2, default=Decimal("60")
    )
    excellent_cap_percent = models.PositiveSmallIntegerField(
        "优秀比例上限（%）", null=True, blank=True, help_text="不填表示不限"
    )
    state = models.CharField("状态", max_length=10, choices=YearState.choices, default=YearState.OPEN)
    opens_at = models.DateTimeField("专家评分开始")
    closes_at = models.DateTimeField("专家评分截止")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "年度绩效考核"
        verbose_name_plural = "年度绩效考核"
        constraints = [
            models.CheckConstraint(
                name="assessment_thresholds_ordered",
                condition=models.Q(qualified_min__gte=0)
                & models.Q(excellent_min__lte=100)
                & models.Q(qualified_min__lt=models.F("excellent_min")),
            ),
            models.CheckConstraint(
                name="assessment_cap_range",
                condition=models.Q(excellent_cap_percent__isnull=True)
                | (models.Q(excellent_cap_percent__gte=1) & models.Q(excellent_cap_percent__lte=100)),
            ),
            models.CheckConstraint(name="assessment_year_state_valid", condition=models.Q(state__in=YearState.values)),
            models.CheckConstraint(
                name="assessment_published_dated",
                condition=~models.Q(state="published") | models.Q(published_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度绩效考核"


class Kind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    REASSESSMENT = "reassessment", "整改后复评"


class StudioAssessment(models.Model):
    """One studio's result in one year (or its re-assessment after rectification). It is the
    subject of an expert scoring panel (``experts.ScoringPanel``), so it offers ``unit``,
    ``occupation_code`` and ``occupation_name``."""

    assessment_year = models.ForeignKey(
        AssessmentYear, verbose_name="年度考核", null=True, blank=True, on_delete=models.PROTECT, related_name="results"
    )
    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.ANNUAL)
    score = models.DecimalField("得分（百分制）", max_digits=5, decimal_places=2, null=True, blank=True)
    aspects = models.JSONField("分项得分", default=list, blank=True)
    computed_grade = models.CharField("计算等次", max_length=12, choices=Grade.choices, blank=True)
    grade = models.CharField("等次", max_length=12, choices=Grade.choices, blank=True)
    reasons = models.TextField("理由", blank=True)
    override_reason = models.TextField("复核调整理由", blank=True)
    rectify_deadline = models.DateField("整改期限", null=True, blank=True)
    rectify_actions = models.TextField("整改要求", blank=True)
    published = models.BooleanField("已发布", default=False)
    assessed_on = models.DateField("结果日期", null=True, blank=True)
    rectification = models.ForeignKey(
        "Rectification",
        verbose_name="对应整改",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reassessments",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "studio__name"]
        verbose_name = "工作室考核结果"
        verbose_name_plural = "工作室考核结果"
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year"],
                condition=models.Q(kind="annual"),
                name="assessment_one_annual_per_year",
                violation_error_message="该工作室该年度已有考核记录",
            ),
            models.UniqueConstraint(
                fields=["rectification"],
                condition=models.Q(kind="reassessment"),
                name="assessment_one_reassessment_per_rectification",
                violation_error_message="该整改已记录复评结果",
            ),
            models.CheckConstraint(name="assessment_grade_valid", condition=models.Q(grade__in=["", *Grade.values])),
            models.CheckConstraint(
                name="assessment_published_graded",
                condition=~models.Q(published=True) | (~models.Q(grade="") & models.Q(assessed_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="assessment_reassessment_linked",
                condition=~models.Q(kind="reassessment") | models.Q(rectification__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name} {self.title}"

    @property
    def title(self) -> str:
        """ "2026年度考核" or "2026年度整改后复评" (never "2026年度年度考核")."""
        return f"{self.year}年度考核" if self.kind == Kind.ANNUAL else f"{self.year}年度{self.get_kind_display()}"

    # what an expert panel needs of its subject
    @property
    def unit(self):
        return self.studio.unit

    @property
    def occupation_code(self) -> str:
        return self.studio.occupation_code

    @property
    def occupation_name(self) -> str:
        return self.studio.occupation_name

    @property
    def leader(self):
        return self.studio.leader

    scoring_clause = "12"


class RectificationState(models.TextChoices):
    OPEN = "open", "整改中"
    REPORTED = "reported", "已报送整改情况"
    PASSED = "passed", "复评合格"
    FAILED = "failed", "复评仍不合格"


class Rectification(StateGuarded, models.Model):
    """限期整改 after a 不合格 year (Art. 12, 13(2))."""

    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="rectifications"
    )
    assessment = models.OneToOneField(
        StudioAssessment, verbose_name="不合格的考核", on_delete=models.PROTECT, related_name="rectification_opened"
    )
    deadline = models.DateField("整改期限")
    required_actions = models.TextField("整改要求")
    state = models.CharField("状态", max_length=10, choices=RectificationState.choices, default=RectificationState.OPEN)
    report = models.TextField("整改情况报告", blank=True)
    report_file = models.FileField("整改材料", upload_to="rectifications/%Y/", blank=True)
    report_file_name = models.CharField("原文件名", max_length=255, blank=True)
    reported_at = models.DateTimeField("报送时间", null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "限期整改"
        verbose_name_plural = "限期整改"
        constraints = [
            models.UniqueConstraint(
                fields=["studio"],
                condition=models.Q(state__in=["open", "reported"]),
                name="rectification_one_open_per_studio",
                violation_error_message="该工作室已有进行中的整改",
            ),
            models.CheckConstraint(
                name="rectification_state_valid", condition=models.Q(state__in=RectificationState.values)
            ),
            models.CheckConstraint(name="rectification_has_actions", condition=~models.Q(required_actions="")),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name} 限期整改（{self.assessment.year}年度）"


class LeaderRecommendation(models.Model):
    """The leader of an 优秀 studio put on the list for 亦城领军人才 (Art. 14, last sentence)."""

    assessment = models.OneToOneField(
        StudioAssessment, verbose_name="优秀考核", on_delete=models.PROTECT, related_name="recommendation"
    )
    studio = models.ForeignKey("studios.Studio", on_delete=models.PROTECT, related_name="recommendations")
    person = models.ForeignKey("units.Person", verbose_name="领办人", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("考核年度")
    note = models.TextField("推荐意见")
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "studio__name"]
        verbose_name = "亦城领军人才推荐"
        verbose_name_plural = "亦城领军人才推荐名单"

    def __str__(self) -> str:
        return f"{self.person.name}（{self.studio.name}，{self.year}年度优秀）"


class FlagKind(models.TextChoices):
    LATE_SUMMARY = "late_summary", "年度工作总结逾期未报送（第11条）"
    INACTIVE = "inactive", "超过一年未开展工作（第13条第（一）项）"
    RETIREMENT_NEAR = "retirement_near", "领办人距法定退休不足2年（第13条第（三）项）"
    RETIREMENT_UNKNOWN = "retirement_unknown", "领办人法定退休日期无法计算（缺原法定退休年龄）"
    LEADER_LEFT = "leader_left", "领办人已离开所在单位（第13条第（三）项）"
    RECT_OVERDUE = "rect_overdue", "限期整改逾期未报送整改情况（第12条）"


FLAG_CLAUSE = {
    "late_summary": "11",
    "inactive": "13.1",
    "retirement_near": "13.3",
    "retirement_unknown": "13.3",
    "leader_left": "13.3",
    "rect_overdue": "12",
}


class Flag(models.Model):
    """A supervision warning raised by the daily command for staff to look at."""

    studio = models.ForeignKey("studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField("类型", max_length=20, choices=FlagKind.choices)
    key = models.CharField("标识", max_length=40)
    clause = models.CharField("依据条款", max_length=8)
    raised_on = models.DateField("提示日期")
    detail = models.TextField("说明")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField("处理意见", blank=True)

    class Meta:
        ordering = ["resolved_at", "-raised_on", "id"]
        verbose_name = "监管提示"
        verbose_name_plural = "监管提示"
        constraints = [
            models.UniqueConstraint(fields=["studio", "kind", "key"], name="flag_once"),
            models.CheckConstraint(name="flag_kind_valid", condition=models.Q(kind__in=FlagKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name}：{self.get_kind_display()}"


class DailyRun(models.Model):
    """One task of ``manage.py daily`` on one day. The unique key is the lock: a second run (twice
    from cron, or on a second server) cannot claim the same task for the same day."""

    day = models.DateField("日期")
    task = models.CharField("任务", max_length=40)
    host = models.CharField("服务器", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)

    class Meta:
        ordering = ["-day", "task"]
        verbose_name = "每日任务运行记录"
        verbose_name_plural = "每日任务运行记录"
        constraints = [models.UniqueConstraint(fields=["day", "task"], name="daily_run_once_per_day_task")]

    def __str__(self) -> str:
        return f"{self.day} {self.task}"


class SupervisionVisit(models.Model):
    """督导检查 (Art. 11: the bureau supervises and inspects the studios): a visit to one studio by
    bureau staff (and whoever went with them), what they found, the files they brought back and
    what the studio must follow up. The unit sees the findings; the annual assessment's pages show
    the visits of the year. Kept here with the assessment because what a visit finds is read when
    the year is assessed (Art. 12) and a follow-up left undone leads, like a 不合格 year, to
    rectification."""

    studio = models.ForeignKey(
        "studios.Studio", verbose_name="工作室", on_delete=models.PROTECT, related_name="supervision_visits"
    )
    visited_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200, help_text="姓名及单位，多人用顿号分隔")
    findings = models.TextField("检查发现")
    follow_up = models.TextField("整改或跟进要求", blank=True)
    follow_up_due = models.DateField("跟进期限", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        constraints = [
            models.CheckConstraint(
                name="supervision_has_findings",
                condition=~models.Q(findings=""),
                violation_error_message="请填写检查发现",
            ),
            models.CheckConstraint(
                name="supervision_follow_up_after_visit",
                condition=models.Q(follow_up_due__isnull=True) | models.Q(follow_up_due__gte=models.F("visited_on")),
                violation_error_message="跟进期限不能早于检查日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio.name} 督导检查（{self.visited_on:%Y-%m-%d}）"


class SupervisionFile(models.Model):
    visit = models.ForeignKey(SupervisionVisit, verbose_name="督导检查", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="supervision/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "督导检查材料"
        verbose_name_plural = "督导检查材料"

    def __str__(self) -> str:
        return self.original_name
