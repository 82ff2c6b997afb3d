"""Policy versions (issue 17): the former Measures, the draft, and the calculator's answers across them.

Pure engine: ``run("funding", …)`` with the shipped versions (the former Measures, whose amounts the
platform does not know, and the draft, whose issue date the text does not give)."""

from __future__ import annotations

from datetime import date

import pytest

from masterstudio.policy import PolicyInputError, load_parameters, params, run
from masterstudio.policy import versions as v


def test_which_version_governs_is_decided_by_date_and_nothing_is_in_force_after_2027_01_10():
    chain = v.builtin()
    assert chain.governing(date(2023, 5, 10)).name == v.FORMER
    assert chain.governing(date(2024, 1, 1)).name == v.DRAFT
    assert chain.governing(date(2027, 1, 10)).name == v.DRAFT
    assert chain.in_force(date(2027, 1, 11)) is None
    assert chain.last_valid_until == date(2027, 1, 10)
    draft = chain.get(v.DRAFT)
    # the text gives no issue date: it is not invented, the assumed start is named with its reason
    assert draft.effective_from is None and draft.start_assumed
    info = draft.info()
    assert info["assumption"] == "draft_issue_date" and "京技管发〔2024〕1号" in info["assumption_reason"]
    assert chain.get(v.FORMER).params is None
    assert not hasattr(params, "DEFAULT_SET")


def test_recording_the_issue_date_moves_the_boundary():
    chain = v.with_issue_date(v.builtin(), v.DRAFT, date(2024, 9, 1))
    assert chain.governing(date(2024, 6, 20)).name == v.FORMER
    assert chain.governing(date(2024, 9, 1)).name == v.DRAFT
    answer = run("funding", {"as_of": "2024-12-31", "recognized_on": "2024-06-20"}, versions=chain)
    assert answer["awards"][0]["amount"] is None


def test_recognition_under_the_former_measures_is_answered_with_an_unknown_amount_not_refused():
    answer = run(
        "funding",
        {
            "as_of": "2026-12-31",
            "recognized_on": "2023-05-10",
            "assessments": [{"year": 2024, "grade": "excellent", "on": "2025-01-15"}],
        },
    )
    initial, excellent = answer["awards"]
    assert initial["clause"] == "14.1" and initial["amount"] is None and initial["amount_source"] == "unknown"
    assert "京技管发〔2024〕1号" in initial["reason"] and initial["version"] == v.FORMER
    assert excellent["amount"] == "100000.00"  # dated under the draft, with the draft's amount
    assert answer["total"] is None and answer["total_known_part"] == "100000.00"
    assert [x["name"] for x in answer["versions"]] == [v.FORMER, v.DRAFT]


def test_the_imported_record_gives_the_former_amount():
    answer = run("funding", {"as_of": "2026-12-31", "recognized_on": "2023-05-10", "initial_amount": "150000.00"})
    assert answer["awards"][0] | {} == {
        "kind": "initial",
        "clause": "14.1",
        "on": "2023-05-10",
        "amount": "150000.00",
        "amount_source": "record",
        "version": v.FORMER,
        "reason": answer["awards"][0]["reason"],
    }
    assert answer["total"] == "150000.00"
    with pytest.raises(PolicyInputError) as refused:
        run("funding", {"as_of": "2026-12-31", "recognized_on": "2023-05-10", "initial_amount": "1.234"})
    assert (refused.value.code, refused.value.field) == ("invalid_input", "initial_amount")


def test_studio_recognised_in_2023_and_revoked_in_2026_recovers_the_whole_cycle_whatever_paid_it():
    payload = {
        "as_of": "2026-12-31",
        "recognized_on": "2023-09-01",
        "assessments": [{"year": 2024, "grade": "excellent", "on": "2025-01-15"}],
        "titles": [{"level": "beijing", "on": "2025-09-01"}],
        "revoked_on": "2026-06-30",
    }
    answer = run("funding", payload)
    recovery = answer["recovery"]
    assert (recovery["cycle_start"], recovery["cycle_end"]) == ("2023-09-01", "2026-08-31")
    assert recovery["clauses"] == ["14.1", "14.2", "15.2"]
    assert recovery["amount"] is None and recovery["amount_known_part"] == "200000.00"
    assert answer["net"] is None
    with_record = run("funding", {**payload, "initial_amount": "200000.00"})
    assert with_record["recovery"]["amount"] == "400000.00" and with_record["net"] == "0.00"
    assert with_record["recovery_version"] == v.DRAFT


