"""Runs every data-table case of tests/policy/cases/*.yaml through the engine's public door.

Suites eligibility, funding, deadline, retirement and identity go through ``run(name, payload)``
exactly as the command line and HTTP do; revocation and spending call their modules. A case names
its clause(s) (``clause:``), which ``coverage`` counts.
"""

from __future__ import annotations

import json

import pytest

from masterstudio.policy import PolicyInputError, load_parameters, run
from masterstudio.policy.revocation import revocation_grounds
from masterstudio.policy.spending import check_expense

from .helpers import application, load_cases

CASES = load_cases()


def _params(case: dict):
    overrides = case.get("params_overrides")
    return load_parameters().with_overrides(overrides) if overrides else None


def _payload(suite: str, case: dict):
    if suite == "eligibility" and "input" not in case:
        return application(case.get("base", "listed"), case.get("set"), case.get("unset"))
    return case.get("input")


def _answer(suite: str, case: dict):
    payload = _payload(suite, case)
    if suite == "revocation":
        return revocation_grounds(payload, _params(case))
    if suite == "spending":
        return check_expense(**payload, params=_params(case))
    # The wrappers pass JSON text or parsed JSON; go through JSON so that only JSON types arrive.
    return run(
        suite,
        json.loads(json.dumps(payload, ensure_ascii=False)),
        params=_params(case),
        calendar_overrides=case.get("calendar_overrides"),
        extra_occupations=case.get("extra_occupations"),
    )


def _first_clause(case: dict) -> str | None:
    clause = case.get("clause")
    return clause[0] if isinstance(clause, list) else clause


@pytest.mark.parametrize("filename,suite,case", CASES, ids=[f"{f}::{c['name']}" for f, _, c in CASES])
def test_case(filename: str, suite: str, case: dict) -> None:
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(PolicyInputError) as raised:
            _answer(suite, case)
        error = raised.value.to_dict()["error"]
        assert error["code"] == expect["error"]["code"], error
        assert error["field"] == expect["error"]["field"], error
        assert error["message"], "an error must say what to fix"
        for text in expect.get("message_contains", ()):
            assert text in error["message"], error["message"]
        return

    result = _answer(suite, case)
    json.dumps(result, ensure_ascii=False)  # every answer is JSON-serialisable as it is
    checked = 0
    if suite == "eligibility":
        checked += _check_eligibility(case, expect, result)
    elif suite == "revocation":
        for clause, wanted in expect.get("results", {}).items():
            ground = next(g for g in result["grounds"] if g["clause"] == clause)
            assert ground["result"] == wanted, ground
            checked += 1
        for path in expect.get("missing_facts_include", ()):
            assert path in result["missing_facts"], result["missing_facts"]
            checked += 1
        if "outcome" in expect:
            assert result["outcome"] == expect["outcome"]
            checked += 1
    else:
        for key, wanted in expect.items():
            if key == "award_clauses":
                assert [a["clause"] for a in result["awards"]] == wanted, result["awards"]
            elif key == "excluded_count":
                assert len(result["excluded"]) == wanted, result["excluded"]
            elif isinstance(wanted, dict) and isinstance(result.get(key), dict):
                for sub, value in wanted.items():
                    assert result[key][sub] == value, (key, sub, result[key])
            else:
                assert result[key] == wanted, (key, result.get(key))
            checked += 1
    assert checked, "a case must check something"


def _check_eligibility(case: dict, expect: dict, result: dict) -> int:
    checks = {c["clause"]: c for c in result["checks"]}
    clause = _first_clause(case)
    checked = 0
    if "result" in expect or "message_contains" in expect or "facts" in expect:
        assert clause in checks, f"no check for {clause}: {list(checks)}"
        check = checks[clause]
        if "result" in expect:
            assert check["result"] == expect["result"], check
            checked += 1
        for text in expect.get("message_contains", ()):
            assert text in check["message"], check["message"]
            checked += 1
        for key, value in expect.get("facts", {}).items():
            assert check["facts"][key] == value, (key, check["facts"])
            checked += 1
    for key in (
        "outcome",
        "route",
        "direct_recognition",
        "failed_clauses",
        "unknown_clauses",
        "missing_facts",
        "interpretations",
    ):
        if key in expect:
            assert result[key] == expect[key], (key, result[key])
            checked += 1
    if "checks" in expect:
        assert [c["clause"] for c in result["checks"]] == expect["checks"]
        checked += 1
    for other, wanted in expect.get("results", {}).items():
        assert checks[other]["result"] == wanted, checks[other]
        checked += 1
    if "materials" in expect:
        assert [m["clause"] for m in result["required_materials"]] == expect["materials"]
        checked += 1
    if "material_titles" in expect:
        assert [m["title"] for m in result["required_materials"]] == expect["material_titles"]
        checked += 1
    if "materials_note" in expect:
        assert result["required_materials"][0]["note"] == expect["materials_note"]
        checked += 1
    for text in expect.get("notes_contain", ()):
        assert any(text in note for note in result["notes"]), result["notes"]
        checked += 1
    # Invariants of every eligibility answer (contract).
    failed = sorted({c["clause"] for c in result["checks"] if c["result"] == "fail"})
    unknown = sorted({c["clause"] for c in result["checks"] if c["result"] == "unknown"})
    assert result["failed_clauses"] == failed
    assert result["unknown_clauses"] == unknown
    assert result["outcome"] == ("ineligible" if failed else "undetermined" if unknown else "eligible")
    assert result["checks"][-1]["clause"] == "20"
    for check in result["checks"]:
        assert check["result"] in {"pass", "fail", "unknown", "waived"}
        assert check["message"]
        if check["result"] == "unknown":
            assert check["missing_facts"], check
    return checked
