"""Issue 17, section 3: the leader's conditions the calculator misread, and the input it let through."""

from __future__ import annotations

from pathlib import Path

import pytest

from masterstudio.policy import PolicyInputError, load_parameters, run

from .helpers import application, id_number


def checks_of(answer: dict) -> dict:
    return {check["clause"]: check for check in answer["checks"]}


def ask(payload, **params):
    pset = load_parameters().with_overrides(params) if params else None
    return run("eligibility", payload, params=pset)


# -- Art. 5 direct recognition (3): an 优秀高技能人才, and an open list ----------------------------------
def test_a_time_honoured_craftsman_who_is_a_junior_worker_is_not_directly_recognised():
    answer = ask(application(set_={"leader.honors": ["time_honored_craftsman"], "leader.skill_level": "junior"}))
    checks = checks_of(answer)
    assert answer["direct_recognition"] is False
    assert checks["5.1"]["result"] == "pass" and checks["5.2"]["result"] == "fail"
    assert "5.d3" not in checks  # an alternative the leader does not meet is not a failed condition
    assert answer["outcome"] == "ineligible" and answer["failed_clauses"] == ["5.2"]
    assert any("不是高技能人才" in note and "初级工" in note for note in answer["notes"])


def test_a_time_honoured_craftsman_of_senior_level_is_directly_recognised():
    answer = ask(application(set_={"leader.honors": ["time_honored_craftsman"], "leader.skill_level": "senior"}))
    checks = checks_of(answer)
    assert answer["direct_recognition"] is True and checks["5.d3"]["result"] == "pass"
    assert "direct_recognition_high_skill_level" in checks["5.d3"]["interpretations"]
    assert checks["5.2"]["result"] == "waived" and answer["outcome"] == "eligible"


def test_the_craftsman_without_a_skill_level_awaits_it():
    answer = ask(application(set_={"leader.honors": ["老字号工匠"], "leader.skill_level": None}))
    checks = checks_of(answer)
    assert checks["5.d3"]["result"] == "unknown" and "leader.skill_level" in checks["5.d3"]["missing_facts"]
    assert answer["outcome"] == "undetermined"


def test_an_unlisted_honour_is_unknown_for_staff_to_judge_not_an_error():
    # 高级工: 5.2 fails on the level, so the honour would decide the application.
    answer = ask(application(set_={"leader.honors": ["北京大工匠"], "leader.skill_level": "senior"}))
    checks = checks_of(answer)
    assert checks["5.d3"]["result"] == "unknown"
    assert "北京大工匠" in checks["5.d3"]["message"] and "工作人员判断" in checks["5.d3"]["message"]
    assert checks["5.d3"]["missing_facts"] == ["leader.honors.0"]
    assert checks["5.2"]["result"] == "unknown" and "直接认定" in checks["5.2"]["message"]
    assert answer["outcome"] == "undetermined"
    assert "direct_recognition_other_honours" in answer["interpretations"]


def test_an_unlisted_honour_under_listed_only_is_not_a_direct_recognition():
    answer = ask(
        application(set_={"leader.honors": ["北京大工匠"], "leader.skill_level": "senior"}),
        direct_recognition_other_honours="listed_only",
    )
    assert answer["direct_recognition"] is False and answer["failed_clauses"] == ["5.2"]


def test_a_misspelt_honour_code_is_still_refused():
    with pytest.raises(PolicyInputError, match="中文全称") as refused:
        ask(application(set_={"leader.honors": ["time_honoured_craftsman"]}))
    assert refused.value.field == "leader.honors.0"


# -- which parts of Art. 5 direct recognition waives (interpretation 2) --------------------------------
def test_the_waiver_states_its_consequence_for_a_professional_occupation():
    answer = ask(
        application(
            set_={
                "leader.honors": ["china_skill_award"],
                "leader.occupation_code": "2-02-01-01",
                "leader.occupation_name": None,
            }
        )
    )
    check = checks_of(answer)["5.2"]
    assert check["result"] == "waived"
    assert "不是技能类职业" in check["message"] and "若不免除，本项为“不符合”" in check["message"]
    assert [part["would_be"] for part in check["parts"]] == ["fail", "pass"]


def test_5_3_is_two_tests_so_the_retirement_test_alone_can_be_waived():
    payload = application(set_={"leader.honors": ["china_skill_award"], "leader.birth_date": "1967-09-29"})
    default = checks_of(ask(payload))["5.3"]
    assert default["result"] == "fail" and [p["test"] for p in default["parts"]] == ["retirement", "employment"]
    waived = checks_of(ask(payload, direct_recognition_waives=["5.1", "5.2", "5.3.retirement"]))["5.3"]
    assert waived["result"] == "pass"
    assert "距法定退休年龄2年以上（含2年）" in waived["message"] and "若不免除，本项为“不符合”" in waived["message"]
    not_employed = dict(payload, leader=dict(payload["leader"], employed=False))
    still = checks_of(ask(not_employed, direct_recognition_waives=["5.1", "5.2", "5.3.retirement"]))["5.3"]
    assert still["result"] == "fail" and "不是在职在聘人员" in still["message"]


