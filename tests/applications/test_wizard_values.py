"""The wizard's rules at the level of values (issue 19.4): ``read_draft`` reads a stored draft
without a form, the form shows exactly its messages, and submission applies it to the draft as
stored, under the row lock."""

from __future__ import annotations

import pytest

from masterstudio.applications import services
from masterstudio.applications.forms import ApplicationForm
from masterstudio.applications.wizard import read_draft
from tests.factories.applications import make_people, ready_application, wizard_data


def test_the_final_reading_asks_for_what_the_bureau_needs(unit_a):
    draft = read_draft({}, unit=unit_a, final=True)
    for name in ("scope", "leader", "route", "frontline_years", "cond_lawful_operation"):
        assert draft.errors[name], name
    assert read_draft({}, unit=unit_a).errors == {}  # an autosave checks formats only


def test_values_are_cleaned_and_fields_to_fix_left_out(unit_a):
    leader, team = make_people(unit_a)
    typed = {**wizard_data(leader=leader, team=team), "frontline_years": ["十二"], "autosave_seq": ["7"]}
    draft = read_draft(typed, unit=unit_a)
    assert draft.errors == {"frontline_years": ["一线工作年限请填写整数年，如 12"]}
    assert "frontline_years" not in draft.values and draft.typed["frontline_years"] == ["十二"]
    assert draft.values["leader"] == leader and draft.values["team"] == team and draft.autosave_seq == 7
    assert draft.values["occupation_name"] == "车工"  # the catalogue's name for the code


def test_the_form_shows_the_rules_messages(unit_a):
    leader, _ = make_people(unit_a)
    typed = wizard_data(leader=leader, team=[leader], route="", frontline_years="99")
    form = ApplicationForm(typed, unit=unit_a, final=True)
    assert not form.is_valid()
    assert dict(form.errors) == read_draft(typed, unit=unit_a, final=True).errors
    assert form.errors["team"] == [f"领办人“{leader.name}”不能同时列为团队成员（团队为领办人以外的人员）"]


def test_submission_reads_the_stored_draft_again(cast, unit_a):
    app = ready_application(unit_a, cast["unit_a"])
    app.draft = {**app.draft, "leader": ["999999"]}  # the stored draft names someone not of the unit
    app.save(update_fields=["draft"])
    with pytest.raises(services.ApplyError, match="填报内容尚不完整或有误"):
        services.submit(app.pk, actor=cast["unit_a"])
