from __future__ import annotations

from django import forms


class ResolveFlagForm(forms.Form):
    resolution = forms.CharField(
        label="处理意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写处理意见（如：已核实，领办人返聘继续工作）"},
    )
