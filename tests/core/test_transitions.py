"""The one door for state changes: allowed, refused, guarded, and a concurrent change that fails."""

import threading

import pytest
from django.db import connection

from masterstudio.applications.models import Application, Round
from masterstudio.applications.states import APPLICATION_MACHINE
from masterstudio.core import transitions
from masterstudio.core.events import events_for, verify_chain
from masterstudio.core.transitions import ConcurrentTransition, TransitionError, TransitionNotAllowed
from tests.factories import make_person


def _submitted_application(unit, round_):
    leader = make_person(unit, "张三")
    with transitions.seed("test fixture: an application already submitted"):
        return Application.objects.create(
            round=round_,
            unit=unit,
            leader=leader,
            occupation_code="6-18-01-01",
            occupation_name="车工",
            state="submitted",
            leader_key="k1",
            scope_key=f"unit:{unit.pk}|branch:0|occ:6-18-01-01",
        )


@pytest.fixture
def round_(db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    return Round.objects.create(
        year=2026,
        title="2026年度申报",
        opens_at=datetime(2026, 3, 1, tzinfo=tz),
        closes_at=datetime(2026, 6, 30, 17, tzinfo=tz),
        policy_version="test",
    )


def test_allowed_transition_saves_and_logs(cast, unit_a, round_):
    app = _submitted_application(unit_a, round_)
    event = APPLICATION_MACHINE.apply(app, "material_review", actor=cast["reviewer"])
    app.refresh_from_db()
    assert app.state == "material_review"
    assert (event.from_state, event.to_state, event.clause, event.actor) == (
        "submitted",
        "material_review",
        "10",
        cast["reviewer"],
    )
    assert [e.to_state for e in events_for(app)] == ["material_review"]
    assert verify_chain()[1] is None


def test_transition_not_in_table_is_refused(cast, unit_a, round_):
    app = _submitted_application(unit_a, round_)
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已提交”，不能变更为“已认定”"):
        APPLICATION_MACHINE.apply(app, "recognised", actor=cast["approver"])
    app.refresh_from_db()
    assert app.state == "submitted"


def test_reason_required_where_the_table_says_so(cast, unit_a, round_):
    app = _submitted_application(unit_a, round_)
    APPLICATION_MACHINE.apply(app, "material_review", actor=cast["reviewer"])
    with pytest.raises(TransitionError, match="必须填写理由"):
        APPLICATION_MACHINE.apply(app, "supplement", actor=cast["reviewer"], reason="  ")


def test_stale_object_fails_loudly(cast, unit_a, round_):
    app = _submitted_application(unit_a, round_)
    stale = Application.objects.get(pk=app.pk)
    APPLICATION_MACHINE.apply(app, "material_review", actor=cast["reviewer"])
    with pytest.raises(ConcurrentTransition, match="已被其他人处理"):
        APPLICATION_MACHINE.apply(stale, "withdrawn", actor=cast["unit_a"])
    app.refresh_from_db()
    assert app.state == "material_review"


@pytest.mark.django_db(transaction=True)
def test_two_threads_moving_the_same_application_only_one_wins(unit_a, round_):
    from tests.factories import make_user

    staff = [make_user(f"r{i}", "staff", duties=["reviewer"]) for i in range(2)]
    app = _submitted_application(unit_a, round_)
    results = []
    barrier = threading.Barrier(2)

    def worker(user, target):
        copy = Application.objects.get(pk=app.pk)
        barrier.wait()
        try:
            APPLICATION_MACHINE.apply(copy, target, actor=user)
            results.append("ok")
        except (ConcurrentTransition, Exception) as exc:  # SQLite may report a lock instead of a lost race
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(staff[0], "material_review")),
        threading.Thread(target=worker, args=(staff[1], "withdrawn")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.refresh_from_db()
    assert results.count("ok") == 1
    assert app.state in {"material_review", "withdrawn"}
    assert len(list(events_for(app))) == 1


def test_tampered_event_breaks_the_chain(cast, unit_a, round_):
    from masterstudio.core.models import Event

    app = _submitted_application(unit_a, round_)
    APPLICATION_MACHINE.apply(app, "material_review", actor=cast["reviewer"])
    APPLICATION_MACHINE.apply(app, "site_inspection", actor=cast["reviewer"])
    first = Event.objects.filter(action="application.material_review").get()
    Event.objects.filter(pk=first.pk).update(reason="被篡改")
    checked, broken, why = verify_chain()
    assert broken is not None and broken.pk == first.pk and "内容与哈希不符" in why


def test_events_cannot_be_edited_or_deleted(cast):
    from masterstudio.core.events import record_event

    event = record_event("test.ping", actor=cast["reviewer"])
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_verify_audit_command_names_the_first_broken_record(cast):
    from django.core.management import CommandError, call_command

    from masterstudio.core.events import record_event
    from masterstudio.core.models import Event

    for i in range(3):
        record_event("test.ping", actor=cast["reviewer"], data={"i": i})
    call_command("verify_audit", stdout=open("/dev/null", "w"))
    second = Event.objects.order_by("seq")[1]
    Event.objects.filter(pk=second.pk).delete()  # a queryset delete, as an attacker with SQL would
    with pytest.raises(CommandError, match=f"第 {second.seq + 1} 条记录.*序号不连续"):
        call_command("verify_audit")


def test_apply_many_changes_all_with_the_same_events_as_one_by_one(cast, unit_a, unit_b, round_):
    from tests.factories import make_person

    with transitions.seed("test fixture: applications already submitted"):
        apps = [
            _submitted_application(unit_a, round_),
            Application.objects.create(
                round=round_,
                unit=unit_b,
                leader=make_person(unit_b, "李四"),
                occupation_code="6-18-01-01",
                occupation_name="车工",
                state="submitted",
                leader_key="k2",
                scope_key=f"unit:{unit_b.pk}|branch:0|occ:6-18-01-01",
            ),
        ]
    events = APPLICATION_MACHINE.apply_many(
        apps, "material_review", actor=cast["reviewer"], reason=lambda app: f"受理 {app.pk}"
    )
    assert [a.state for a in Application.objects.filter(pk__in=[a.pk for a in apps]).order_by("pk")] == [
        "material_review"
    ] * 2
    assert [(e.object_id, e.from_state, e.to_state, e.clause, e.reason, e.actor) for e in events] == [
        (str(a.pk), "submitted", "material_review", "10", f"受理 {a.pk}", cast["reviewer"]) for a in apps
    ]
    assert verify_chain()[1] is None


def test_apply_many_with_one_stale_object_changes_none(cast, unit_a, unit_b, round_):
    from django.db import transaction

    from tests.factories import make_person

    fresh = _submitted_application(unit_a, round_)
    with transitions.seed("test fixture: an application already submitted"):
        other = Application.objects.create(
            round=round_,
            unit=unit_b,
            leader=make_person(unit_b, "李四"),
            occupation_code="6-18-01-01",
            occupation_name="车工",
            state="submitted",
            leader_key="k2",
            scope_key=f"unit:{unit_b.pk}|branch:0|occ:6-18-01-01",
        )
    stale = Application.objects.get(pk=other.pk)
    APPLICATION_MACHINE.apply(other, "material_review", actor=cast["reviewer"])
    with pytest.raises(ConcurrentTransition, match="已被其他人处理"), transaction.atomic():
        APPLICATION_MACHINE.apply_many([fresh, stale], "material_review", actor=cast["reviewer"])
    fresh.refresh_from_db()
    assert fresh.state == "submitted" and len(events_for(fresh)) == 0
    with pytest.raises(TransitionNotAllowed, match="不能变更为"):
        APPLICATION_MACHINE.apply_many([fresh, other], "proposed", actor=cast["reviewer"])
    assert list(
        Application.objects.filter(pk__in=[fresh.pk, other.pk]).order_by("pk").values_list("state", flat=True)
    ) == ["submitted", "material_review"]


def test_the_swap_stores_each_extra_value_as_the_orm_would(cast, unit_a, round_):
    """The compare-and-swap is plain SQL: a related object, a time, JSON and None given as extra
    fields are stored as ``QuerySet.update`` stores them."""
    from django.utils import timezone

    from masterstudio.core.transitions import Rule, StateMachine

    application = Application.objects.create(
        round=round_,
        unit=unit_a,
        leader=make_person(unit_a),
        route="listed",
        occupation_code="6-18-01-01",
        occupation_name="车工",
    )
    other = make_person(unit_a, name="另一人", birth="1980-05-06")
    machine = StateMachine(model=Application, field="state", labels={}, table={("draft", "withdrawn"): Rule()})
    now = timezone.now()
    machine.apply(
        application,
        "withdrawn",
        actor=cast["reviewer"],
        extra_fields={
            "submitted_at": now,
            "facts": {"skill_level": "2", "honors": ["a"]},
            "receipt_no": "JK-1",
            "branch": None,
            "leader": other,
        },
    )
    stored = Application.objects.get(pk=application.pk)
    assert (stored.state, stored.receipt_no, stored.branch_id, stored.leader_id) == (
        "withdrawn",
        "JK-1",
        None,
        other.pk,
    )
    assert stored.facts == {"skill_level": "2", "honors": ["a"]} and stored.submitted_at == now
    stale = Application.objects.get(pk=application.pk)
    stale.state = "draft"  # as read before the change above
    with pytest.raises(ConcurrentTransition):
        machine.apply(stale, "withdrawn", actor=cast["reviewer"])
