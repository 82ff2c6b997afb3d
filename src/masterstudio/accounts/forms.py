from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm

from masterstudio.accounts.models import Duty, Role, User
from masterstudio.units.models import Unit, UnitKind
from masterstudio.units.validators import validate_credit_code, validate_phone


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="动态口令或恢复码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(label="登录密码", widget=forms.PasswordInput)
    code = forms.CharField(
        label="动态口令",
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]
        else:
            self.fields["code"].required = True


class UnitRegistrationForm(forms.Form):
    """A unit registers itself; the bureau approves it before it can apply."""

    unit_name = forms.CharField(label="单位名称", max_length=200)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        min_length=18,
        help_text="18 位，见营业执照；最后一位是校验码",
        validators=[validate_credit_code],
    )
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices)
    address = forms.CharField(label="注册地址", max_length=300)
    in_etown = forms.BooleanField(label="单位在经开区（亦庄新城）范围内依法经营", required=False, initial=True)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系人手机号", max_length=20, validators=[validate_phone])
    email = forms.EmailField(label="电子邮箱（接收通知）", required=False)
    username = forms.CharField(label="登录用户名", max_length=150, help_text="字母、数字或 @/./+/-/_")
    password1 = forms.CharField(
        label="密码", widget=forms.PasswordInput, help_text="至少 10 位，含小写字母、大写字母、数字、符号中的三类"
    )
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)
    privacy = forms.BooleanField(
        label="我已阅读并同意《个人信息处理规则》：平台仅为技能大师工作室申报、评审和管理处理联系人及人员信息，"
        "身份证号、手机号加密存储，仅向依职责需要的工作人员显示",
    )

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if Unit.objects.filter(credit_code=code).exists():
            raise forms.ValidationError("该统一社会信用代码已注册。如需找回账号，请联系社会事业局")
        return code

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个")
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(username=data.get("username", ""), display_name=data.get("contact_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AccountCreateForm(forms.Form):
    """Staff (system administrator) create expert, evaluator and staff accounts."""

    role = forms.ChoiceField(
        label="角色",
        choices=[
            (Role.EXPERT, Role.EXPERT.label),
            (Role.EVALUATOR, Role.EVALUATOR.label),
            (Role.STAFF, Role.STAFF.label),
        ],
    )
    duties = forms.MultipleChoiceField(
        label="职责（仅工作人员）", choices=Duty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    display_name = forms.CharField(label="姓名或机构名称", max_length=100)
    organisation = forms.CharField(label="工作单位或机构", max_length=200, required=False)
    username = forms.CharField(label="登录用户名", max_length=150)
    email = forms.EmailField(
        label="本人电子邮箱", help_text="初始密码由系统随机生成，只发送到这个邮箱；系统管理员看不到"
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False, validators=[validate_phone])

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用")
        return username

    def clean(self):
        data = super().clean()
        duties = set(data.get("duties") or [])
        if data.get("role") == Role.STAFF:
            if not duties:
                self.add_error("duties", "工作人员至少需要一项职责")
            separated = {Duty.SYSADMIN, Duty.AUDITOR}
            if duties & separated and len(duties) > 1:
                self.add_error("duties", "三员分立：系统管理员、安全审计员不得兼任其他职责")
        elif duties:
            self.add_error("duties", "只有工作人员有职责")
        return data


class FirstPasswordForm(SetPasswordForm):
    """The holder's own password, replacing one an administrator had sent (Chinese labels)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields[
            "new_password1"
        ].help_text = "至少 10 位，含小写字母、大写字母、数字、符号中的三类；不能是常见密码或初始密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.error_messages = {**self.error_messages, "password_mismatch": "两次输入的新密码不一致"}


class DutyRequestForm(forms.Form):
    duties = forms.MultipleChoiceField(
        label="申请授予的业务职责",
        widget=forms.CheckboxSelectMultiple,
        choices=[(d.value, d.label) for d in (Duty.REVIEWER, Duty.APPROVER, Duty.FINANCE)],
    )


class DutyDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="确认结果", choices=[("approve", "确认授予"), ("refuse", "拒绝")])
    reason = forms.CharField(label="意见", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", "拒绝时须填写意见")
        return data


class UnitDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approved", "通过"), ("rejected", "不通过")])
    reason = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "rejected" and not (data.get("reason") or "").strip():
            self.add_error("reason", "不通过时必须填写审核意见，告知单位需要更正的内容")
        return data
