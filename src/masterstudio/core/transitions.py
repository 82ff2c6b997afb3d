"""One door for every state change (habit 4 of the architecture guide).

A :class:`StateMachine` holds the explicit table of allowed transitions (from, to) → rule. The
only way to change the state is :meth:`StateMachine.apply`, which

1. refuses a pair that is not in the table,
2. runs the rule's guard (which returns a Chinese reason to refuse, or None),
3. saves with compare-and-swap (``filter(pk=…, state=old).update(state=new)``) so a second,
   concurrent change fails loudly instead of overwriting the first,
4. appends an event (actor, time, from, to, reason, clause),
5. and runs the caller's callbacks (notifications) in the same transaction: their rows commit or
   roll back with the change; e-mail leaves after the commit (core/notify.py). Notifications are
   given this way only: ``then=[callback]`` with ``callback(obj, event)`` (``apply_many``:
   ``callback(objs, events)``), never by a separate ``notify`` after the change.

Every table is declared in its app's ``states.py`` and registered here (:func:`machines`). The state
field itself is read-only outside the door: a model with a state field inherits
:class:`StateGuarded`, whose ``save()``, ``QuerySet.update()``, ``bulk_update()`` and
``bulk_create()`` raise :class:`StateWriteOutsideTransition` when they would write the state (other
than creating a row in its initial state) outside :meth:`StateMachine.apply`. Fixtures, the
data generator and imports that must write states directly say so, with their reason, in
``with transitions.seed("why"):`` — explicit and greppable, never a silent hole.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction

from masterstudio.core.events import record_event, record_events


class TransitionError(Exception):
    """A refused state change; ``str(exc)`` is a Chinese message for the user."""


class TransitionNotAllowed(TransitionError):
    pass


class ConcurrentTransition(TransitionError):
    pass


class StateWriteOutsideTransition(RuntimeError):
    """A programming error, not a refusal for the user: code wrote a state field (``save()``,
    ``update()``, ``bulk_update()``, ``bulk_create()``) outside :meth:`StateMachine.apply`."""


logger = logging.getLogger("masterstudio.transitions")

# Why the door is open in this context: None (closed), "transition", or "seed: <reason>".
_door: ContextVar[str | None] = ContextVar("masterstudio_transition_door", default=None)

# Every declared table, by (model, field).
_MACHINES: dict[tuple[type[models.Model], str], StateMachine] = {}


def machines() -> dict[tuple[type[models.Model], str], StateMachine]:
    """Every declared state machine, by (model, state field)."""
    return dict(_MACHINES)


def machine_for(model: type[models.Model], field_name: str) -> StateMachine | None:
    return _MACHINES.get((model, field_name))


@contextlib.contextmanager
def _opened(why: str) -> Iterator[None]:
    token = _door.set(why)
    try:
        yield
    finally:
        _door.reset(token)


@contextlib.contextmanager
def seed(reason: str) -> Iterator[None]:
    """The documented door for code that must write states directly — test fixtures, the data
    generator, imports of historical records — with the reason why (logged). Inside it, states
    are written without a transition table, without an event and without notifications. Never
    for a business operation: those go through :meth:`StateMachine.apply`."""
    if not reason or not reason.strip():
        raise ValueError("transitions.seed() needs the reason why states are written directly")
    logger.info("state written outside the transition table: %s", reason)
    with _opened(f"seed: {reason.strip()}"):
        yield


def door_open() -> bool:
    return _door.get() is not None


def _refuse(model: type[models.Model], how: str) -> None:
    raise StateWriteOutsideTransition(
        f"{model.__name__}.{model.state_field} is written only through its state machine "
        f"(core.transitions.StateMachine.apply) or inside transitions.seed(reason): refused {how}"
    )


class StateGuardedQuerySet(models.QuerySet):
    """Refuses ``update``/``bulk_update``/``bulk_create`` that would write the state outside the door."""

    def update(self, **kwargs):
        if self.model.state_field in kwargs and not door_open():
            _refuse(self.model, "QuerySet.update()")
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        if self.model.state_field in fields and not door_open():
            _refuse(self.model, "bulk_update()")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not door_open():
            initial = self.model._initial_state()
            if any(getattr(obj, self.model.state_field) != initial for obj in objs):
                _refuse(self.model, f"bulk_create() in a state other than the initial “{initial}”")
        created = super().bulk_create(objs, *args, **kwargs)
        for obj in created:
            obj._remember_state()
        return created

    bulk_create.alters_data = True


class StateGuarded(models.Model):
    """Mixin for a model with a state field (``state_field``, "state" unless told): the field is
    read-only outside :meth:`StateMachine.apply` (and :func:`seed`). A new row may be saved in the
    field's initial state (its default)."""

    state_field = "state"

    objects = StateGuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def _initial_state(cls):
        return cls._meta.get_field(cls.state_field).get_default()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_state()
        return instance

    def _remember_state(self) -> None:
        attname = self._meta.get_field(self.state_field).attname
        self._stored_state = self.__dict__.get(attname, _UNKNOWN)

    def refresh_from_db(self, using=None, fields=None, **kwargs):
        super().refresh_from_db(using=using, fields=fields, **kwargs)
        attname = self._meta.get_field(self.state_field).attname
        if fields is None or self.state_field in fields or attname in fields:  # the state was read again
            self._remember_state()

    def save(self, *args, **kwargs):
        if not door_open():
            self._check_state_write(kwargs.get("update_fields"), kwargs.get("force_insert", False))
        super().save(*args, **kwargs)
        self._remember_state()

    def _check_state_write(self, update_fields, force_insert) -> None:
        name = self.state_field
        attname = self._meta.get_field(name).attname
        if update_fields is not None and name not in update_fields and attname not in update_fields:
            return
        if attname not in self.__dict__:  # deferred and never set: not written
            return
        value = self.__dict__[attname]
        if self._state.adding or force_insert:
            if value != self._initial_state():
                _refuse(type(self), f"creating a row in a state other than the initial “{self._initial_state()}”")
            return
        stored = getattr(self, "_stored_state", _UNKNOWN)
        if stored is _UNKNOWN:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list(name, flat=True).first()
        if value != stored:
            _refuse(type(self), f"save() changing “{stored}” to “{value}”")


