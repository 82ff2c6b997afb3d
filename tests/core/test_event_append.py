"""Appending to the audit chain cheaply (issue 9): several events in one go, the chain head taken by
compare-and-swap, events of one service call appended together — always the same chain as
appending one event at a time, and never a gap or a fork."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from masterstudio.core import events
from masterstudio.core.events import appended_together, record_event, record_events, verify_chain
from masterstudio.core.models import ChainHead, Event

pytestmark = pytest.mark.django_db


def _content(event: Event) -> tuple:
    return (
        event.seq,
        event.action,
        event.actor_id,
        event.actor_label,
        event.content_type_id,
        event.object_id,
        event.object_repr,
        event.from_state,
        event.to_state,
        event.reason,
        event.clause,
        event.data,
    )


def test_a_batch_is_the_same_chain_as_one_event_at_a_time(cast, unit_a, unit_b):
    single = [
        record_event(
            "unit.approved", obj=unit_a, actor=cast["reviewer"], to_state="approved", clause="4.1", data={"n": 1}
        ),
        record_event(
            "unit.approved", obj=unit_b, actor=cast["reviewer"], to_state="approved", clause="4.1", data={"n": 2}
        ),
    ]
    batch = record_events(
        [
            {"action": "unit.checked", "obj": unit, "actor": cast["approver"], "reason": "抽查", "data": {"n": n}}
            for n, unit in enumerate([unit_a, unit_b, unit_a], start=3)
        ]
    )
    assert [e.seq for e in single + batch] == [1, 2, 3, 4, 5]
    assert all(e.pk for e in batch)
    stored = {e.seq: e for e in Event.objects.all()}
    assert [_content(stored[e.seq]) for e in batch] == [_content(e) for e in batch]
    assert [stored[e.seq].hash for e in single + batch] == [e.hash for e in single + batch]
    assert stored[3].prev_hash == stored[2].hash and stored[4].prev_hash == stored[3].hash
    assert batch[0].object_repr == unit_a.name and batch[1].data == {"n": 4}
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (5, batch[-1].hash)
    assert verify_chain() == (5, None, "")


def test_an_unknown_field_is_refused_and_nothing_is_written(cast):
    with pytest.raises(TypeError, match="object"):
        record_events([{"action": "x", "object": cast["reviewer"]}])
    assert not Event.objects.exists() and record_events([]) == []


def test_a_head_moved_behind_this_connection_is_read_again(cast, unit_a):
    record_event("unit.approved", obj=unit_a, actor=cast["reviewer"])
    # another writer appended meanwhile: the head this connection remembers is stale
    setattr(connection, events._HEAD_ATTR, (0, "0" * 64))
    record_event("unit.updated", obj=unit_a, actor=cast["reviewer"])
    # and a head this connection never saw at all
    setattr(connection, events._HEAD_ATTR, (41, "f" * 64))
    record_events([{"action": "unit.updated", "obj": unit_a}, {"action": "unit.updated", "obj": unit_a}])
    assert verify_chain() == (4, None, "")
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]


def test_a_rolled_back_append_leaves_no_gap(cast, unit_a):
    record_event("unit.approved", obj=unit_a)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record_event("unit.updated", obj=unit_a)  # this connection now remembers seq 2 …
            raise RuntimeError("rolled back")  # … which is rolled back
    record_event("unit.updated", obj=unit_a, reason="again")
    assert list(Event.objects.order_by("seq").values_list("seq", "reason")) == [(1, ""), (2, "again")]
    assert verify_chain()[1] is None


def test_appended_together_writes_at_the_end_in_order(cast, unit_a, unit_b):
    record_event("unit.approved", obj=unit_a)
    with appended_together():
        first = record_event("unit.updated", obj=unit_a, data={"step": 1})
        second = record_events(
            [
                {"action": "unit.updated", "obj": unit_b, "data": {"step": 2}},
                {"action": "unit.updated", "obj": unit_a, "data": {"step": 3}},
            ]
        )
        with appended_together():  # nested: joins the outer block
            third = record_event("unit.updated", obj=unit_b, data={"step": 4})
        assert first.pk is None and Event.objects.count() == 1  # not written yet
    assert [e.seq for e in [first, *second, third]] == [2, 3, 4, 5]
    assert list(Event.objects.order_by("seq").values_list("data__step", flat=True)) == [None, 1, 2, 3, 4]
    assert verify_chain() == (5, None, "")


def test_appended_together_drops_the_events_of_a_rolled_back_savepoint(cast, unit_a):
    with appended_together():
        record_event("kept.before", obj=unit_a)
        with pytest.raises(ValueError):
            with transaction.atomic():
                record_event("dropped", obj=unit_a)
                raise ValueError("refused")
        record_event("kept.after", obj=unit_a)
    assert list(Event.objects.order_by("seq").values_list("action", flat=True)) == ["kept.before", "kept.after"]
    assert verify_chain()[1] is None


def test_appended_together_writes_nothing_when_the_block_fails(cast, unit_a):
    with pytest.raises(ValueError):
        with transaction.atomic(), appended_together():
            record_event("never", obj=unit_a)
            raise ValueError("refused")
    assert not Event.objects.exists()
    record_event("unit.approved", obj=unit_a)
    assert verify_chain() == (1, None, "")


def test_data_changed_after_recording_does_not_change_the_event(cast, unit_a):
    data = {"items": [1]}
    with appended_together():
        record_event("unit.updated", obj=unit_a, data=data)
        data["items"].append(2)
    assert Event.objects.get().data == {"items": [1]}
    assert verify_chain()[1] is None


def test_while_others_append_the_head_is_read_under_lock_first(cast, unit_a, django_assert_num_queries):
    record_event("unit.approved", obj=unit_a)
    setattr(connection, events._HEAD_ATTR, (0, "0" * 64))  # another writer appended meanwhile
    record_event("unit.updated", obj=unit_a)  # the swap fails: contended from now on
    assert getattr(connection, events._CONTENDED_ATTR) == events._CONTENDED_RUN
    # contended: the head read under lock, then moved and the event written — no swap tried first
    expected = 2 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(expected):
        record_event("unit.updated", obj=unit_a, reason="locked first")
    assert getattr(connection, events._CONTENDED_ATTR) == events._CONTENDED_RUN - 1  # no one else appended
    setattr(connection, events._HEAD_ATTR, (0, "0" * 64))  # someone appended again: the run starts over
    record_event("unit.updated", obj=unit_a)
    assert getattr(connection, events._CONTENDED_ATTR) == events._CONTENDED_RUN
    for _ in range(events._CONTENDED_RUN):  # quiet again: back to compare-and-swap
        record_event("unit.updated", obj=unit_a)
    assert getattr(connection, events._CONTENDED_ATTR) == 0
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        record_event("unit.updated", obj=unit_a, reason="swapped")
    assert verify_chain() == (5 + events._CONTENDED_RUN, None, "")
