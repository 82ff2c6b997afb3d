"""The one module that leans on Django internals of the transaction machinery: no public API says
which ``on_commit`` callbacks a savepoint rollback has dropped.

* :func:`transaction_callback` — one on-commit callback per transaction and kind: the notification
  outbox (core.notify) collects what a transaction sent in a single callback object, registered
  with ``transaction.on_commit`` at its first use.
* :func:`alive_callbacks` — which registered callbacks are still to run at commit (the audit log's
  deferred appends, core.events.appended_together, drop the events recorded in a savepoint that
  was rolled back).

Both read ``connection.run_on_commit``, a list of ``(savepoint ids, callback, robust)`` tuples. A
rollback (also to a savepoint) replaces that list with a new one without the callbacks registered
inside it, so a callback remembered on the connection is valid only while the list is the same
object, and is looked up again otherwise. ``CHECKED_WITH`` is the Django version this layout was
read from; tests/core/test_oncommit.py fails on any other, so an upgrade re-checks it.
"""

from __future__ import annotations

CHECKED_WITH = (5, 2)


def _registered(connection):
    return connection.run_on_commit  # [(savepoint ids, callback, robust), …] (Django 5.2)


def alive_callbacks(connection) -> list:
    """The callbacks the open transaction will still run when it commits, in order."""
    return [func for _sids, func, _robust in _registered(connection)]


def transaction_callback(connection, kind: type, *, create: bool):
    """The open transaction's callback of class ``kind``: registered now when ``create`` and there
    is none yet; None when there is none and ``create`` is false."""
    remembered = connection.__dict__.setdefault("_masterstudio_on_commit", {})
    callbacks = _registered(connection)
    found = remembered.get(kind)
    if found is not None and found[0] is callbacks:
        return found[1]
    for func in alive_callbacks(connection):
        if isinstance(func, kind):
            remembered[kind] = (callbacks, func)
            return func
    if not create:
        return None
    func = kind()
    connection.on_commit(func)
    remembered[kind] = (_registered(connection), func)
    return func
