"""Every clause of the Measures is covered by a rule and a test case, or says why it cannot be."""

from __future__ import annotations

from pathlib import Path

from masterstudio.policy.coverage import collect, gaps, main, to_markdown, unknown_clause_references

from .helpers import CASES_DIR

REPORT = Path(__file__).resolve().parents[2] / "docs" / "policy-coverage.md"


def test_no_clause_is_left_uncovered():
    missing = gaps(collect(CASES_DIR))
    assert not missing, [f"{e.id}: {e.problem}" for e in missing]


def test_cases_only_name_existing_clauses():
    assert unknown_clause_references(CASES_DIR) == []


def test_every_computable_contract_clause_has_a_rule_and_a_case():
    report = {e.id: e for e in collect(CASES_DIR)}
    assert report["5.3"].rules and report["5.3"].tests
    assert "masterstudio.policy.eligibility.art5_6.check_employment_and_retirement" in report["6.3"].rules
    assert report["19"].status == "not_computable"


def test_a_missing_case_is_reported_as_a_gap(tmp_path):
    (tmp_path / "only.yaml").write_text(
        "suite: eligibility\ncases:\n  - {name: x, clause: '4.1', expect: {}}\n", encoding="utf-8"
    )
    report = collect(tmp_path)
    missing = {e.id for e in gaps(report)}
    assert "4.2" in missing and "4.1" not in missing
    assert "**GAP**" in to_markdown(report)
    assert main(["--cases", str(tmp_path)]) == 1


def test_committed_report_is_current():
    assert REPORT.read_text(encoding="utf-8") == to_markdown(collect(CASES_DIR)), (
        "docs/policy-coverage.md is stale: run `python -m masterstudio.policy.coverage --write docs/policy-coverage.md`"
    )
