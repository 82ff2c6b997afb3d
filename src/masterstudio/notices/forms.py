from __future__ import annotations

from django import forms

from masterstudio.notices import rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    """The rules are the service's (``notices.rules.objection_problems``), stated from there."""

    name = forms.CharField(
        label="真实姓名",
        max_length=50,
        help_text=rules.OBJECTION_RULES[0],
        error_messages={"required": "异议须实名提出，请填写真实姓名"},
    )
    contact = forms.CharField(
        label="联系方式",
        max_length=100,
        help_text=rules.OBJECTION_RULES[1],
        error_messages={"required": "请填写联系方式（手机号或电子邮箱），便于答复"},
    )
    content = forms.CharField(
        label="异议内容",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=rules.OBJECTION_RULES[2],
        error_messages={"required": "请写明异议的具体事实和理由"},
    )
    evidence = MultipleFileField(label="证据材料（可选，最多 5 个，PDF/JPG/PNG/DOCX/XLSX）", required=False)
    pledge = forms.BooleanField(
        label="本人承诺所提异议属实，并愿意配合调查核实", error_messages={"required": "请勾选承诺"}
    )

    def clean(self):
        data = super().clean()
        if all(key in data for key in ("name", "contact", "content")):
            problems = rules.objection_problems(name=data["name"], contact=data["contact"], content=data["content"])
            for field, message in problems.items():
                self.add_error(field, message)
        return data


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结论",
        widget=forms.RadioSelect,
        choices=[("dismissed", "异议不成立，恢复公示"), ("upheld", "异议成立，撤出名单、不予认定")],
        error_messages={"required": "请选择处理结论"},
    )
    investigation = forms.CharField(
        label="调查核实情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写调查核实情况"},
    )
    reply = forms.CharField(
        label="给异议人的答复",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写给异议人的答复"},
    )
