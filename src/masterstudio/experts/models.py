"""The expert pool (专家库), random draws, conflict declarations and sealed scoring (Art. 10, 12).

Scoring is generic: a :class:`ScoringPanel` points at any *subject* through a generic relation —
an application under review (Art. 10) or, later, a studio's annual assessment (Art. 12). A subject
offers ``unit`` (for conflicts) and ``occupation_code`` / ``occupation_name`` (for matching).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from masterstudio.core.transitions import StateGuarded


def _norm(text: str) -> str:
    return "".join((text or "").split()).upper()


class Expert(models.Model):
    """One member of the pool. Occupation fields are 大典 code prefixes ("6-18", "6-18-01-01") or
    occupation names (for new occupations outside the 大典)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="专家账号", on_delete=models.PROTECT, related_name="expert_profile"
    )
    name = models.CharField("姓名", max_length=50)
    employer = models.CharField("工作单位", max_length=200)
    employer_credit_code = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    title = models.CharField("职称/职务", max_length=100)
    fields = models.JSONField("专业领域（职业编码前缀或职业名称）", default=list)
    past_employers = models.JSONField("曾任职单位", default=list, blank=True)
    relations = models.JSONField(
        "申报的利害关系单位",
        default=list,
        blank=True,
        help_text="与专家有亲属、投资、合作等关系的单位名称或统一社会信用代码",
    )
    max_per_year = models.PositiveSmallIntegerField("年度评审任务上限", default=10)
    active = models.BooleanField("在库", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "评审专家"
        verbose_name_plural = "专家库"
        constraints = [models.CheckConstraint(name="expert_cap_positive", condition=models.Q(max_per_year__gte=1))]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）"

    @property
    def fields_text(self) -> str:
        return "、".join(self.fields)

    def matches(self, occupation_code: str, occupation_name: str) -> bool:
        code, name = (occupation_code or "").strip(), _norm(occupation_name)
        for field in self.fields:
            field = field.strip()
            if not field:
                continue
            if field[0].isdigit():
                if code and (code == field or code.startswith(field + "-")):
                    return True
            elif name and _norm(field) == name:
                return True
        return False

    def conflicts_with(self, unit) -> list[str]:
        """Reasons this expert may not judge ``unit`` (same employer, past employment, declared relation)."""
        reasons = []
        unit_name, unit_code = _norm(unit.name), (unit.credit_code or "").upper()
        if _norm(self.employer) == unit_name or (
            self.employer_credit_code and self.employer_credit_code.upper() == unit_code
        ):
            reasons.append("与申报单位为同一单位")
        if any(_norm(p) in (unit_name, unit_code) for p in self.past_employers):
            reasons.append("曾在申报单位任职")
        if any(_norm(r) in (unit_name, unit_code) for r in self.relations):
            reasons.append("已申报与申报单位存在利害关系")
        return reasons


class Aggregation(models.TextChoices):
    MEAN = "mean", "算术平均"
    MEDIAN = "median", "中位数"
    TRIMMED = "trimmed", "去掉最高分和最低分后平均"


class Rubric(models.Model):
    """Criteria and weights the bureau sets for one round (or one assessment year)."""

    name = models.CharField("评分表名称", max_length=200)
    round = models.ForeignKey(
        "applications.Round",
        verbose_name="申报批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rubrics",
    )
    purpose = models.CharField(
        "用途",
        max_length=20,
        default="application",
        choices=[("application", "申报评审（第10条）"), ("assessment", "年度绩效考核（第12条）")],
    )
    aggregation = models.CharField("汇总方式", max_length=10, choices=Aggregation.choices, default=Aggregation.TRIMMED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "purpose"],
                condition=models.Q(round__isnull=False),
                name="rubric_one_per_round_purpose",
                violation_error_message="该批次已有评分表",
            ),
            models.CheckConstraint(
                name="rubric_aggregation_valid", condition=models.Q(aggregation__in=Aggregation.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self) -> Decimal:
        return sum((c.weight * c.max_points for c in self.criteria.all()), Decimal("0"))

    def is_locked(self) -> bool:
        """A rubric cannot change once any score was given with it."""
        return Score.objects.filter(criterion__rubric=self).exists()


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    title = models.CharField("评分项", max_length=200)
    description = models.TextField("评分要点", blank=True)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2, default=Decimal("1.00"))
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=2)
    comment_below = models.DecimalField("低于此分须写评语", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        constraints = [
            models.CheckConstraint(name="criterion_max_positive", condition=models.Q(max_points__gt=0)),
            models.CheckConstraint(name="criterion_weight_positive", condition=models.Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title


class Draw(models.Model):
    """A recorded random draw (随机抽取): inputs, seed, who was excluded and why, and who was drawn.
    :func:`masterstudio.experts.services.draws.replay_draw` recomputes it from the record."""

    seed = models.CharField("随机种子", max_length=64)
    size = models.PositiveSmallIntegerField("抽取人数")
    candidates = models.JSONField("候选专家（按编号排序）", default=list)
    excluded = models.JSONField("排除的专家及原因", default=list)
    chosen = models.JSONField("抽中的专家", default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    # a replacement for experts who recused: drawn from the screening recorded by ``replaces``
    replaces = models.ForeignKey(
        "self",
        verbose_name="补抽所依据的原抽取",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    reason = models.TextField("补抽原因", blank=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = "专家抽取记录"
        verbose_name_plural = "专家抽取记录"


class ScoringPanel(models.Model):
    """The experts judging one subject with one rubric, in one window, sealed until opened."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    rubric = models.ForeignKey(Rubric, verbose_name="评分表", on_delete=models.PROTECT, related_name="panels")
    year = models.PositiveSmallIntegerField("年度")
    opens_at = models.DateTimeField("评分开始")
    closes_at = models.DateTimeField("评分截止")
    opened_at = models.DateTimeField("开封时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开封人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # staff chose to go on with fewer experts than the panel's size (after recusals), and why
    short_reason = models.TextField("人数不足仍计算的理由", blank=True)
    short_accepted_at = models.DateTimeField("确认人数不足时间", null=True, blank=True)
    short_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "评审组"
        verbose_name_plural = "评审组"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rubric"],
                name="panel_one_per_subject_rubric",
                violation_error_message="该对象已有使用此评分表的评审组",
            ),
            models.CheckConstraint(name="panel_window_order", condition=models.Q(closes_at__gt=models.F("opens_at"))),
            models.CheckConstraint(
                name="panel_short_has_reason",
                condition=models.Q(short_accepted_at__isnull=True) | ~models.Q(short_reason=""),
                violation_error_message="按不足人数计算须填写理由",
            ),
        ]

    def __str__(self) -> str:
        return f"评审组：{self.subject}"

    @property
    def is_sealed(self) -> bool:
        return self.opened_at is None

    def window_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class AssignmentState(models.TextChoices):
    DECLARING = "declaring", "待声明利益冲突"
    SCORING = "scoring", "评分中"
    SUBMITTED = "submitted", "已提交评分"
    RECUSED = "recused", "已回避"


ACTIVE_ASSIGNMENT_STATES = [AssignmentState.DECLARING, AssignmentState.SCORING, AssignmentState.SUBMITTED]


class Assignment(StateGuarded, models.Model):
    panel = models.ForeignKey(ScoringPanel, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments")
    # the panel's year, kept on the task so an expert's yearly load (the cap a draw checks) is
    # counted from one index rather than by joining every task to its panel
    year = models.PositiveSmallIntegerField("评审年度", editable=False)
    state = models.CharField("状态", max_length=12, choices=AssignmentState.choices, default=AssignmentState.DECLARING)
    declaration = models.TextField("利益冲突声明", blank=True)
    declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    total = models.DecimalField("加权总分", max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["panel", "expert__name"]
        verbose_name = "评审任务"
        verbose_name_plural = "评审任务"
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "expert"],
                name="assignment_once_per_panel",
                violation_error_message="该专家已在此评审组中",
            ),
            models.CheckConstraint(name="assignment_state_valid", condition=models.Q(state__in=AssignmentState.values)),
            models.CheckConstraint(
                name="assignment_submitted_has_total",
                condition=~models.Q(state="submitted") | models.Q(total__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["year", "expert"],
                name="assignment_active_load",
                condition=models.Q(state__in=ACTIVE_ASSIGNMENT_STATES),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.panel.subject}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    comment = models.TextField("评语", blank=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(name="score_not_negative", condition=models.Q(points__gte=0)),
        ]
