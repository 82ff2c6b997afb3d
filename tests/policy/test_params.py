"""Dated parameters: every value cites a clause, has a date and a note; sets are cached; what-if copies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from masterstudio.policy import PolicyInputError, load_parameters
from masterstudio.policy.clauses import measures
from masterstudio.policy.params import PARAMETERS_DIR, available_sets

INTERPRETATIONS = {
    1: "reference_date",
    2: "direct_recognition_waives",
    3: "practical_mastery_judgement",
    4: "public_notice_counting",
    5: "annual_summary_deadline",
    6: "funding_cycle_years",
    7: "award_frequency",
    8: "skill_type_major_groups",
    9: "studio_scope_key",
    10: "validity_cutoff",
    21: "direct_recognition_high_skill_level",  # issue 17: Art. 5 (3) and Art. 6(一)
    22: "direct_recognition_other_honours",
    23: "unlisted_frontline_current",
    24: "title_before_recognition",
    25: "recovery_cycle_start",
    26: "recovered_funds",
}


def test_default_set_values():
    p = load_parameters()
    assert p.name == "measures-2026-draft"
    assert p.get("initial_grant_amount") == Decimal("200000.00")
    assert p.get("excellent_reward_amount") == Decimal("100000.00")
    assert p.get("national_title_reward_amount") == Decimal("200000.00")
    assert p.get("beijing_title_reward_amount") == Decimal("100000.00")
    assert p.get("team_min_size") == 3
    assert p.get("retirement_min_years") == 2
    assert p.get("unlisted_frontline_min_years") == 3
    assert p.get("public_notice_working_days") == 5
    assert p.get("annual_summary_deadline") == "12-15"
    assert p.get("funding_cycle_years") == 3
    assert p.valid_until == date(2027, 1, 10)
    assert p.get("skill_type_major_groups") == (3, 4, 5, 6)
    assert p.get("min_skill_level") == "technician"
    assert p.get("fixed_asset_threshold") == Decimal("1000.00")


def test_the_ten_interpretations_are_named_parameters():
    assert {n: p.name for n, p in load_parameters().interpretations().items()} == INTERPRETATIONS


def test_amounts_are_strings_in_the_data_files():
    raw = yaml.safe_load((PARAMETERS_DIR / "measures-2026-draft" / "funding.yaml").read_text(encoding="utf-8"))
    for name in (
        "initial_grant_amount",
        "excellent_reward_amount",
        "national_title_reward_amount",
        "beijing_title_reward_amount",
    ):
        assert all(isinstance(v["value"], str) for v in raw[name]["values"])


def test_every_value_has_date_citation_and_note():
    ids = set(measures().by_id)
    for set_name in available_sets():
        for parameter in load_parameters(set_name).parameters.values():
            assert parameter.description
            for value in parameter.values:
                assert isinstance(value.effective_from, date)
                assert value.citation in ids, (parameter.name, value.citation)
                assert value.note


def test_value_lookup_is_by_date():
    p = load_parameters()
    assert p.get("team_min_size", date(2026, 6, 30)) == 3
    with pytest.raises(PolicyInputError):
        p.get("team_min_size", date(2023, 12, 31))


def test_sets_are_parsed_once():
    assert load_parameters() is load_parameters()
    assert load_parameters() is load_parameters("measures-2026-draft")


def test_unknown_set_is_refused():
    with pytest.raises(PolicyInputError) as raised:
        load_parameters("no-such-set")
    assert raised.value.field == "params"


def test_with_overrides_builds_an_edited_copy_with_its_own_version():
    base = load_parameters()
    edited = base.with_overrides({"team_min_size": 4, "initial_grant_amount": "250000"})
    assert edited.get("team_min_size") == 4
    assert edited.get("initial_grant_amount") == Decimal("250000.00")
    assert base.get("team_min_size") == 3
    assert edited.version != base.version and "+whatif" in edited.version
    assert edited.overridden == ("initial_grant_amount", "team_min_size")
    assert base.with_overrides({"team_min_size": 4}).version == base.with_overrides({"team_min_size": 4}).version


def test_with_overrides_accepts_dated_values():
    edited = load_parameters().with_overrides(
        {
            "team_min_size": [
                {"effective_from": "2024-01-01", "value": 3, "note": "旧"},
                {"effective_from": "2027-01-01", "value": 5, "note": "新"},
            ]
        }
    )
    assert edited.get("team_min_size", date(2026, 12, 31)) == 3
    assert edited.get("team_min_size", date(2027, 1, 1)) == 5


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"team_size": 4}, "overrides.team_size"),
        ({"team_min_size": "4"}, "overrides.team_min_size"),
        ({"team_min_size": -1}, "overrides.team_min_size"),
        ({"initial_grant_amount": 250000.5}, "overrides.initial_grant_amount"),
        ({"initial_grant_amount": "20万"}, "overrides.initial_grant_amount"),
        ({"min_skill_level": "master"}, "overrides.min_skill_level"),
        ({"studio_scope_key": "whatever"}, "overrides.studio_scope_key"),
        ({"direct_recognition_waives": ["4.1"]}, "overrides.direct_recognition_waives"),
        ({"annual_summary_deadline": "12-32"}, "overrides.annual_summary_deadline"),
        ({"valid_until": "2027-02-30"}, "overrides.valid_until"),
        ({"team_min_size": [{"value": 4}]}, "overrides.team_min_size.0"),
    ],
)
def test_bad_overrides(overrides, field):
    with pytest.raises(PolicyInputError) as raised:
        load_parameters().with_overrides(overrides)
    assert raised.value.code == "invalid_input"
    assert raised.value.field == field


def test_parameter_files_are_data_only():
    for path in Path(PARAMETERS_DIR).rglob("*"):
        if path.is_file():
            assert path.suffix == ".yaml", path
