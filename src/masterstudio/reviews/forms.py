from __future__ import annotations

from django import forms

from masterstudio.reviews.models import CheckResult, Outcome, SiteVisit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FindingForm(forms.Form):
    fact = forms.CharField(label="事实", max_length=80, error_messages={"required": "请选择要认定的事实"})
    value = forms.CharField(
        label="认定值",
        max_length=100,
        help_text="是 / 否，或数字（如一线工作年限）",
        error_messages={"required": "请填写认定值"},
    )
    note = forms.CharField(
        label="认定依据",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请写明认定依据（材料页码、考察或专家意见）"},
    )


class ScheduleForm(forms.Form):
    scheduled_on = forms.DateField(
        label="考察日期",
        widget=DATE,
        error_messages={"required": "请选择考察日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    people = forms.CharField(label="考察人员", max_length=300, error_messages={"required": "请填写考察人员"})
    contact = forms.CharField(label="单位对接人", max_length=100, required=False)


class VisitForm(forms.Form):
    site = forms.ChoiceField(label="工作室场所", choices=[("", "未填")] + CheckResult.choices, required=False)
    equipment = forms.ChoiceField(label="设备设施", choices=[("", "未填")] + CheckResult.choices, required=False)
    team_present = forms.ChoiceField(label="团队成员在岗", choices=[("", "未填")] + CheckResult.choices, required=False)
    systems_displayed = forms.ChoiceField(
        label="管理制度上墙/展示", choices=[("", "未填")] + CheckResult.choices, required=False
    )
    findings = forms.CharField(label="考察发现", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(
        label="考察结论",
        required=False,
        choices=[("", "暂不作结论（仅保存记录）"), ("pass", "通过，进入专家评审"), ("fail", "不通过")],
    )

    def checks(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key, _ in SiteVisit.CHECKS}


class PhotoForm(forms.Form):
    photo = forms.FileField(label="考察照片（JPG/PNG）", error_messages={"required": "请选择照片"})
    caption = forms.CharField(label="说明", max_length=200, required=False)


class DrawForm(forms.Form):
    size = forms.IntegerField(
        label="抽取人数",
        min_value=1,
        max_value=15,
        initial=3,
        error_messages={"required": "请填写抽取人数", "min_value": "至少抽取 1 人"},
    )
    seed = forms.CharField(
        label="随机种子（留空自动生成）", max_length=64, required=False, help_text="记录在案，可据此复核抽取结果"
    )
    opens_at = forms.DateTimeField(
        label="评分开始",
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写评分开始时间", "invalid": "时间格式有误"},
    )
    closes_at = forms.DateTimeField(
        label="评分截止",
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写评分截止时间", "invalid": "时间格式有误"},
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "评分截止时间必须晚于开始时间")
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="评议结论",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评议结论"},
    )
    rank = forms.IntegerField(label="排序", min_value=1, required=False)
    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写评议理由（公布时告知单位）"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
