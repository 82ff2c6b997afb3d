"""Issue 17, section 4: an occupation of the 大典 that the data lacks is for staff to confirm, not Art. 6."""

from __future__ import annotations

import pytest

from masterstudio.policy import PolicyInputError, run
from masterstudio.policy.occupations import load_catalogue

from .helpers import application


@pytest.mark.parametrize("code", ["4-01-02-02", "4-10-01-02", "6-09-03-05", "6-31-07-06"])
def test_a_code_in_a_gap_of_the_numbering_is_to_confirm(code):
    answer = run("eligibility", application(set_={"leader.occupation_code": code, "leader.occupation_name": "某职业"}))
    checks = {c["clause"]: c for c in answer["checks"]}
    assert answer["route"] == "listed"  # not steered to Art. 6 (unlisted)
    assert checks["5.2"]["result"] == "unknown" and "工作人员将核实" in checks["5.2"]["message"]
    assert "leader.occupation_code" in answer["missing_facts"]
    assert answer["outcome"] == "undetermined"
    assert answer["occupation"] == {"code": code, "name": "某职业", "catalogue": "to_confirm"}
    assert any("工作人员将核实并补录" in note for note in answer["notes"])


def test_once_staff_add_it_the_pre_check_answers():
    payload = application(set_={"leader.occupation_code": "4-01-02-02", "leader.occupation_name": None})
    answer = run("eligibility", payload, extra_occupations=[{"code": "4-01-02-02", "name": "补录职业"}])
    assert answer["outcome"] == "eligible" and answer["occupation"]["name"] == "补录职业"


@pytest.mark.parametrize("code", ["6-18-01-99", "6-18-01-40", "6-99-99-99", "6-18-01-00"])
def test_codes_outside_the_numbering_stay_unknown_occupation(code):
    with pytest.raises(PolicyInputError, match="职业") as refused:
        run("eligibility", application(set_={"leader.occupation_code": code}))
    assert refused.value.code == "unknown_occupation"


def test_the_shipped_additions_with_their_codes():
    catalogue = load_catalogue()
    assert catalogue.get("4-01-06-03").name == "跨境电商运营管理师" and catalogue.get("4-01-06-03").marks == "S"
    assert catalogue.get("6-02-06-13").name == "咖啡加工工" and catalogue.get("6-02-06-13").source_year == 2025
    assert catalogue.get("6-31-07-04").marks == "S"
    assert len(catalogue.occupations()) == 1631 + 7
