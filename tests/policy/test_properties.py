"""Properties that must hold for every input, checked with generated applications and funding histories."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from masterstudio.policy import run
from masterstudio.policy.skills import CODES, rank

from .helpers import application

tri = st.sampled_from([True, False, None])


@st.composite
def applications(draw):
    """Listed-route applications varying every fact eligibility reads."""
    doc = application("listed")
    doc["as_of"] = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31))).isoformat()
    for key in (
        "in_etown",
        "lawful_operation",
        "has_talent_pipeline",
        "has_talent_systems",
        "has_stable_funding",
        "has_facilities",
        "has_management_rules",
    ):
        doc["unit"][key] = draw(tri)
    doc["unit"]["kind"] = draw(st.sampled_from(["enterprise", "institution", "other", None]))
    doc["unit"]["branch"] = draw(st.sampled_from([None, "一分厂"]))
    leader = doc["leader"]
    leader["birth_date"] = draw(st.dates(date(1955, 1, 1), date(1995, 12, 31))).isoformat()
    leader["gender"] = draw(st.sampled_from(["male", "female", None]))
    leader["original_retirement_age"] = draw(st.sampled_from([50, 55, None]))
    leader["employed"] = draw(tri)
    leader["frontline"] = draw(tri)
    leader["occupation_code"] = draw(st.sampled_from(["6-18-01-01", "4-04-05-05", "2-02-01-01", "3-01-01-01"]))
    leader["occupation_name"] = None
    leader["honors"] = draw(
        st.lists(
            st.sampled_from(["china_skill_award", "worldskills_beijing_expert_or_coach", "time_honored_craftsman"]),
            max_size=2,
        )
    )
    doc["team"] = [{"name": f"成员{i}", "formal_employee": draw(tri)} for i in range(draw(st.integers(0, 5)))]
    doc["existing_studios"] = draw(
        st.sampled_from(
            [
                None,
                [],
                [
                    {
                        "leader_name": "某某",
                        "credit_code": "91110302MA01ABCD0Y",
                        "branch": None,
                        "occupation_code": "6-18-01-01",
                    }
                ],
                [
                    {
                        "leader_name": "张某",
                        "credit_code": "91110302MA02ABCD9D",
                        "branch": None,
                        "occupation_code": "6-18-01-02",
                    }
                ],
            ]
        )
    )
    return doc


def _results(doc):
    result = run("eligibility", doc)
    return result["outcome"], {c["clause"]: c["result"] for c in result["checks"]}


@settings(max_examples=300, deadline=None)
@given(doc=applications(), low=st.sampled_from(CODES), high=st.sampled_from(CODES))
def test_raising_the_skill_level_never_turns_a_pass_into_a_fail(doc, low, high):
    if rank(low) > rank(high):
        low, high = high, low
    doc["leader"]["skill_level"] = low
    outcome_low, results_low = _results(doc)
    doc["leader"]["skill_level"] = high
    outcome_high, results_high = _results(doc)
    for clause, result in results_low.items():
        if result == "pass":
            assert results_high[clause] != "fail", clause
    if outcome_low == "eligible":
        assert outcome_high == "eligible"


@settings(max_examples=200, deadline=None)
@given(doc=applications(), known=st.sampled_from(["technician", "senior", "chief_technician"]))
def test_an_unknown_skill_level_is_never_more_decisive_than_a_known_one(doc, known):
    doc["leader"]["skill_level"] = None
    outcome_unknown, _ = _results(doc)
    doc["leader"]["skill_level"] = known
    outcome_known, _ = _results(doc)
    if outcome_unknown == "ineligible":
        assert outcome_known == "ineligible"
    if outcome_known == "eligible":
        assert outcome_unknown in {"eligible", "undetermined"}


@st.composite
def funding_histories(draw):
    recognized = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
    as_of = recognized + timedelta(days=draw(st.integers(0, 1500)))
    assessments = []
    for year in range(recognized.year, min(as_of.year, 2027) + 1):
        on = date(year + 1, 1, draw(st.integers(5, 25)))
        if on >= recognized:
            assessments.append(
                {
                    "year": year,
                    "grade": draw(st.sampled_from(["excellent", "qualified", "unqualified"])),
                    "on": on.isoformat(),
                }
            )
    titles = [
        {"level": level, "on": (recognized + timedelta(days=draw(st.integers(0, 1200)))).isoformat()}
        for level in draw(st.lists(st.sampled_from(["national", "beijing"]), max_size=3))
    ]
    revoked = recognized + timedelta(days=draw(st.integers(0, (as_of - recognized).days)))
    return {
        "as_of": as_of.isoformat(),
        "recognized_on": recognized.isoformat(),
        "assessments": assessments,
        "titles": titles,
    }, revoked.isoformat()


@settings(max_examples=300, deadline=None)
@given(history=funding_histories())
def test_revocation_never_increases_the_total_paid(history):
    payload, revoked_on = history
    without = run("funding", {**payload, "revoked_on": None})
    revoked = run("funding", {**payload, "revoked_on": revoked_on})
    assert Decimal(revoked["total"]) <= Decimal(without["total"])
    assert Decimal(revoked["net"]) <= Decimal(without["net"])
    recovery = revoked["recovery"]
    assert Decimal("0") <= Decimal(recovery["amount"]) <= Decimal(revoked["total"])
    assert recovery["cycle_start"] <= revoked_on <= recovery["cycle_end"]
    assert sum(Decimal(a["amount"]) for a in revoked["awards"]) == Decimal(revoked["total"])
