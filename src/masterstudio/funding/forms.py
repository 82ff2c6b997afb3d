from __future__ import annotations

from django import forms

from masterstudio.funding.models import GrantKind, TitleLevel
from masterstudio.studios.models import Studio

DATE = forms.DateInput(attrs={"type": "date"})


class AwardForm(forms.Form):
    studio = forms.ModelChoiceField(
        label="工作室", queryset=Studio.objects.order_by("name"), error_messages={"required": "请选择工作室"}
    )
    kind = forms.ChoiceField(
        label="类别",
        choices=[(GrantKind.INITIAL, GrantKind.INITIAL.label), (GrantKind.EXCELLENT, GrantKind.EXCELLENT.label)],
    )
    year = forms.IntegerField(
        label="考核年度", required=False, min_value=2024, max_value=2100, help_text="年度考核优秀奖励填写考核年度"
    )
    on = forms.DateField(
        label="核定依据日期", widget=DATE, help_text="首次认定资助填认定日期；优秀奖励填考核结果确定日期"
    )
    document_no = forms.CharField(label="文件编号", max_length=100, required=False)
    basis = forms.CharField(label="依据说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == GrantKind.EXCELLENT and not data.get("year"):
            self.add_error("year", "年度考核优秀奖励须填写考核年度（第14条）")
        return data


class TitleForm(forms.Form):
    studio = forms.ModelChoiceField(
        label="工作室", queryset=Studio.objects.order_by("name"), error_messages={"required": "请选择工作室"}
    )
    level = forms.ChoiceField(label="称号级别", choices=TitleLevel.choices)
    document_no = forms.CharField(
        label="命名文件文号", max_length=100, error_messages={"required": "请填写命名文件文号"}
    )
    awarded_on = forms.DateField(label="命名日期", widget=DATE, error_messages={"required": "请填写命名日期"})


class DisburseForm(forms.Form):
    amount = forms.DecimalField(
        label="拨付金额（元）",
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "请填写拨付金额",
            "invalid": "请填写数字金额，如 200000.00",
            "max_decimal_places": "金额最多保留两位小数",
        },
    )
    paid_on = forms.DateField(label="拨付日期", widget=DATE, error_messages={"required": "请填写拨付日期"})
    voucher_no = forms.CharField(label="拨付凭证号", max_length=100, error_messages={"required": "请填写拨付凭证号"})
    note = forms.CharField(label="备注", max_length=300, required=False)


class CancelForm(forms.Form):
    on = forms.DateField(label="取消日期", widget=DATE)
    reason = forms.CharField(
        label="取消理由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写取消理由"}
    )


class RecoveryForm(forms.Form):
    on = forms.DateField(label="追回到账日期", widget=DATE)
    voucher_no = forms.CharField(label="追回凭证号", max_length=100, error_messages={"required": "请填写追回凭证号"})
    reason = forms.CharField(
        label="说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写追回说明（如撤销决定文号）"},
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="文件名称", max_length=200, error_messages={"required": "请填写文件名称"})
    file = forms.FileField(
        label="文件",
        error_messages={"required": "请选择要上传的文件"},
        help_text="PDF、图片、OFD、Word 或 Excel，单个文件不超过上传上限",
    )


class ReverseForm(forms.Form):
    """A reversing entry (冲正) for a wrong money record: the record stays, a negative entry with
    this reason follows it."""

    reason = forms.CharField(
        label="冲正理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "请填写冲正理由（哪里登记错了）",
            "max_length": "冲正理由最多 %(limit_value)d 个字",
        },
    )
