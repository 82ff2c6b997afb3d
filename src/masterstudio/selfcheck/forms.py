"""The public self-check (政策自测): the questions of Art. 4–7 in plain Chinese, turned into the
policy calculator's eligibility input. "不确定" answers stay unknown, so the engine says which
facts would settle them."""

from __future__ import annotations

from django import forms
from django.utils import timezone

TRI = [("", "不确定"), ("yes", "是"), ("no", "否")]
UNIT_KINDS = [
    ("enterprise", "企业"),
    ("institution", "事业单位"),
    ("social_group", "社会团体"),
    ("industry_org", "行业组织"),
    ("other", "其他"),
]
SKILL_LEVELS = [
    ("", "无或不确定"),
    ("apprentice", "学徒工"),
    ("junior", "五级/初级工"),
    ("intermediate", "四级/中级工"),
    ("senior", "三级/高级工"),
    ("technician", "二级/技师"),
    ("senior_technician", "一级/高级技师"),
    ("special_technician", "特级技师"),
    ("chief_technician", "首席技师"),
]
HONORS = [
    ("china_skill_award", "中华技能大奖"),
    ("national_technical_expert", "全国技术能手"),
    ("state_council_allowance", "享受国务院政府特殊津贴"),
    ("beijing_outstanding_contribution", "北京市有突出贡献的高技能人才"),
    ("beijing_technician_allowance", "享受北京市政府技师特殊津贴"),
    ("worldskills_beijing_expert_or_coach", "代表北京市在世界技能大赛获奖的专家组长、教练组长、主教练"),
    ("intangible_heritage_inheritor", "非物质遗产传承人"),
    ("time_honored_craftsman", "老字号工匠"),
]


# The self-check asks no credit code; the engine's Art. 7 comparison needs one, so the unit
# and "another unit" get two fixed, well-formed codes that stand for "this unit" and "elsewhere".
SELF_CODE = "91110302000000000T"
OTHER_CODE = "91350100M000100Y43"


def _tri(value: str):
    return {"yes": True, "no": False}.get(value)


