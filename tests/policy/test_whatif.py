"""What-if comparisons between two parameter sets."""

from __future__ import annotations

from masterstudio.policy import load_parameters
from masterstudio.policy.whatif import compare, render

from .helpers import application


def test_raising_the_team_minimum_changes_only_small_teams():
    base = load_parameters()
    stricter = base.with_overrides({"team_min_size": 4})
    four = application(set_={"team": [{"name": f"成员{i}", "formal_employee": True} for i in range(4)]})
    three = application()
    report = compare([three, four], base, stricter, labels=["三人团队", "四人团队"])
    assert report["evaluated"] == 2
    assert report["outcome_changes"] == 1
    assert report["outcomes_before"] == {"eligible": 2}
    assert report["outcomes_after"] == {"eligible": 1, "ineligible": 1}
    (change,) = [c for c in report["changes"] if c["outcome_changed"]]
    assert change["application"] == "三人团队"
    clause = change["clauses"][0]
    assert (clause["clause"], clause["before"], clause["after"]) == ("4.5", "pass", "fail")
    assert "少于 4 人" in clause["message_after"]
    # The four-person team's 4.5 message changed too (达到 3 人 → 达到 4 人) without changing its outcome.
    unchanged = [c for c in report["changes"] if not c["outcome_changed"]]
    assert unchanged and unchanged[0]["clauses"][0]["after"] == "pass"
    assert report["parameter_changes"][0]["name"] == "team_min_size"
    text = render(report)
    assert "结论改变 1 份" in text and "三人团队" in text


def test_identical_sets_report_no_changes():
    base = load_parameters()
    report = compare([application(), application("unlisted")], base, base)
    assert report["changes"] == [] and report["parameter_changes"] == []


def test_bad_applications_are_reported_not_dropped():
    base = load_parameters()
    report = compare([{"as_of": "2026-02-30"}], base, base.with_overrides({"team_min_size": 4}))
    assert report["evaluated"] == 0
    assert report["errors"][0]["error"]["field"] == "as_of"
