"""Named locks for a transaction: work that must see what the previous one of its kind committed
(two submissions for one leader or one scope under Art. 7) runs one after another, and nothing
else waits.

PostgreSQL: a transaction-level advisory lock per name (``pg_advisory_xact_lock`` on a 64-bit
hash), taken in sorted order so two transactions asking for overlapping names cannot deadlock,
released at commit or rollback; after the wait, the next statement (READ COMMITTED) sees what the
holder committed. SQLite: nothing to do, a writing transaction (IMMEDIATE) already runs alone. The
platform runs on these two only (``masterstudio.env.parse_database_url``).

And the lock of one row (:func:`lock_row`), for work that reads a row, decides and writes it back."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections


def serialise(*names: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Hold the locks ``names`` until the end of the caller's transaction (call inside one)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not names:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("serialise() 必须在事务中调用")
    keys = sorted(set(names))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["pg_advisory_xact_lock(hashtextextended(%s, 0))"] * len(keys)), keys)


def lock_row(model, pk, *, related: tuple[str, ...] = ()):
    """Lock one row for the rest of the transaction, on PostgreSQL and on SQLite alike, read with
    the ``related`` rows it points at (not locked).

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks; a no-op UPDATE as the first
    statement takes the database write lock, so a second writer waits instead of reading stale data.
    """
    rows = model._default_manager.select_related(*related) if related else model._default_manager.all()
    if connection.features.has_select_for_update:
        return rows.select_for_update(of=("self",) if related else ()).get(pk=pk)
    model._default_manager.filter(pk=pk).update(**{model._meta.pk.attname: pk})
    return rows.get(pk=pk)
