from __future__ import annotations

from django import forms
from django.utils import timezone


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
