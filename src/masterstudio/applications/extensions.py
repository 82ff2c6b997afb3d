"""What the apps above contribute to the applications app, which imports none of them (the floors,
issue 19.1). Each is filled from the contributing app's ``AppConfig.ready()``; nothing registered
means the contribution is absent (an expert sees no application, no studio occupies an Art. 7 place).

    visibility scopes   role → scope(user) → the application ids that role's user may see (experts:
                        the applications they judge); the rule of ``selectors.applications_for``
    Art. 7 holders      near(Q) → the live studios matching it (studios): the register an
                        application is checked against, for the engine's facts and at submission
    history             application → the Q of further event objects of its history (notices: its
                        line of the notice and the objections against it)
    publication         application → (published, version) of its comprehensive evaluation (reviews)
    notice entry        application → its line of the public notice, or None (notices)
    decision labels     the labels of a comprehensive evaluation's outcomes (reviews), for the timeline
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

_scopes: dict[str, Callable] = {}
_art7_holders: list[Callable[[Q], QuerySet]] = []
_history: list[Callable] = []
_publication: list[Callable] = []
_notice_entry: list[Callable] = []
decision_labels: dict[str, str] = {}


def register_visibility_scope(role: str, scope: Callable) -> None:
    """``scope(user)`` → the ids (a query or a list) of the applications a ``role`` user may see."""
    _scopes[role] = scope


def visibility_scope(role: str) -> Callable | None:
    return _scopes.get(role)


def register_art7_holders(holders: Callable[[Q], QuerySet]) -> None:
    """``holders(near)`` → the live records (with ``leader_key``, ``scope_key``, ``unit``, ``leader``,
    ``branch``, ``occupation_code``, ``occupation_name``) that occupy an Art. 7 place and match ``near``."""
    _art7_holders.append(holders)


def art7_holders(near: Q) -> list[QuerySet]:
    return [holders(near) for holders in _art7_holders]


def register_history(objects: Callable) -> None:
    """``objects(application)`` → a Q over ``core.Event`` of further objects of its history."""
    _history.append(objects)


def history_objects(application) -> Q:
    found = Q()
    for objects in _history:
        found |= objects(application)
    return found


def register_publication(published: Callable) -> None:
    """``published(application)`` → (whether its evaluation result is published, the decision's version)."""
    _publication.append(published)


def publication(application) -> tuple[bool, int | None]:
    return _publication[0](application) if _publication else (False, None)


def register_notice_entry(entry: Callable) -> None:
    """``entry(application)`` → its line of the public notice (with ``state`` and ``notice.ends_on``) or None."""
    _notice_entry.append(entry)


def notice_entry(application):
    return _notice_entry[0](application) if _notice_entry else None


def register_decision_labels(labels: dict[str, str]) -> None:
    decision_labels.update(labels)
