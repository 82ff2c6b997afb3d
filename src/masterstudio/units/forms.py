from __future__ import annotations

from django import forms

from masterstudio.core import identifiers as policy_identity
from masterstudio.core.crypto import blind_index
from masterstudio.units.models import Branch, Person
from masterstudio.units.validators import validate_id_number, validate_phone


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["name", "credit_code", "address"]

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Branch.objects.filter(unit=self.unit, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("本单位已登记同名的分厂/分公司")
        return name

    def clean_credit_code(self):
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        if code:
            valid, reason = policy_identity.check_credit_code(code)
            if not valid:
                raise forms.ValidationError(f"统一社会信用代码有误：{reason}")
        return code


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(
        label="居民身份证号",
        max_length=18,
        min_length=18,
        validators=[validate_id_number],
        help_text="18 位；出生日期和性别由身份证号自动得出",
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False, validators=[validate_phone])

    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "original_retirement_age",
            "phone",
            "position",
            "formal_employee",
            "frontline",
            "frontline_since",
            "employed",
            "left_on",
        ]
        widgets = {
            "frontline_since": forms.DateInput(attrs={"type": "date"}),
            "left_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip().upper()

        if Person.objects.filter(unit=self.unit, id_index=blind_index(value)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("本单位已登记此身份证号的人员，请勿重复登记")
        return value

    def clean(self):
        data = super().clean()
        number = data.get("id_number")
        if number:
            facts = policy_identity.id_number_facts(number)
            if facts["gender"] == "female" and not data.get("original_retirement_age"):
                self.add_error(
                    "original_retirement_age", "女职工请选择原法定退休年龄（50 或 55 周岁），用于计算延迟退休日期"
                )
            if facts["gender"] == "male" and data.get("original_retirement_age"):
                self.add_error("original_retirement_age", "男职工无需填写原法定退休年龄")
        if data.get("employed") is False and not data.get("left_on"):
            self.add_error("left_on", "已不在职的人员请填写离职日期")
        return data
