from __future__ import annotations

from django import forms
from django.utils import timezone

from masterstudio.recoveries.models import Cause


class RepaymentForm(forms.Form):
    amount = forms.CharField(label="退回金额（元）", error_messages={"required": "请填写退回金额"})
    paid_on = forms.DateField(
        label="到账日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写到账日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    voucher_no = forms.CharField(label="凭证号", max_length=100, error_messages={"required": "请填写退回款的凭证号"})
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class RevocationForm(forms.Form):
    cause = forms.ChoiceField(
        label="撤销情形（第13条）",
        choices=[("", "请选择")] + Cause.choices,
        error_messages={"required": "请选择撤销情形（第13条第（一）至（四）项）"},
    )
    evidence = forms.CharField(
        label="事实与证据",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请写明撤销所依据的事实与证据"},
    )
    evidence_file = forms.FileField(label="证据材料（可选）", required=False)
    decision = forms.CharField(
        label="评估审查意见与撤销决定",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写评估审查意见与撤销决定"},
    )
    document_no = forms.CharField(label="决定文号", max_length=100, required=False)
    decided_on = forms.DateField(
        label="撤销日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写撤销日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
