from __future__ import annotations

from django import forms

from masterstudio.funding.models import Grant
from masterstudio.ledger.models import Category, IncomeKind, Source

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_ERRORS = {
    "invalid": "请填写数字金额，如 12000.00",
    "max_decimal_places": "金额最多保留两位小数（分）",
    "min_value": "金额必须大于 0",
}


def money(label, required=True, **kw):
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        required=required,
        error_messages={"required": f"请填写{label}", **MONEY_ERRORS},
        **kw,
    )


class OpenAccountForm(forms.Form):
    name = forms.CharField(
        label="专账（科目）名称", max_length=200, error_messages={"required": "请填写专账（科目）名称"}
    )
    opened_on = forms.DateField(label="建账日期", widget=DATE, error_messages={"required": "请填写建账日期"})
    bank_note = forms.CharField(label="开户行或会计科目编码", max_length=200, required=False)
    opening_grant = money("期初余额：一次性资助（元）", required=False, min_value=0)
    opening_reward = money("期初余额：奖励（元）", required=False, min_value=0)
    opening_matching = money("期初余额：单位配套（元）", required=False, min_value=0)
    opening_explanation = forms.CharField(
        label="期初余额情况说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="一次性资助或奖励的期初余额超过平台记录的区级已拨付金额时必须填写（如原办法拨付、未导入平台的资金）",
        error_messages={"max_length": "情况说明最多 %(limit_value)d 个字"},
    )


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="收入类型",
        choices=[(IncomeKind.GRANT, IncomeKind.GRANT.label), (IncomeKind.MATCHING, IncomeKind.MATCHING.label)],
    )
    grant = forms.ModelChoiceField(
        label="对应区级资助/奖励", queryset=Grant.objects.none(), required=False, help_text="“区级资助/奖励到账”时选择"
    )
    amount = money("金额（元）")
    received_on = forms.DateField(label="到账日期", widget=DATE, error_messages={"required": "请填写到账日期"})
    voucher_no = forms.CharField(label="凭证号", max_length=100, required=False)
    note = forms.CharField(label="摘要", max_length=300, required=False)

    def __init__(self, *args, studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = Grant.objects.filter(studio=studio, disbursements__isnull=False).distinct()
        self.fields["grant"].label_from_instance = lambda g: (
            f"{g.get_kind_display()} {g.amount:,.2f} 元（{g.dated_on:%Y-%m-%d}）"
        )


class ExpenseForm(forms.Form):
    spent_on = forms.DateField(label="支出日期", widget=DATE, error_messages={"required": "请填写支出日期"})
    amount = money("金额（元）")
    source = forms.ChoiceField(label="资金来源", choices=Source.choices)
    category = forms.ChoiceField(label="支出类别（第16条）", choices=Category.choices)
    description = forms.CharField(
        label="摘要", max_length=300, error_messages={"required": "请填写摘要（买了什么、做了什么）"}
    )
    voucher_no = forms.CharField(label="凭证号", max_length=100, error_messages={"required": "请填写凭证号"})
    voucher = forms.FileField(
        label="凭证附件", required=False, help_text="发票、合同或付款凭证扫描件：PDF、JPG、PNG、OFD"
    )
    voucher_token = forms.CharField(widget=forms.HiddenInput, required=False)
    special_equipment = forms.BooleanField(
        label="属于专用设备", required=False, help_text="专用设备与一般设备的固定资产起点不同"
    )
    asset_name = forms.CharField(label="固定资产名称", max_length=200, required=False)
    asset_location = forms.CharField(label="存放地点", max_length=200, required=False)
    asset_tag_no = forms.CharField(label="资产编号（标签号）", max_length=100, required=False)
    explanation = forms.CharField(
        label="情况说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="支出类别不在该资金来源可列支范围内时必须填写",
    )

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value is not None and value <= 0:
            raise forms.ValidationError("金额必须大于 0")
        return value


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="工作室/单位", required=False)
    warnings = forms.BooleanField(label="只看有预警的", required=False)