class SelfCheckForm(forms.Form):
    as_of = forms.DateField(
        label="申报截止日",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写申报截止日", "invalid": "日期格式应为 年-月-日，如 2026-12-18"},
        help_text="距法定退休年龄按申报截止日计算（默认取今天或当前申报批次的截止日）",
    )
    unit_kind = forms.ChoiceField(label="单位类型（第4条第（1）项）", choices=UNIT_KINDS)
    in_etown = forms.ChoiceField(
        label="单位在经开区（亦庄新城）范围内", choices=TRI, required=False, widget=forms.RadioSelect
    )
    lawful_operation = forms.ChoiceField(
        label="遵守法律法规、依法经营", choices=TRI, required=False, widget=forms.RadioSelect
    )
    has_talent_pipeline = forms.ChoiceField(
        label="除领办人外，有相关职业、岗位技能人才梯队（第4条第（2）项）",
        choices=TRI,
        required=False,
        widget=forms.RadioSelect,
    )
    has_talent_systems = forms.ChoiceField(
        label="建立了技能人才培养、评价、选拔、使用和激励制度（第4条第（3）项）",
        choices=TRI,
        required=False,
        widget=forms.RadioSelect,
    )
    has_stable_funding = forms.ChoiceField(
        label="能为工作室提供稳定的资金支持（第4条第（4）项）", choices=TRI, required=False, widget=forms.RadioSelect
    )
    has_facilities = forms.ChoiceField(
        label="能提供场所、设备等必要工作条件", choices=TRI, required=False, widget=forms.RadioSelect
    )
    has_management_rules = forms.ChoiceField(
        label="有明确的工作室管理制度、工作职责、目标任务", choices=TRI, required=False, widget=forms.RadioSelect
    )
    team_size = forms.IntegerField(
        label="除领办人外，团队中正式员工人数（第4条第（5）项）",
        min_value=0,
        max_value=500,
        required=False,
        help_text="成员可以是技能人才或专业技术人才",
        error_messages={
            "min_value": "团队人数不能为负数，请填写 0 或以上的整数",
            "max_value": "团队人数不超过 500 人，请核对",
            "invalid": "团队人数请填写整数，如 3",
        },
    )
    branch = forms.CharField(
        label="以分厂/分公司名义申报时，填写其名称",
        required=False,
        max_length=200,
        help_text="总部申报请留空（第7条按分厂、分公司分别计算）",
    )

    occupation_listed = forms.ChoiceField(
        label="领办人从事的职业（工种）",
        choices=[("listed", "列入《职业分类大典》（第5条）"), ("unlisted", "未列入大典的新职业（第6条）")],
        widget=forms.RadioSelect,
        initial="listed",
    )
    occupation_code = forms.CharField(
        label="职业编码", required=False, max_length=20, help_text="如 6-18-01-01 车工；可用下方搜索选择"
    )
    occupation_name = forms.CharField(label="职业（工种）名称", required=False, max_length=100)
    birth_date = forms.DateField(
        label="领办人出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "出生日期格式应为 年-月-日，如 1978-08-12"},
    )
    gender = forms.ChoiceField(
        label="领办人性别", choices=[("", "请选择"), ("male", "男"), ("female", "女")], required=False
    )
    original_retirement_age = forms.TypedChoiceField(
        label="女职工原法定退休年龄",
        choices=[("", "不适用/不确定"), ("55", "55 周岁（管理、技术岗位等）"), ("50", "50 周岁")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    employed = forms.ChoiceField(label="领办人在职在聘", choices=TRI, required=False, widget=forms.RadioSelect)
    frontline = forms.ChoiceField(
        label="领办人在生产服务一线岗位工作", choices=TRI, required=False, widget=forms.RadioSelect
    )
    frontline_years = forms.IntegerField(
        label="在一线岗位工作年数",
        min_value=0,
        max_value=60,
        required=False,
        error_messages={
            "min_value": "一线工作年数不能为负数",
            "max_value": "一线工作年数不能超过 60 年，请核对",
            "invalid": "一线工作年数请填写整数，如 12",
        },
    )
    skill_level = forms.ChoiceField(label="最高国家职业资格或职业技能等级", choices=SKILL_LEVELS, required=False)
    honors = forms.MultipleChoiceField(
        label="领办人获得的称号（第5条直接认定）", choices=HONORS, required=False, widget=forms.CheckboxSelectMultiple
    )
    leader_has_studio = forms.ChoiceField(
        label="该领办人已领办经开区技能大师工作室", choices=TRI, required=False, widget=forms.RadioSelect
    )
    scope_has_studio = forms.ChoiceField(
        label="本单位（或本分厂/分公司）相同职业已有经开区技能大师工作室",
        choices=TRI,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("occupation_listed") == "listed"
            and not data.get("occupation_code")
            and data.get("occupation_name")
        ):
            self.add_error(
                "occupation_code", "大典内职业请填写职业编码（可用搜索选择）；大典外的新职业请选择“未列入大典的新职业”"
            )
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", "出生日期不能晚于今天")
        return data

    def to_payload(self) -> dict:
        """The calculator's eligibility input (contract: policy-api.md)."""
        d = self.cleaned_data
        listed = d["occupation_listed"] == "listed"
        team = (
            None
            if d.get("team_size") is None
            else [{"name": f"成员{i + 1}", "formal_employee": True} for i in range(d["team_size"])]
        )
        code = (d.get("occupation_code") or "").strip() if listed else None
        known = _tri(d.get("leader_has_studio")) is not None and _tri(d.get("scope_has_studio")) is not None
        existing = [] if known else None  # 不确定 → the engine reports Art. 7 as unknown
        if _tri(d.get("leader_has_studio")):
            existing.append(
                {
                    "leader_id_number": None,
                    "leader_name": "本人",
                    "credit_code": OTHER_CODE,
                    "branch": None,
                    "occupation_code": code,
                    "occupation_name": d.get("occupation_name") or None,
                }
            )
        if _tri(d.get("scope_has_studio")):
            existing.append(
                {
                    "leader_id_number": None,
                    "leader_name": "另一位领办人",
                    "credit_code": SELF_CODE,
                    "branch": d.get("branch") or None,
                    "occupation_code": code,
                    "occupation_name": d.get("occupation_name") or None,
                }
            )
        return {
            "as_of": d["as_of"].isoformat(),
            "unit": {
                "name": "自测单位",
                "credit_code": SELF_CODE,
                "kind": d["unit_kind"],
                "in_etown": _tri(d.get("in_etown")),
                "lawful_operation": _tri(d.get("lawful_operation")),
                "has_talent_pipeline": _tri(d.get("has_talent_pipeline")),
                "has_talent_systems": _tri(d.get("has_talent_systems")),
                "has_stable_funding": _tri(d.get("has_stable_funding")),
                "has_facilities": _tri(d.get("has_facilities")),
                "has_management_rules": _tri(d.get("has_management_rules")),
                "branch": d.get("branch") or None,
            },
            "leader": {
                "name": "本人",
                "id_number": None,
                "birth_date": d["birth_date"].isoformat() if d.get("birth_date") else None,
                "gender": d.get("gender") or None,
                "original_retirement_age": d.get("original_retirement_age"),
                "employed": _tri(d.get("employed")),
                "frontline": _tri(d.get("frontline")),
                "frontline_years": d.get("frontline_years"),
                "occupation_code": code or None,
                "occupation_name": d.get("occupation_name") or None,
                "skill_level": d.get("skill_level") or None,
                "honors": list(d.get("honors") or []),
                "practical_mastery": None,
            },
            "team": team,
            "existing_studios": existing,
        }
