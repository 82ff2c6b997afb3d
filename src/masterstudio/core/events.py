"""Appending to the event log. Every state change, money record, login, export and download
goes through :func:`record_event`, inside the caller's transaction."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from masterstudio.core.models import ChainHead, Event
from masterstudio.core.oncommit import alive_callbacks


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_label", None) or str(actor)


def record_event(
    action: str,
    *,
    obj: models.Model | None = None,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    clause: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Event:
    """Append one event, chained to the previous one by hash.

    The chain head row is locked for the rest of the caller's transaction, so concurrent
    writers append one after another and the sequence has no gaps or forks.
    """
    return record_events(
        [
            dict(
                action=action,
                obj=obj,
                actor=actor,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                clause=clause,
                data=data,
                ip=ip,
            )
        ]
    )[0]


def record_events(entries: Iterable[dict[str, Any]]) -> list[Event]:
    """Append several events in one go, in the order given: the same rows and the same chain as
    :func:`record_event` called once per entry (each entry takes its keyword arguments), written
    with one update of the chain head and one insert.

    The chain head is taken by compare-and-swap: ``UPDATE … SET seq, hash = new WHERE seq, hash =
    the head this connection last saw``. The update locks the row for the rest of the caller's
    transaction, exactly as ``SELECT … FOR UPDATE`` did, and succeeds only when no one else has
    appended since (and nothing this connection wrote was rolled back); otherwise the head is read
    under lock and the update is made from it. So the usual case costs two statements however many
    events are appended — on PostgreSQL one, the update and the insert joined in a single statement
    — and concurrent writers still append one after another.
    """
    entries = list(entries)
    if not entries:
        return []
    from masterstudio.core.middleware import current_client_address

    address = None
    rows = []
    for entry in entries:
        unknown = set(entry) - _FIELDS
        if unknown:
            raise TypeError(f"record_events: unknown field(s) {sorted(unknown)}")
        obj, actor, ip = entry.get("obj"), entry.get("actor"), entry.get("ip")
        if ip is None:
            if address is None:
                address = (current_client_address(),)
            ip = address[0]
        if actor is not None and not getattr(actor, "is_authenticated", False):
            actor = None
        rows.append(
            Event(
                at=timezone.now(),
                actor=actor,
                actor_label=_actor_label(actor),
                ip=ip,
                action=entry["action"],
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:255] if obj is not None else "",
                from_state=entry.get("from_state") or "",
                to_state=entry.get("to_state") or "",
                reason=entry.get("reason") or "",
                clause=entry.get("clause") or "",
                data=entry.get("data") or {},
            )
        )
    connection = connections[DEFAULT_DB_ALIAS]
    pending = getattr(connection, _DEFER_ATTR, None)
    if pending is not None:  # inside appended_together(): chained and written when it ends
        for event in rows:
            event.data = copy.deepcopy(event.data)
        marker = _Pending()
        connection.on_commit(marker)
        pending.append((marker, rows))
        return rows
    _append(connection, rows)
    return rows


@contextmanager
def appended_together():
    """Events recorded inside the block are chained and written when it ends, in the order they
    were recorded: the same rows as appended one by one, with one update of the chain head and one
    insert for all of them. The block is a transaction (or joins the caller's); events recorded
    inside a savepoint that is rolled back are dropped with it. An event gets its sequence number,
    hash and id when the block ends."""
    connection = connections[DEFAULT_DB_ALIAS]
    if getattr(connection, _DEFER_ATTR, None) is not None:  # nested: the outer block appends
        yield
        return
    with transaction.atomic(savepoint=False):
        pending: list[tuple[_Pending, list[Event]]] = []
        setattr(connection, _DEFER_ATTR, pending)
        try:
            yield
        finally:
            setattr(connection, _DEFER_ATTR, None)
        # a rollback to a savepoint drops the on-commit callbacks registered inside it: the
        # events recorded there are gone with their marker
        alive = {id(func) for func in alive_callbacks(connection)}
        rows = [event for marker, batch in pending if id(marker) in alive for event in batch]
        if rows:
            _append(connection, rows)


class _Pending:
    """The on-commit marker of events waiting in :func:`appended_together` (does nothing)."""

    def __call__(self):
        pass


def _append(connection, rows: list[Event]) -> None:
    """Compare-and-swap while this connection is the only one appending; while others append as
    well (the swap just failed, or the head read under lock had moved since this connection's last
    append) the head is read under lock first, for the next ``_CONTENDED_RUN`` appends: a swap
    that fails costs a round trip for nothing."""
    with transaction.atomic(savepoint=False):
        seen = getattr(connection, _HEAD_ATTR, None)
        contended = getattr(connection, _CONTENDED_ATTR, 0)
        if seen is None or contended or not _append_after(connection, seen, rows):
            head = _locked_head(connection)
            if seen is not None:
                quiet = contended and head == seen  # no one else appended since this connection did
                setattr(connection, _CONTENDED_ATTR, contended - 1 if quiet else _CONTENDED_RUN)
            for event in rows:  # taken again under the lock, so time order follows the sequence
                event.at = timezone.now()
            _append_after(connection, head, rows, locked=True)
        setattr(connection, _HEAD_ATTR, (rows[-1].seq, rows[-1].hash))


def _locked_head(connection) -> tuple[int, str]:
    """(seq, hash) of the chain head, its row locked for the rest of the transaction (created when
    the log is empty)."""
    if connection.vendor in _PLAIN_SQL:
        qn = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:  # SQLite: the write transaction (IMMEDIATE) is the lock
            cursor.execute(
                f"SELECT {qn('seq')}, {qn('hash')} FROM {qn(ChainHead._meta.db_table)} WHERE {qn('id')} = 1{lock}"
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0], row[1]
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    return head.seq, head.hash


def _append_after(connection, seen: tuple[int, str], rows: list[Event], *, locked: bool = False) -> bool:
    """Append ``rows`` after the head this connection last saw, by compare-and-swap; False, with
    nothing written, when someone else has appended since. ``locked``: the caller holds the head
    under lock and ``seen`` is what it read (no comparison)."""
    if connection.vendor == "postgresql" and len(rows) <= _batch_size(connection, rows):
        return _advance_and_insert(connection, seen, rows, locked=locked)
    if not _advance(connection, seen, rows, locked=locked):
        return False
    _insert(connection, rows)
    return True


_FIELDS = {"action", "obj", "actor", "from_state", "to_state", "reason", "clause", "data", "ip"}
_HEAD_ATTR = "_masterstudio_chain_head"  # (seq, hash) this connection last saw at the head
_DEFER_ATTR = "_masterstudio_deferred_events"  # events waiting in appended_together()
_CONTENDED_ATTR = "_masterstudio_chain_contended"  # appends left that read the head under lock first
_CONTENDED_RUN = 20
# Appending is the platform's most frequent write, so it is plain SQL (the chain head and the
# events, the columns and values prepared by the model's own fields; on PostgreSQL one statement)
# rather than the ORM's save; both vendors used here (PostgreSQL, SQLite ≥ 3.35) return the new ids.
_PLAIN_SQL = ("postgresql", "sqlite")


def _chain(start: tuple[int, str], rows: list[Event]) -> None:
    seq, previous = start
    for event in rows:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = event.compute_hash()


def _advance(connection, start: tuple[int, str], rows: list[Event], *, locked: bool = False) -> bool:
    """Chain ``rows`` on from ``start`` and move the head past them; False (nothing changed) when
    the head is no longer ``start`` — unless the caller holds it under lock."""
    _chain(start, rows)
    if connection.vendor not in _PLAIN_SQL:
        heads = ChainHead.objects.filter(id=1)
        if not locked:
            heads = heads.filter(seq=start[0], hash=start[1])
        return heads.update(seq=rows[-1].seq, hash=rows[-1].hash) == 1
    qn = connection.ops.quote_name
    sql = f"UPDATE {qn(ChainHead._meta.db_table)} SET {qn('seq')} = %s, {qn('hash')} = %s WHERE {qn('id')} = 1"
    params = [rows[-1].seq, rows[-1].hash]
    if not locked:
        sql += f" AND {qn('seq')} = %s AND {qn('hash')} = %s"
        params += [start[0], start[1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _batch_size(connection, rows: list[Event]) -> int:
    return max(1, connection.ops.bulk_batch_size(_columns(), rows))


def _columns():
    global _COLUMNS
    if _COLUMNS is None:
        _COLUMNS = [f for f in Event._meta.concrete_fields if not f.primary_key]
    return _COLUMNS


_COLUMNS = None


def _advance_and_insert(connection, start: tuple[int, str], rows: list[Event], *, locked: bool = False) -> bool:
    """PostgreSQL: the compare-and-swap of the head and the insert of the events in one statement
    (the insert happens only if the head moved), so the usual append is one round trip. False,
    with nothing written, when the head is no longer ``start`` — unless the caller holds it under
    lock (then it is moved without comparing)."""
    _chain(start, rows)
    fields = _columns()
    sql = _append_sql(connection, len(rows), locked)
    head = [rows[-1].seq, rows[-1].hash] + ([] if locked else [start[0], start[1]])
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *_values(connection, rows, fields)])
        ids = cursor.fetchall()
    if not ids:
        return False
    _saved(connection, rows, ids)  # rows come back in the order of the VALUES list
    return True


_APPEND_SQL: dict[tuple[str, int, bool], str] = {}


def _append_sql(connection, n: int, locked: bool) -> str:
    """The statement of :func:`_advance_and_insert` for ``n`` events (built once per size)."""
    key = (connection.vendor, n, locked)
    sql = _APPEND_SQL.get(key)
    if sql is None:
        fields, qn = _columns(), connection.ops.quote_name
        one = "(" + ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields) + ")"
        compare = "" if locked else f" AND {qn('seq')} = %s AND {qn('hash')} = %s"
        sql = (
            f"WITH head AS (UPDATE {qn(ChainHead._meta.db_table)} SET {qn('seq')} = %s, {qn('hash')} = %s "
            f"WHERE {qn('id')} = 1{compare} RETURNING 1) "
            f"INSERT INTO {qn(Event._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"SELECT * FROM (VALUES {', '.join([one] * n)}) AS new_events "
            f"WHERE EXISTS (SELECT 1 FROM head) RETURNING {qn(Event._meta.pk.column)}"
        )
        if n <= 64:  # the sizes met again and again; a rare large batch is not kept
            _APPEND_SQL[key] = sql
    return sql


def _values(connection, rows: list[Event], fields) -> list:
    return [f.get_db_prep_save(f.pre_save(event, True), connection) for event in rows for f in fields]


def _saved(connection, rows: list[Event], ids) -> None:
    """The events as the ORM leaves saved rows: their ids set, no longer adding."""
    for event, (pk,) in zip(rows, ids, strict=False):
        event.pk = pk
        event._state.adding, event._state.db = False, connection.alias


def _insert(connection, rows: list[Event]) -> None:
    if connection.vendor not in _PLAIN_SQL:
        Event.objects.bulk_create(rows)
        return
    fields = _columns()
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(Event._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = _batch_size(connection, rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                head + ", ".join([one] * len(batch)) + f" RETURNING {qn(Event._meta.pk.column)}",
                _values(connection, batch, fields),
            )
            _saved(connection, batch, cursor.fetchall())


def verify_chain() -> tuple[int, Event | None, str]:
    """Walk the chain in order. Returns (events checked, first broken event or None, why)."""
    previous = "0" * 64
    expected_seq = 1
    checked = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return checked, event, f"序号不连续：应为 {expected_seq}，实为 {event.seq}（有记录被删除）"
        if event.prev_hash != previous:
            return checked, event, "前序哈希不符（前一条记录被修改或删除）"
        if event.compute_hash() != event.hash:
            return checked, event, "本条记录内容与哈希不符（记录被修改）"
        previous = event.hash
        expected_seq += 1
        checked += 1
    return checked, None, ""


def events_for(obj: models.Model):
    return (
        Event.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("seq")
    )
