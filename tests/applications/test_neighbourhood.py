"""What the engine is told about Art. 7 (issue 9 changed how it is queried, not what it finds): live
studios and the round's other open applications of the same unit, or led by the same person
(matched by ID number across units)."""

from __future__ import annotations

import pytest

from masterstudio.applications.facts import existing_studios
from tests.factories import make_person
from tests.factories import selecting as f
from tests.factories.studio_life import make_studio

pytestmark = pytest.mark.django_db


def test_the_same_leader_in_another_unit_and_the_same_unit_are_both_found(cast, unit_a, unit_b):
    application = f.submitted_application(unit_a, cast["unit_a"])
    same_person_elsewhere = make_person(
        unit_b,
        application.leader.name,
        application.leader.birth_date.isoformat(),
        seq=int(application.leader.id_number[14:17]) // 2,
    )
    assert same_person_elsewhere.id_index == application.leader.id_index
    led_elsewhere = make_studio(unit_b, leader=same_person_elsewhere, grant=False)
    in_the_unit = make_studio(unit_a, grant=False, occupation_name="钳工", occupation_code="6-18-02-01")
    unrelated = make_studio(unit_b, grant=False, occupation_name="电工", occupation_code="6-31-01-03")
    found = existing_studios(application)
    assert sorted(row["occupation_name"] for row in found) == sorted(
        [led_elsewhere.occupation_name, in_the_unit.occupation_name]
    )
    assert unrelated.occupation_name not in {row["occupation_name"] for row in found}
    led = next(row for row in found if row["credit_code"] == unit_b.credit_code)
    assert led["leader_id_number"] == application.leader.id_number
