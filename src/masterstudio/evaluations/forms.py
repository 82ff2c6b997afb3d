from __future__ import annotations

from django import forms
from django.conf import settings

from masterstudio.accounts.models import Role, User
from masterstudio.core.fieldmessages import NamedFieldsMixin
from masterstudio.studios.models import Studio

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EvaluationForm(NamedFieldsMixin, forms.Form):
    title = forms.CharField(label="评估项目名称", max_length=200, error_messages={"required": "请填写评估项目名称"})
    purpose = forms.CharField(
        label="评估内容与要求",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写评估内容与要求"},
    )
    evaluator = forms.ModelChoiceField(
        label="第三方评估机构账号",
        queryset=User.objects.filter(role=Role.EVALUATOR, is_active=True),
        error_messages={"required": "请选择第三方评估机构账号"},
    )
    studios = forms.ModelMultipleChoiceField(
        label="评估范围（工作室）",
        queryset=Studio.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个工作室"},
    )
    year_from = forms.IntegerField(label="起始年度", min_value=2020, max_value=2100)
    year_to = forms.IntegerField(label="截止年度", min_value=2020, max_value=2100)
    access_from = forms.DateTimeField(label="授权开始", widget=DT)
    access_until = forms.DateTimeField(
        label="授权截止",
        widget=DT,
        help_text=f"到期后评估机构自动失去访问权限；一次授权最长{settings.EVALUATION_ACCESS_MAX_DAYS} 天",
    )

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            self.add_error("year_to", "截止年度不能早于起始年度")
        if data.get("access_from") and data.get("access_until") and data["access_until"] <= data["access_from"]:
            self.add_error("access_until", "授权截止时间应晚于授权开始时间")
        return data


class ReportForm(NamedFieldsMixin, forms.Form):
    title = forms.CharField(label="报告名称", max_length=200, error_messages={"required": "请填写报告名称"})
    file = forms.FileField(
        label="报告文件", error_messages={"required": "请选择报告文件"}, help_text="PDF、Word 或 OFD"
    )
