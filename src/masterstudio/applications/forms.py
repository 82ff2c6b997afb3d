"""Forms of the application wizard, the rounds and the staff list. Every message is Chinese and
says what to fix, at the field it concerns."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone

from masterstudio.applications import wizard
from masterstudio.applications.facts import CONDITION_FIELDS
from masterstudio.applications.models import AppState, Round
from masterstudio.core import identifiers
from masterstudio.core.crypto import blind_index
from masterstudio.policy import skills
from masterstudio.units.models import Person
from masterstudio.units.validators import validate_id_number

SKILL_LEVELS = [("", "请选择")] + [(level.code, level.full_label) for level in skills.LEVELS]
YES_NO = [("", "未填写"), ("yes", "是"), ("no", "否")]
HONORS, ROUTES = wizard.HONORS, wizard.ROUTES


class ApplicationForm(forms.Form):
    """The whole wizard, as a page shows it. ``final=False`` (autosave) checks formats only;
    ``final=True`` (submission) also requires what the bureau needs to accept the application. The
    rules are ``wizard.read_draft``'s (see ``full_clean``); the fields here are for the page."""

    scope = forms.ChoiceField(
        label="申报主体",
        widget=forms.RadioSelect,
        required=False,
        help_text="总部与每个分厂/分公司分别计算“相同职业只能建立一个工作室”（第7条）",
    )
    leader = forms.ChoiceField(label="领办人", required=False)
    route = forms.ChoiceField(label="职业类别", choices=ROUTES, widget=forms.RadioSelect, required=False)
    occupation_code = forms.CharField(
        label="职业编码（大典）", max_length=20, required=False, help_text="输入名称或编码搜索，如“车工”或“6-18-01-01”"
    )
    occupation_name = forms.CharField(label="职业（工种）名称", max_length=100, required=False)
    skill_level = forms.ChoiceField(label="技能等级", choices=SKILL_LEVELS, required=False)
    certificate_no = forms.CharField(label="职业资格/技能等级证书编号", max_length=60, required=False)
    honors = forms.MultipleChoiceField(
        label="直接认定荣誉（第5条）", choices=HONORS, widget=forms.CheckboxSelectMultiple, required=False
    )
    frontline_years = forms.IntegerField(
        label="生产服务一线工作年限（年）",
        min_value=0,
        max_value=60,
        required=False,
        error_messages={
            "min_value": "一线工作年限不能为负数",
            "max_value": "一线工作年限不能超过 60 年，请核对",
            "invalid": "一线工作年限请填写整数年，如 12",
        },
    )
    team = forms.MultipleChoiceField(
        label="团队成员（领办人以外的正式员工，第4条第5项）", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, unit, final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.final = final
        self.people = {str(p.pk): p for p in unit.people.all()}
        self.branches = {str(b.pk): b for b in unit.branches.all()}
        self.fields["scope"].choices = [("head", f"总部（{unit.name}）")] + [
            (pk, b.name) for pk, b in self.branches.items()
        ]
        self.fields["leader"].choices = [("", "请选择领办人")] + [
            (pk, f"{p.name}（{p.masked_id_number}）") for pk, p in self.people.items()
        ]
        self.fields["team"].choices = [
            (pk, f"{p.name}{'' if p.formal_employee else '（非正式员工）'}") for pk, p in self.people.items()
        ]
        for name, clause, label in CONDITION_FIELDS:
            self.fields[f"cond_{name}"] = forms.ChoiceField(
                label=f"{label}（第{clause}条）", choices=YES_NO, required=False
            )
            self.fields[f"note_{name}"] = forms.CharField(
                label="情况说明",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def full_clean(self):
        """The wizard's rules are values-level (``wizard.read_draft``, the same rules submission
        applies to the stored draft under the row lock): the form only shows them. ``self.draft``:
        what was read, for the view to hand to the draft service."""
        self._errors = ErrorDict()
        if not self.is_bound:
            return
        self.draft = wizard.read_draft(
            self.data, unit=self.unit, final=self.final, people=self.people, branches=self.branches
        )
        self.cleaned_data = dict(self.draft.values)
        for name, texts in self.draft.errors.items():
            self.add_error(name, list(texts))

    @classmethod
    def from_draft(cls, draft: dict, *, unit, final: bool = False) -> ApplicationForm:
        """The form bound to a stored draft (field name → the strings typed)."""
        data = QueryDict(mutable=True)
        for key, values in (draft or {}).items():
            data.setlist(key, values if isinstance(values, list) else [values])
        return cls(data, unit=unit, final=final)


class QuickPersonForm(forms.Form):
    """登记新人员 from inside the wizard, for a unit that has not listed its people yet."""

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="居民身份证号",
        max_length=18,
        validators=[validate_id_number],
        help_text="出生日期和性别按身份证号自动识别，无需另填",
        widget=forms.TextInput(attrs={"data-id-facts": "person-id-facts", "autocomplete": "off"}),
    )
    original_retirement_age = forms.TypedChoiceField(
        label="原法定退休年龄（女职工）",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "男职工不填"), (50, "50 周岁"), (55, "55 周岁")],
    )
    position = forms.CharField(label="岗位/职务", max_length=100, required=False)
    formal_employee = forms.BooleanField(label="正式员工", required=False, initial=True)
    frontline = forms.BooleanField(label="在生产服务一线岗位", required=False, initial=True)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, prefix="person", **kwargs)
        self.unit = unit

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip().upper()
        if Person.objects.filter(unit=self.unit, id_index=blind_index(value)).exists():
            raise forms.ValidationError("本单位已登记此身份证号的人员，请直接在名单中选择")
        return value

    def clean(self):
        data = super().clean()
        number = data.get("id_number")
        if number:  # birth date and gender are the ID number's (policy/identity.py), never asked again
            facts = identifiers.id_number_facts(number)
            self.id_facts = facts
            if facts["gender"] == "female" and not data.get("original_retirement_age"):
                self.add_error(
                    "original_retirement_age", "女职工请选择原法定退休年龄（50 或 55 周岁），用于计算延迟退休日期"
                )
            if facts["gender"] == "male" and data.get("original_retirement_age"):
                self.add_error("original_retirement_age", "男职工无需填写原法定退休年龄")
        return data


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class RoundForm(forms.ModelForm):
    opens_at = forms.DateTimeField(
        label="开始时间（北京时间）",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请按“年-月-日 时:分”填写开始时间"},
    )
    closes_at = forms.DateTimeField(
        label="截止时间（北京时间）",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请按“年-月-日 时:分”填写截止时间"},
    )

    class Meta:
        model = Round
        fields = ["year", "title", "opens_at", "closes_at", "guide", "policy_version"]
        widgets = {"guide": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, policy_versions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_versions = policy_versions  # version → valid_until (YYYY-MM-DD)
        self.fields["policy_version"] = forms.ChoiceField(
            label="适用政策版本", choices=[(v, f"{v}（有效期至 {until}）") for v, until in policy_versions.items()]
        )
        self.fields["year"].error_messages["invalid"] = "年度请填写四位数字，如 2026"

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2024 <= year <= 2100:
            raise forms.ValidationError("年度应为四位数字，如 2026")
        return year

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes:
            opens, closes = _aware(opens), _aware(closes)
            if closes <= opens:
                self.add_error("closes_at", "截止时间必须晚于开始时间")
            version = data.get("policy_version")
            until = self.policy_versions.get(version)
            if until:
                limit = _aware(datetime.combine(datetime.strptime(until, "%Y-%m-%d").date(), time.max))
                if closes > limit:
                    self.add_error(
                        "closes_at",
                        f"所选政策版本有效期至 {until}（第20条），截止时间不能晚于该日；"
                        "如需在此后认定，请先载入新的政策版本",
                    )
        return data


class StaffFilterForm(forms.Form):
    round = forms.ModelChoiceField(label="批次", queryset=Round.objects.all(), required=False, empty_label="全部批次")
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态")] + [c for c in AppState.choices if c[0] != AppState.DRAFT],
    )
    outcome = forms.ChoiceField(
        label="预检结论",
        required=False,
        choices=[("", "全部"), ("eligible", "符合"), ("undetermined", "待定"), ("ineligible", "不符合")],
    )
    occupation = forms.CharField(label="职业", required=False, max_length=100)
    unit = forms.IntegerField(label="单位编号", required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "受理编号、单位、领办人、职业"}),
    )

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "round": data["round"].pk if data.get("round") else None,
            "state": data.get("state"),
            "outcome": data.get("outcome"),
            "occupation": data.get("occupation"),
            "unit": data.get("unit"),
            "q": data.get("q"),
        }