_UNKNOWN = object()


Guard = Callable[[models.Model, Any], str | None]
Then = Callable[[models.Model, Any], None]
ThenMany = Callable[[list, list], None]


@dataclass(frozen=True)
class Rule:
    clause: str = ""
    guard: Guard | None = None
    requires_reason: bool = False
    label: str = ""


@dataclass
class StateMachine:
    model: type[models.Model]
    field: str
    labels: dict[str, str]
    table: dict[tuple[str, str], Rule] = field(default_factory=dict)

    def __post_init__(self):
        # the first table declared for a model stays its table (the one in its app's states.py, imported
        # with the app); a machine built later for the same field (a test's) does not replace it
        _MACHINES.setdefault((self.model, self.field), self)

    def allowed_targets(self, obj: models.Model, actor=None) -> list[str]:
        current = getattr(obj, self.field)
        return [
            target
            for (source, target), rule in self.table.items()
            if source == current and (rule.guard is None or rule.guard(obj, actor) is None)
        ]

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def apply(
        self,
        obj: models.Model,
        target: str,
        *,
        actor=None,
        reason: str = "",
        clause: str | None = None,
        data: dict[str, Any] | None = None,
        extra_fields: dict[str, Any] | None = None,
        then: Iterable[Then] = (),
        ip: str | None = None,
    ):
        source = getattr(obj, self.field)
        rule = self._rule(obj, target, actor, reason)
        updates = {self.field: target, **(extra_fields or {})}
        event = None
        # No savepoint of its own: nothing is written unless the compare-and-swap succeeds, and an
        # error after it (a database error) leaves the caller's transaction to be rolled back.
        with transaction.atomic(savepoint=False):
            with _opened("transition"):
                changed = _swap(type(obj), [obj.pk], self.field, source, updates)
            if changed == 1:
                for name, value in updates.items():
                    setattr(obj, name, value)
                _remember(obj)
                event = record_event(
                    f"{obj._meta.model_name}.{target}",
                    obj=obj,
                    actor=actor,
                    from_state=source,
                    to_state=target,
                    reason=reason,
                    clause=rule.clause if clause is None else clause,
                    data=data,
                    ip=ip,
                )
                for callback in then:  # inside the transaction: no change without its notice, nor the reverse
                    callback(obj, event)
        if event is None:
            raise ConcurrentTransition(_CONCURRENT)
        return event

    def apply_many(
        self,
        objs: list[models.Model],
        target: str,
        *,
        actor=None,
        reason: str | Callable[[models.Model], str] = "",
        extra_fields: dict[str, Any] | None = None,
        then: Iterable[ThenMany] = (),
    ) -> list:
        """:meth:`apply` for several objects at once (e.g. every application of a notice): each
        checked by the same rule, one compare-and-swap update per source state, the same events
        in the order of ``objs``, then each ``then(objs, events)`` once (notify them together).
        All or nothing: one object refused, or changed meanwhile by someone else, refuses all
        (the caller's transaction rolls back). ``reason``: text, or a function of the object;
        ``extra_fields``: set on every object in the same update."""
        objs = list(objs)
        if not objs:
            return []
        reasons = [reason(obj) if callable(reason) else reason for obj in objs]
        sources = [getattr(obj, self.field) for obj in objs]
        rules = [self._rule(obj, target, actor, text) for obj, text in zip(objs, reasons, strict=False)]
        manager = type(objs[0])._default_manager
        updates = {self.field: target, **(extra_fields or {})}
        with transaction.atomic(savepoint=False):
            for source in dict.fromkeys(sources):
                pks = [obj.pk for obj, s in zip(objs, sources, strict=False) if s == source]
                with _opened("transition"):
                    changed = _swap(manager.model, pks, self.field, source, updates)
                if changed != len(set(pks)):
                    raise ConcurrentTransition(_CONCURRENT)
            for obj in objs:
                for name, value in updates.items():
                    setattr(obj, name, value)
                _remember(obj)
            events = record_events(
                [
                    dict(
                        action=f"{obj._meta.model_name}.{target}",
                        obj=obj,
                        actor=actor,
                        from_state=source,
                        to_state=target,
                        reason=text,
                        clause=rule.clause,
                    )
                    for obj, source, text, rule in zip(objs, sources, reasons, rules, strict=False)
                ]
            )
            for callback in then:
                callback(objs, events)
        return events

    def _rule(self, obj: models.Model, target: str, actor, reason: str) -> Rule:
        """The rule for changing ``obj`` to ``target``; refused (in Chinese) when there is none,
        when a reason is required and missing, or when the guard says no."""
        source = getattr(obj, self.field)
        rule = self.table.get((source, target))
        if rule is None:
            raise TransitionNotAllowed(f"当前状态为“{self.label(source)}”，不能变更为“{self.label(target)}”")
        if rule.requires_reason and not reason.strip():
            raise TransitionError(f"变更为“{self.label(target)}”必须填写理由")
        if rule.guard is not None:
            refusal = rule.guard(obj, actor)
            if refusal:
                raise TransitionNotAllowed(refusal)
        return rule


