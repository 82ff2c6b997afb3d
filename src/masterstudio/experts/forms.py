from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from masterstudio.accounts.models import User
from masterstudio.experts.models import Aggregation, Expert, Rubric


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；\n]+", text or "") if part.strip()]


class ExpertForm(forms.ModelForm):
    fields_text = forms.CharField(label="专业领域", help_text="职业编码前缀（如 6-18 或 6-18-01-01）或新职业名称，多个用顿号分隔",
                                  error_messages={"required": "请填写至少一个专业领域"})
    past_text = forms.CharField(label="曾任职单位", required=False, help_text="多个用顿号分隔")
    relations_text = forms.CharField(label="利害关系单位", required=False,
                                     help_text="有亲属、投资、合作等关系的单位名称或统一社会信用代码，多个用顿号分隔")

    class Meta:
        model = Expert
        fields = ["user", "name", "employer", "employer_credit_code", "title", "max_per_year", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = Expert.objects.exclude(pk=self.instance.pk).values("user_id")
        self.fields["user"].queryset = User.objects.filter(role="expert", is_active=True).exclude(pk__in=taken)
        self.fields["user"].error_messages["required"] = "请选择专家账号（由系统管理员创建，角色为评审专家）"
        if self.instance.pk:
            self.initial.update(fields_text="、".join(self.instance.fields),
                                past_text="、".join(self.instance.past_employers),
                                relations_text="、".join(self.instance.relations))

    def clean_fields_text(self):
        values = _split(self.cleaned_data["fields_text"])
        for value in values:
            if value[0].isdigit() and not re.fullmatch(r"[1-8](-\d{2}){0,3}", value):
                raise forms.ValidationError(f"“{value}”不是有效的职业编码前缀，应如 6-18 或 6-18-01-01")
        return values

    def save(self, commit=True):
        self.instance.fields = self.cleaned_data["fields_text"]
        self.instance.past_employers = _split(self.cleaned_data.get("past_text"))
        self.instance.relations = _split(self.cleaned_data.get("relations_text"))
        return super().save(commit)


class RubricForm(forms.ModelForm):
    criteria_text = forms.CharField(
        label="评分项", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一项：名称 | 满分 | 权重 | 低于此分须写评语（可空） | 评分要点（可空）",
        error_messages={"required": "请至少填写一个评分项"})

    class Meta:
        model = Rubric
        fields = ["name", "aggregation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aggregation"].choices = Aggregation.choices
        if self.instance.pk:
            self.initial["criteria_text"] = "\n".join(
                " | ".join([c.title, f"{c.max_points.normalize():f}", f"{c.weight.normalize():f}",
                            f"{c.comment_below.normalize():f}" if c.comment_below is not None else "", c.description])
                for c in self.instance.criteria.all())

    def clean_criteria_text(self):
        criteria = []
        for number, line in enumerate(self.cleaned_data["criteria_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
            title, max_points, weight, below, description = parts[:5]
            if not title:
                raise forms.ValidationError(f"第 {number} 行缺少评分项名称")
            try:
                max_value = Decimal(max_points)
                weight_value = Decimal(weight or "1")
                below_value = Decimal(below) if below else None
            except ArithmeticError:
                raise forms.ValidationError(f"第 {number} 行的满分、权重或评语分数线不是数字") from None
            if max_value <= 0 or weight_value <= 0:
                raise forms.ValidationError(f"第 {number} 行的满分和权重必须大于 0")
            if below_value is not None and not 0 < below_value <= max_value:
                raise forms.ValidationError(f"第 {number} 行的评语分数线应在 0 到满分之间")
            criteria.append({"title": title[:200], "max_points": max_value, "weight": weight_value,
                             "comment_below": below_value, "description": description})
        if not criteria:
            raise forms.ValidationError("请至少填写一个评分项")
        return criteria


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(label="利益冲突", widget=forms.RadioSelect,
                                 choices=[("no", "本人与评审对象无利害关系，承诺公正评审"),
                                          ("yes", "本人与评审对象存在利害关系，申请回避")],
                                 error_messages={"required": "请选择是否存在利益冲突"})
    text = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("conflict") == "yes" and not (data.get("text") or "").strip():
            self.add_error("text", "请说明存在的利害关系")
        return data
