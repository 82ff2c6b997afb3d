"""One on-commit callback per transaction and kind: the notification outbox (core.notify) and the
data-version bump (core.pagecache) each collect what a transaction did in a single callback
object, registered with ``on_commit`` at its first use.

A rollback (also to a savepoint) drops the callbacks registered inside it; Django then replaces
``connection.run_on_commit`` with a new list, so the callback remembered on the connection is
valid only while that list is the same object, and is looked up again otherwise."""

from __future__ import annotations


def transaction_callback(connection, kind: type, *, create: bool):
    """The open transaction's callback of class ``kind``: registered now when ``create`` and there
    is none yet; None when there is none and ``create`` is false."""
    remembered = connection.__dict__.setdefault("_masterstudio_on_commit", {})
    callbacks = connection.run_on_commit
    found = remembered.get(kind)
    if found is not None and found[0] is callbacks:
        return found[1]
    for _sids, func, _robust in callbacks:
        if isinstance(func, kind):
            remembered[kind] = (callbacks, func)
            return func
    if not create:
        return None
    func = kind()
    connection.on_commit(func)
    remembered[kind] = (connection.run_on_commit, func)
    return func