def _remember(obj: models.Model) -> None:
    if isinstance(obj, StateGuarded):
        obj._remember_state()


_CONCURRENT = "该记录已被其他人处理（状态已变化），请刷新页面查看最新状态后再操作"


def _swap(model: type[models.Model], pks: list, field: str, source: str, updates: dict[str, Any]) -> int:
    """The compare-and-swap ``model.objects.filter(pk__in=pks, field=source).update(**updates)``:
    the number of rows changed. The platform's most frequent update (every state change), so on
    PostgreSQL and SQLite it is written as plain SQL, each value prepared by its own field exactly as
    ``QuerySet.update`` prepares it (a related object stands for its key); an expression (``F``,
    functions) goes through the ORM."""
    connection = connections[router.db_for_write(model)]
    expressions = any(hasattr(value, "resolve_expression") for value in updates.values())
    if connection.vendor not in ("postgresql", "sqlite") or expressions:
        return model._default_manager.filter(pk__in=pks, **{field: source}).update(**updates)
    meta, qn = model._meta, connection.ops.quote_name
    assignments, params = [], []
    for name, value in updates.items():
        target = meta.get_field(name)
        if hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(target)
        assignments.append(f"{qn(target.column)} = %s")
        params.append(target.get_db_prep_save(value, connection=connection))
    keys = [meta.pk.get_db_prep_value(pk, connection) for pk in dict.fromkeys(pks)]
    state = meta.get_field(field)
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {qn(meta.pk.column)} IN ({', '.join(['%s'] * len(keys))}) AND {qn(state.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keys, state.get_db_prep_value(source, connection)])
        return cursor.rowcount