def test_the_skill_type_test_alone_can_be_kept():
    payload = application(
        set_={
            "leader.honors": ["china_skill_award"],
            "leader.occupation_code": "2-02-01-01",
            "leader.occupation_name": None,
            "leader.skill_level": "junior",
        }
    )
    answer = ask(payload, direct_recognition_waives=["5.1", "5.2.level"])
    check = checks_of(answer)["5.2"]
    assert check["result"] == "fail" and "不是技能类职业" in check["message"]


# -- Art. 6(一): on the front line now (interpretation 23) ---------------------------------------------
def test_the_front_line_now_is_a_named_interpretation():
    payload = application("unlisted", {"leader.frontline": False, "leader.frontline_years": 5})
    default = ask(payload)
    check = checks_of(default)["6.1"]
    assert check["result"] == "fail" and "解释口径23" in check["message"]
    assert "unlisted_frontline_current" in default["interpretations"]
    relaxed = checks_of(ask(payload, unlisted_frontline_current="years_only"))["6.1"]
    assert relaxed["result"] == "pass" and relaxed["interpretations"] == ["unlisted_frontline_current"]


# -- input that was let through ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,payload,field",
    [
        ("eligibility", lambda: application(set_={"leader.birthdate": "1975-03-08"}), "leader.birthdate"),
        ("eligibility", lambda: application(set_={"team.0.formal": True}), "team.0.formal"),
        ("eligibility", lambda: application(set_={"asof": "2026-06-30"}), "asof"),
        (
            "funding",
            lambda: {
                "as_of": "2026-12-31",
                "recognized_on": "2024-06-20",
                "assesments": [{"year": 2024, "grade": "excellent", "on": "2025-01-15"}],
            },
            "assesments",
        ),
        (
            "funding",
            lambda: {
                "as_of": "2026-12-31",
                "recognized_on": "2024-06-20",
                "titles": [{"level": "beijing", "date": "2025-09-01"}],
            },
            "titles.0.date",
        ),
        ("deadline", lambda: {"kind": "public_notice", "start": "2026-09-28", "days": 5}, "days"),
    ],
)
def test_unknown_fields_are_refused_naming_them(name, payload, field):
    with pytest.raises(PolicyInputError, match="不认识的字段") as refused:
        run(name, payload())
    assert refused.value.code == "invalid_input" and refused.value.field == field


def test_a_misspelt_field_suggests_the_right_one():
    with pytest.raises(PolicyInputError, match="是否应为 assessments") as refused:
        run("funding", {"as_of": "2026-12-31", "recognized_on": "2024-06-20", "assesments": []})
    assert refused.value.field == "assesments"


@pytest.mark.parametrize("base,value", [("listed", "5"), ("unlisted", "3"), ("unlisted", " 4 ")])
def test_numbers_given_as_strings_are_refused(base, value):
    with pytest.raises(PolicyInputError, match="应为数字（不加引号") as refused:
        ask(application(base, {"leader.frontline_years": value}))
    assert refused.value.field == "leader.frontline_years"


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(PolicyInputError, match="晚于今天") as refused:
        ask(application(set_={"as_of": "2030-06-30", "leader.birth_date": "2027-03-01"}))
    assert refused.value.field == "leader.birth_date"
    with pytest.raises(PolicyInputError, match="晚于今天") as refused:
        run("retirement", {"birth_date": "2027-03-01", "gender": "male"})
    assert refused.value.field == "birth_date"


def test_an_id_number_birth_date_in_the_future_is_refused():
    future = id_number("2027-03-01", male=True)
    with pytest.raises(PolicyInputError, match="身份证号中的出生日期 2027-03-01 晚于今天") as refused:
        ask(
            application(
                set_={
                    "as_of": "2030-06-30",
                    "leader.id_number": future,
                    "leader.birth_date": None,
                    "leader.gender": None,
                }
            )
        )
    assert refused.value.field == "leader.id_number"
    with pytest.raises(PolicyInputError, match="晚于今天") as refused:
        run("retirement", {"id_number": future})
    assert refused.value.field == "id_number"


def test_the_coverage_report_lists_every_interpretation_with_its_choices():
    report = (Path(__file__).resolve().parents[2] / "docs" / "policy-coverage.md").read_text(encoding="utf-8")
    section = report.split("## Interpretations", 1)[1]
    for number, parameter in load_parameters().interpretations().items():
        assert f"| {number} | `{parameter.name}` |" in section
        for choice in parameter.choices or ():
            assert f"`{choice}`" in section
    assert "`years_only`" in section and "`5.3.retirement`" in section and "`listed_only`" in section
