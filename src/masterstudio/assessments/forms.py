from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from masterstudio.assessments.models import ASPECTS, Grade
from masterstudio.core.fieldmessages import NamedFieldsMixin


class OpenYearForm(NamedFieldsMixin, forms.Form):
    year = forms.IntegerField(
        label="考核年度",
        min_value=2024,
        max_value=2100,
        error_messages={"required": "请填写考核年度", "min_value": "考核年度不早于 2024 年"},
    )
    excellent_min = forms.DecimalField(label="优秀分数线（百分制，含）", initial=90, max_digits=5, decimal_places=2)
    qualified_min = forms.DecimalField(label="合格分数线（百分制，含）", initial=60, max_digits=5, decimal_places=2)
    cap_percent = forms.IntegerField(
        label="优秀比例上限（%，不限请留空）",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "min_value": "“优秀比例上限”应在 1 到 100 之间",
            "max_value": "“优秀比例上限”应在 1 到 100 之间",
        },
    )
    opens_on = forms.DateField(label="专家评分开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label="专家评分截止日期（当日24时截止）", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + timedelta(days=14)
        for index, (title, hint) in enumerate(ASPECTS):
            self.fields[f"weight_{index}"] = forms.DecimalField(
                label=f"{title}：权重",
                initial=1,
                min_value=0.01,
                help_text=hint,
                error_messages={"min_value": "权重必须大于 0"},
            )
            self.fields[f"max_{index}"] = forms.DecimalField(
                label=f"{title}：满分", initial=25, min_value=0.01, error_messages={"min_value": "满分必须大于 0"}
            )

    def window(self):
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.cleaned_data["opens_on"], time.min), tz)
        end = timezone.make_aware(datetime.combine(self.cleaned_data["closes_on"] + timedelta(days=1), time.min), tz)
        return start, end


class DrawForm(NamedFieldsMixin, forms.Form):
    size = forms.IntegerField(label="每个工作室抽取专家人数", min_value=1, max_value=15, initial=3)
    seed = forms.CharField(label="随机种子（可选，留空自动生成）", required=False, max_length=40)


class ReviewForm(NamedFieldsMixin, forms.Form):
    grade = forms.ChoiceField(label="等次", choices=Grade.choices)
    reason = forms.CharField(
        label="调整理由（与计算等次不同时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rectify_deadline = forms.DateField(
        label="整改期限（不合格时必填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rectify_actions = forms.CharField(
        label="整改要求（不合格时必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(NamedFieldsMixin, forms.Form):
    report = forms.CharField(
        label="整改情况报告",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写整改情况报告，逐项说明整改要求的落实情况"},
    )
    file = forms.FileField(label="整改材料（可选）", required=False)


class ReassessmentForm(NamedFieldsMixin, forms.Form):
    grade = forms.ChoiceField(label="复评结果", choices=[(Grade.QUALIFIED, "合格"), (Grade.UNQUALIFIED, "不合格")])
    reasons = forms.CharField(
        label="复评理由", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写复评理由"}
    )


class RecommendForm(NamedFieldsMixin, forms.Form):
    note = forms.CharField(
        label="推荐意见", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写推荐意见"}
    )


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(_MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class SupervisionForm(NamedFieldsMixin, forms.Form):
    studio = forms.ModelChoiceField(label="工作室", queryset=None)
    visited_on = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label="检查人员", max_length=200, help_text="姓名及单位，多人用顿号分隔")
    findings = forms.CharField(label="检查发现", widget=forms.Textarea(attrs={"rows": 5}))
    follow_up = forms.CharField(
        label="整改或跟进要求（可选）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_due = forms.DateField(
        label="跟进期限（可选）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    files = _MultipleFileField(
        label="检查材料（可选，可多选）",
        required=False,
        widget=_MultipleFileInput(),
        help_text="PDF、图片、Word 或 Excel",
    )

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
