from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from masterstudio.accounts.models import Role, User
from masterstudio.experts.models import Aggregation, Expert, Rubric


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；\n]+", text or "") if part.strip()]


class ExpertForm(forms.ModelForm):
    fields_text = forms.CharField(
        label="专业领域",
        help_text="职业编码前缀（如 6-18 或 6-18-01-01）或新职业名称，多个用顿号分隔",
        error_messages={"required": "请填写至少一个专业领域"},
    )
    past_text = forms.CharField(label="曾任职单位", required=False, help_text="多个用顿号分隔")
    relations_text = forms.CharField(
        label="利害关系单位",
        required=False,
        help_text="有亲属、投资、合作等关系的单位名称或统一社会信用代码，多个用顿号分隔",
    )

    class Meta:
        model = Expert
        fields = ["user", "name", "employer", "employer_credit_code", "title", "max_per_year", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = Expert.objects.exclude(pk=self.instance.pk).values("user_id")
        self.fields["user"].queryset = User.objects.filter(role=Role.EXPERT, is_active=True).exclude(pk__in=taken)
        self.fields["user"].error_messages["required"] = "请选择专家账号（由系统管理员创建，角色为评审专家）"
        if self.instance.pk:
            self.initial.update(
                fields_text="、".join(self.instance.fields),
                past_text="、".join(self.instance.past_employers),
                relations_text="、".join(self.instance.relations),
            )

    def clean_fields_text(self):
        values = _split(self.cleaned_data["fields_text"])
        for value in values:
            if value[0].isdigit() and not re.fullmatch(r"[1-8](-\d{2}){0,3}", value):
                raise forms.ValidationError(f"“{value}”不是有效的职业编码前缀，应如 6-18 或 6-18-01-01")
        return values

    def values(self) -> dict:
        """The checked values, as :func:`masterstudio.experts.services.pool.save_expert` takes them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self._meta.fields},
            "fields": data["fields_text"],
            "past_employers": _split(data.get("past_text")),
            "relations": _split(data.get("relations_text")),
        }


def _points_field(label: str, **extra) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": f"{label}请填写数字",
            "min_value": f"{label}必须大于 0",
            "max_digits": f"{label}不超过 4 位整数",
            "max_decimal_places": f"{label}最多两位小数",
        },
        **extra,
    )


class CriterionRowForm(forms.Form):
    """One row of the rubric table: 评分项, 满分, 权重, 低于此分须写评语, 评分要点. A blank row is skipped."""

    title = forms.CharField(label="评分项", max_length=200, required=False)
    max_points = _points_field("满分")
    weight = _points_field("权重")
    comment_below = _points_field("低于此分须写评语")
    description = forms.CharField(
        label="评分要点", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        title = (data.get("title") or "").strip()
        filled = (
            title
            or any(data.get(k) not in (None, "") for k in ("max_points", "weight", "comment_below"))
            or (data.get("description") or "").strip()
            or any(k in self.errors for k in self.fields)
        )
        data["blank"] = not filled
        if not filled:
            return data
        if not title:
            self.add_error("title", "请填写评分项名称")
        if data.get("max_points") is None and "max_points" not in self.errors:
            self.add_error("max_points", "请填写满分")
        below, top = data.get("comment_below"), data.get("max_points")
        if below is not None and top is not None and below > top:
            self.add_error("comment_below", "评语分数线不能高于满分")
        return data

    def criterion(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip()[:200],
            "max_points": data["max_points"],
            "weight": data.get("weight") or Decimal("1"),
            "comment_below": data.get("comment_below"),
            "description": (data.get("description") or "").strip(),
        }


CriterionRows = forms.formset_factory(CriterionRowForm, extra=0, max_num=40, absolute_max=40)
BLANK_ROWS = 3


class RubricForm(forms.ModelForm):
    """The rubric as a table: one row per criterion (``rows``, a formset with prefix ``c``), blank rows
    to add more; the name and the way the experts' totals are aggregated above it."""

    class Meta:
        model = Rubric
        fields = ["name", "aggregation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aggregation"].choices = Aggregation.choices
        initial = [
            {
                "title": c.title,
                "max_points": c.max_points.normalize(),
                "weight": c.weight.normalize(),
                "comment_below": c.comment_below.normalize() if c.comment_below is not None else None,
                "description": c.description,
            }
            for c in (self.instance.criteria.all() if self.instance.pk else [])
        ]
        initial += [{}] * BLANK_ROWS
        self.rows = CriterionRows(self.data if self.is_bound else None, prefix="c", initial=initial)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        rows_valid = self.rows.is_valid()
        if rows_valid and not self.criteria():
            self.add_error(None, "请至少填写一个评分项（名称和满分）")
            return False
        return valid and rows_valid

    def criteria(self) -> list[dict]:
        return [row.criterion() for row in self.rows if not row.cleaned_data.get("blank", True)]

    @property
    def row_errors(self) -> list[str]:
        """Each row's errors as one line ("第 2 行：请填写满分"), for the top of the page."""
        lines = []
        for number, row in enumerate(self.rows, start=1):
            for messages in row.errors.values():
                for message in messages:
                    lines.append(f"第 {number} 行：{message}")
        return lines


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label="利益冲突",
        widget=forms.RadioSelect,
        choices=[("no", "本人与评审对象无利害关系，承诺公正评审"), ("yes", "本人与评审对象存在利害关系，申请回避")],
        error_messages={"required": "请选择是否存在利益冲突"},
    )
    text = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("conflict") == "yes" and not (data.get("text") or "").strip():
            self.add_error("text", "请说明存在的利害关系")
        return data