def test_title_obtained_before_recognition_is_not_an_error_and_its_reading_is_switchable():
    payload = {
        "as_of": "2026-12-31",
        "recognized_on": "2024-06-20",
        "titles": [{"level": "national", "on": "2024-03-01"}],
        "revoked_on": "2025-01-01",
    }
    answer = run("funding", payload)
    assert [(a["clause"], a["on"], a["amount"]) for a in answer["awards"]] == [
        ("15.1", "2024-03-01", "200000.00"),
        ("14.1", "2024-06-20", "200000.00"),
    ]
    assert "title_before_recognition" in answer["interpretations"]
    assert answer["recovery"]["clauses"] == ["14.1"]  # dated before the first cycle: not recovered
    other = load_parameters().with_overrides({"title_before_recognition": "not_rewarded"})
    answer = run("funding", payload, params=other)
    assert [a["clause"] for a in answer["awards"]] == ["14.1"]
    assert "认定" in answer["excluded"][0]["reason"] and "解释口径24" in answer["excluded"][0]["reason"]


def test_art13_cycle_start_and_recovered_funds_are_named_switchable_interpretations():
    payload = {
        "as_of": "2027-02-01",
        "recognized_on": "2024-06-20",
        "assessments": [{"year": 2025, "grade": "excellent", "on": "2026-01-20"}],
        "titles": [{"level": "beijing", "on": "2026-03-01"}],
        "revoked_on": "2027-02-01",
    }
    default = run("funding", payload)
    assert {"recovery_cycle_start", "recovered_funds"} <= set(default["interpretations"])
    assert default["recovery"]["cycle_start"] == "2024-06-20" and default["recovery"]["amount"] == "400000.00"
    by_year = load_parameters().with_overrides({"recovery_cycle_start": "calendar_year"})
    calendar = run("funding", payload, params=by_year)
    assert (calendar["recovery"]["cycle_start"], calendar["recovery"]["cycle_end"]) == ("2027-01-01", "2029-12-31")
    assert calendar["recovery"]["amount"] == "0.00"
    only = load_parameters().with_overrides({"recovered_funds": "initial_grant_only"})
    grants_only = run("funding", payload, params=only)
    assert grants_only["recovery"]["clauses"] == ["14.1"] and grants_only["recovery"]["amount"] == "200000.00"


def test_a_notice_period_ending_after_the_validity_is_computed_with_a_warning_naming_art_20():
    overrides = {2027: {"holidays": ["2027-01-01"], "workdays": []}}
    answer = run("deadline", {"kind": "public_notice", "start": "2027-01-07"}, calendar_overrides=overrides)
    assert answer["end"] == "2027-01-13"
    assert "第二十条" in answer["warnings"][0] and "2027-01-10" in answer["warnings"][0]
    inside = run("deadline", {"kind": "public_notice", "start": "2026-09-28"})
    assert "warnings" not in inside


def test_a_successor_as_data_answers_facts_dated_under_it():
    draft = load_parameters()
    entries = params.entries_of(draft, date(2026, 6, 30))
    entries["initial_grant_amount"]["value"] = "300000"
    entries["team_min_size"]["value"] = 4
    entries["valid_until"]["value"] = "2029-12-31"
    text = "\n".join(f"第{n}条 ……" for n in range(1, 21))
    successor = params.from_entries(draft, "measures-2027", "2027 年版", text, entries, date(2027, 1, 11))
    chain = v.builtin().plus(
        [v.Version("measures-2027", "2027 年版", "2027", date(2027, 1, 11), date(2029, 12, 31), successor)]
    )
    assert (
        run("funding", {"as_of": "2027-12-31", "recognized_on": "2027-03-01"}, versions=chain)["total"] == "300000.00"
    )
    assert (
        run("funding", {"as_of": "2027-12-31", "recognized_on": "2026-03-01"}, versions=chain)["total"] == "200000.00"
    )
    without_16 = "\n".join(f"第{n}条 ……" for n in range(1, 21) if n != 16)
    with pytest.raises(PolicyInputError, match="fixed_asset_threshold”引用的第16条不在新版本的政策文本中"):
        params.from_entries(draft, "x", "x", without_16, entries, date(2027, 1, 11))


def test_a_studio_revoked_while_the_former_measures_governed_gets_its_cycle_not_an_error():
    answer = run(
        "funding",
        {
            "as_of": "2023-12-31",
            "recognized_on": "2023-03-01",
            "revoked_on": "2023-10-01",
            "initial_amount": "200000.00",
        },
    )
    assert (answer["recovery"]["cycle_start"], answer["recovery"]["cycle_end"]) == ("2023-03-01", "2026-02-28")
    assert answer["recovery"]["amount"] == "200000.00" and answer["net"] == "0.00"
