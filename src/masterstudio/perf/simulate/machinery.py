"""The simulated year's machinery: the steps dealt to forked processes, the planner's statistics
refreshed as autovacuum would, the platform's clock moved on."""

from __future__ import annotations

import os
import pickle
import traceback
from contextlib import contextmanager
from unittest import mock

from django.db import connection, connections
from django.utils import timezone


def refresh_statistics() -> None:
    """PostgreSQL: what autovacuum does on a production server as tables grow — ANALYZE (the
    planner's row counts) of each table changed by more than 50 rows + 10% since its last
    analysis, autovacuum's own threshold — done at the end of each step. The PostgreSQL this
    benchmark runs on has autovacuum turned off, and a planner that believes a table with a
    thousand rows is empty picks plans that read all of them. Counted in the step's time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)"
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute("ANALYZE " + ", ".join(tables))


def in_parallel(work, items: list, actors: int) -> list:
    """``work(chunk)`` over ``items`` dealt round-robin to ``actors`` forked processes; the
    results (lists) joined. A failure in any process is raised here with its traceback."""
    if actors <= 1 or len(items) <= 1:
        return list(work(items))
    connections.close_all()  # each process opens its own connection
    children = []
    for k in range(min(actors, len(items))):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do its share, send back the result, leave without cleanup
            os.close(reader)
            code = 0
            try:
                payload = pickle.dumps(("ok", list(work(items[k::actors]))))
            except BaseException:
                payload, code = pickle.dumps(("error", traceback.format_exc())), 1
            try:
                connections.close_all()
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(code)
        os.close(writer)
        children.append((pid, reader))
    results, failures = [], []
    for pid, reader in children:
        with os.fdopen(reader, "rb") as source:
            data = source.read()
        os.waitpid(pid, 0)
        status, value = pickle.loads(data) if data else ("error", f"process {pid} ended without a result")
        if status == "ok":
            results.extend(value)
        else:
            failures.append(value)
    if failures:
        raise RuntimeError("模拟年度的并行步骤失败：\n" + "\n".join(failures))
    return results


@contextmanager
def clock_from(start):
    """The platform's clock (``django.utils.timezone.now``, which ``localdate`` reads too) moved
    to ``start`` and running on from there: the simulation reaches the days after the notice."""
    real = timezone.now
    offset = start - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + offset):
        yield
