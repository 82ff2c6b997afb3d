"""Every state change through the one door (issue 19.2): every model with a state field has a
declared table in its app's ``states.py``, and its state cannot be written outside
``StateMachine.apply`` — not by ``save()``, ``QuerySet.update()``, ``bulk_update()`` nor
``bulk_create()`` — except through the documented ``transitions.seed(reason)``."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from masterstudio.core import transitions
from masterstudio.core.transitions import StateGuarded, StateWriteOutsideTransition
from tests.factories import make_unit

STATE_FIELD_NAMES = ("state", "status")


def state_models():
    """(model, field) for every installed model with a field named state/status that has choices."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name in STATE_FIELD_NAMES and field.choices:
                found.append((model, field))
    return found


STATE_MODELS = state_models()


def _ids(pair):
    model, field = pair
    return f"{model._meta.label}.{field.name}"


def _other_state(model, field):
    initial = field.get_default()
    return next(value for value, _label in field.choices if value != initial)


def test_the_walk_finds_the_platforms_state_models():
    labels = {_ids(pair) for pair in STATE_MODELS}
    # the walk is not vacuous: the known ones are there (a new one is then held to the same rules)
    assert {"applications.Application.state", "units.Unit.status", "assessments.AssessmentYear.state"} <= labels
    assert len(labels) >= 15


@pytest.mark.parametrize("pair", STATE_MODELS, ids=_ids)
def test_every_state_model_has_its_table_in_its_apps_states_module(pair):
    model, field = pair
    module = importlib.import_module(f"{model._meta.app_config.name}.states")
    machine = transitions.machine_for(model, field.name)
    assert machine is not None, f"{model._meta.label}.{field.name} has no declared StateMachine"
    assert machine in vars(module).values(), f"the table of {model._meta.label} is not declared in {module.__name__}"
    assert machine.table, f"{model._meta.label}: the table is empty"
    values = {value for value, _label in field.choices}
    for source, target in machine.table:
        assert source in values and target in values, (model._meta.label, source, target)


@pytest.mark.parametrize("pair", STATE_MODELS, ids=_ids)
def test_no_state_model_can_have_its_state_written_outside_the_door(pair):
    model, field = pair
    assert issubclass(model, StateGuarded), f"{model._meta.label} does not guard its state field"
    assert model.state_field == field.name
    initial, other = field.get_default(), _other_state(model, field)

    with pytest.raises(StateWriteOutsideTransition):
        model.objects.filter(pk=-1).update(**{field.name: other})
    with pytest.raises(StateWriteOutsideTransition):
        model._default_manager.all().update(**{field.name: other})

    loaded = model.from_db("default", [model._meta.pk.attname, field.attname], [10**9, initial])
    with pytest.raises(StateWriteOutsideTransition):
        model.objects.bulk_update([loaded], [field.name])
    setattr(loaded, field.attname, other)
    with pytest.raises(StateWriteOutsideTransition):
        loaded.save()
    with pytest.raises(StateWriteOutsideTransition):
        loaded.save(update_fields=[field.name])

    with pytest.raises(StateWriteOutsideTransition):
        model(**{field.attname: other}).save()
    with pytest.raises(StateWriteOutsideTransition):
        model.objects.bulk_create([model(**{field.attname: other})])


@pytest.mark.django_db
@pytest.mark.parametrize("pair", STATE_MODELS, ids=_ids)
def test_the_documented_door_lets_fixtures_write_states(pair):
    model, field = pair
    with transitions.seed("test: the seed door opens for fixtures"):
        assert model.objects.filter(pk=-1).update(**{field.name: _other_state(model, field)}) == 0


def test_the_seed_door_needs_its_reason():
    with pytest.raises(ValueError, match="reason"):
        with transitions.seed("  "):
            pass


@pytest.mark.django_db
def test_a_real_row_changes_state_only_through_its_machine():
    from masterstudio.units.models import Unit, UnitStatus
    from masterstudio.units.states import UNIT_MACHINE

    unit = Unit.objects.create(
        name="新注册单位",
        credit_code="91110302MA01TEST9X",
        kind="enterprise",
        address="北京经济技术开发区",
        contact_name="联系人",
        contact_phone="13800138000",
    )
    assert unit.status == UnitStatus.PENDING  # created in its initial state: allowed
    unit.status = UnitStatus.APPROVED
    with pytest.raises(StateWriteOutsideTransition):
        unit.save()
    with pytest.raises(StateWriteOutsideTransition):
        Unit.objects.filter(pk=unit.pk).update(status=UnitStatus.APPROVED)
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.PENDING

    unit = Unit.objects.get(pk=unit.pk)
    UNIT_MACHINE.apply(unit, UnitStatus.APPROVED, reason="材料齐全")
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.APPROVED
    unit.address = "北京经济技术开发区荣华中路"
    unit.save()  # other fields after the transition: allowed, the state is the stored one
    assert Unit.objects.get(pk=unit.pk).address.endswith("荣华中路")


@pytest.mark.django_db
def test_fixtures_written_through_the_seed_door_are_ordinary_rows():
    unit = make_unit("已审核单位", "91110302MA01TEST8X")
    assert unit.status == "approved"
    unit.contact_name = "人事部"
    unit.save()


@pytest.mark.django_db
def test_reading_other_fields_again_does_not_launder_a_changed_state():
    unit = make_unit("刷新单位", "91110302MA01TEST7X")
    unit.status = "rejected"
    unit.refresh_from_db(fields=["address"])
    with pytest.raises(StateWriteOutsideTransition):
        unit.save()
    unit.refresh_from_db()
    unit.save()  # the state read again is the stored one
