"""Forms of the application wizard, the rounds and the staff list. Every message is Chinese and
says what to fix, at the field it concerns."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from masterstudio.applications import occupations
from masterstudio.applications.facts import CONDITION_FIELDS
from masterstudio.applications.models import AppState, Round
from masterstudio.core import identifiers
from masterstudio.core.crypto import blind_index
from masterstudio.policy import skills
from masterstudio.units.models import Person
from masterstudio.units.validators import validate_id_number

SKILL_LEVELS = [("", "请选择")] + [(level.code, level.full_label) for level in skills.LEVELS]
HONORS = [
    ("china_skill_award", "中华技能大奖（第5条直接认定(1)）"),
    ("national_technical_expert", "全国技术能手（第5条直接认定(1)）"),
    ("state_council_allowance", "享受国务院政府特殊津贴（第5条直接认定(1)）"),
    ("beijing_outstanding_contribution", "北京市有突出贡献的高技能人才（第5条直接认定(1)）"),
    ("beijing_technician_allowance", "享受北京市政府技师特殊津贴（第5条直接认定(1)）"),
    (
        "worldskills_beijing_expert_or_coach",
        "代表北京市在世界技能大赛获奖的专家组长、教练组长、主教练（第5条直接认定(2)）",
    ),
    ("intangible_heritage_inheritor", "非物质遗产传承人（第5条直接认定(3)）"),
    ("time_honored_craftsman", "老字号工匠（第5条直接认定(3)）"),
]
YES_NO = [("", "未填写"), ("yes", "是"), ("no", "否")]
ROUTES = [("listed", "职业列入《职业分类大典》（第5条）"), ("unlisted", "新职业，未列入大典（第6条）")]


class ApplicationForm(forms.Form):
    """The whole wizard. ``final=False`` (autosave) checks formats only; ``final=True``
    (submission) also requires what the bureau needs to accept the application."""

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

    def clean_scope(self):
        value = self.cleaned_data.get("scope") or ""
        if not value and self.final:
            raise forms.ValidationError("请选择以总部还是分厂/分公司名义申报")
        return value

    def clean_leader(self):
        value = self.cleaned_data.get("leader") or ""
        if not value:
            if self.final:
                raise forms.ValidationError("请选择领办人；名单中没有时，先在下方“登记新人员”中登记")
            return None
        return self.people[value]

    def clean_frontline_years(self):
        value = self.cleaned_data.get("frontline_years")
        if value is None and self.final:
            raise forms.ValidationError("请填写领办人在生产服务一线岗位工作的年限（第5条第1项、第6条第1项）")
        return value

    def clean_team(self):
        raw = self.data.getlist(self.add_prefix("team")) if hasattr(self.data, "getlist") else self.data.get("team", [])
        seen, duplicates = set(), []
        for pk in raw:
            if pk in seen and pk in self.people:
                duplicates.append(self.people[pk].name)
            seen.add(pk)
        if duplicates:
            raise forms.ValidationError(f"团队成员“{'、'.join(duplicates)}”重复列出，每人只能列一次")
        return [self.people[pk] for pk in self.cleaned_data.get("team", [])]

    def clean(self):
        data = super().clean()
        route = data.get("route") or ""
        code = (data.get("occupation_code") or "").strip().upper()
        name = (data.get("occupation_name") or "").strip()
        if self.final and not route:
            self.add_error("route", "请选择职业是否列入《职业分类大典》")
        if route == "listed" and code:
            entry = occupations.lookup(code)
            if entry is None and occupations.to_confirm(code):
                data["occupation_code"] = code  # kept: staff confirm it and add it to the catalogue
                if self.final and not name:
                    self.add_error(
                        "occupation_name",
                        f"职业编码 {code} 尚未收录在平台目录中：请填写该职业的名称，工作人员将据此核实并补录",
                    )
            elif entry is None:
                self.add_error(
                    "occupation_code",
                    f"《职业分类大典》中没有编码 {code}；请按名称搜索选择，或改选“新职业，未列入大典”",
                )
            else:
                data["occupation_code"], data["occupation_name"] = entry["code"], entry["name"]
        elif route == "listed" and self.final:
            self.add_error("occupation_code", "请搜索并选择领办人从事的职业（工种）")
        elif route == "unlisted":
            data["occupation_code"] = ""
            if self.final and not name:
                self.add_error("occupation_name", "请填写新职业（工种）的名称")
        if self.final and route == "listed" and not data.get("honors") and not data.get("skill_level"):
            self.add_error("skill_level", "请选择领办人的技能等级（第5条第2项），或勾选直接认定荣誉")
        if data.get("skill_level") and self.final and not (data.get("certificate_no") or "").strip():
            self.add_error("certificate_no", "请填写证书编号，与上传的证书一致（第9条）")
        leader = data.get("leader")
        team = data.get("team") or []
        if leader is not None and any(p.pk == leader.pk for p in team):
            self.add_error("team", f"领办人“{leader.name}”不能同时列为团队成员（团队为领办人以外的人员）")
        if self.final:
            for name_, clause, _ in CONDITION_FIELDS:
                if not data.get(f"cond_{name_}"):
                    self.add_error(f"cond_{name_}", f"请回答此项单位条件（第{clause}条）")
        return data

    def declared_facts(self) -> dict:
        """The valid part of what was typed, in the shape stored on Application.facts."""
        data = self.cleaned_data
        conditions = {}
        notes = {}
        for name, _, _ in CONDITION_FIELDS:
            answer = data.get(f"cond_{name}")
            conditions[name] = {"yes": True, "no": False}.get(answer)
            notes[name] = data.get(f"note_{name}", "")
        return {
            "scope": data.get("scope", ""),
            "route": data.get("route", ""),
            "skill_level": data.get("skill_level") or None,
            "certificate_no": (data.get("certificate_no") or "").strip(),
            "honors": data.get("honors", []),
            "frontline_years": data.get("frontline_years"),
            "conditions": conditions,
            "condition_notes": notes,
        }


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
