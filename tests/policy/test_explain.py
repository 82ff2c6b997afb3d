"""Readable Chinese renderings."""

from __future__ import annotations

from masterstudio.policy import run
from masterstudio.policy.explain import clause_text, render, render_eligibility

from .helpers import application


def test_eligible_application_reads_like_a_decision():
    text = render_eligibility(run("eligibility", application()))
    assert text.startswith("申报资格：符合申报条件")
    assert "[通过] 第4条第（5）项：团队正式员工 3 人" in text
    assert "[通过] 第五条第（三）项：法定退休日期 2037-10-08" in text
    assert "1. 领办人国家职业资格或技能等级证书等证明材料" in text
    assert "解释口径1（reference_date）" in text
    assert "解释口径8（skill_type_major_groups）" in text


def test_undetermined_application_lists_what_to_supply():
    text = render("eligibility", run("eligibility", application("unlisted", {"leader.practical_mastery": None})))
    assert "尚不能确定" in text
    assert "[待定] 第六条第（二）项" in text
    assert "请补充以下信息后重新计算：leader.practical_mastery" in text


def test_direct_recognition_is_shown():
    text = render_eligibility(run("eligibility", application(set_={"leader.honors": ["china_skill_award"]})))
    assert "领办人符合直接认定条件" in text
    assert "[免于适用] 第五条第（一）项" in text


def test_other_answers_render():
    funding = run("funding", {"as_of": "2026-12-31", "recognized_on": "2024-06-20", "revoked_on": "2026-01-01"})
    assert "合计：200000.00 元" in render("funding", funding)
    assert "应追回" in render("funding", funding)
    notice = run("deadline", {"kind": "public_notice", "start": "2026-09-28"})
    assert render("deadline", notice).startswith("截止日：2026-10-09")
    retire = run("retirement", {"birth_date": "1967-05-12", "gender": "male"})
    assert render("retirement", retire) == "法定退休年龄 60周岁8个月（延迟 8 个月），法定退休日期 2028-01-12"
    assert (
        render("identity", run("identity", {"id_number": "11010519491231002X"})) == "有效：出生日期 1949-12-31，性别女"
    )
    assert render("identity", run("identity", {"id_number": "110105194912310021"})) == "无效：校验码错误"


def test_clause_text():
    assert clause_text("4.5").startswith("第4条第（5）项：除领办人外")
