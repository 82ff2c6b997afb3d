from __future__ import annotations

from django import forms

from masterstudio.activities.models import Activity, StudioActivity
from masterstudio.core.fieldmessages import NamedFieldsMixin

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(NamedFieldsMixin, forms.ModelForm):
    capacity = forms.IntegerField(
        label="名额（人）", required=False, min_value=1, max_value=100000, help_text="不填表示不限"
    )
    own_messages = {"capacity": {"min_value": "“名额（人）”至少为 1 人；不限名额请留空"}}

    class Meta:
        model = Activity
        fields = ["title", "kind", "description", "location", "starts_at", "ends_at", "signup_deadline", "capacity"]
        widgets = {
            "starts_at": DT,
            "ends_at": DT,
            "signup_deadline": DT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("signup_deadline")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "结束时间不能早于开始时间")
        if starts and deadline and deadline > starts:
            self.add_error("signup_deadline", "报名截止时间不能晚于活动开始时间")
        return data


class SignupForm(NamedFieldsMixin, forms.Form):
    studio = forms.ModelChoiceField(label="工作室", queryset=None, error_messages={"required": "请选择工作室"})
    participants = forms.CharField(
        label="参加人员",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="每行一人：姓名、岗位",
        error_messages={"required": "请填写参加人员，每行一人"},
    )
    contact = forms.CharField(label="联系人及电话", max_length=100, error_messages={"required": "请填写联系人及电话"})

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(NamedFieldsMixin, forms.ModelForm):
    photos = MultipleFileField(label="照片", required=False, widget=MultipleFileInput(), help_text="JPG 或 PNG，可多选")

    class Meta:
        model = StudioActivity
        fields = ["studio", "kind", "title", "held_on", "participants", "apprentices", "description"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "apprentices": forms.Textarea(attrs={"rows": 3}),
        }

    participants = forms.IntegerField(label="参加人数", min_value=1, max_value=100000)
    own_messages = {"participants": {"min_value": "“参加人数”至少为 1 人"}}

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
