"""One door for every state change (habit 4 of the architecture guide).

A :class:`StateMachine` holds the explicit table of allowed transitions (from, to) → rule. The
only way to change the state is :meth:`StateMachine.apply`, which

1. refuses a pair that is not in the table,
2. runs the rule's guard (which returns a Chinese reason to refuse, or None),
3. saves with compare-and-swap (``filter(pk=…, state=old).update(state=new)``) so a second,
   concurrent change fails loudly instead of overwriting the first,
4. appends an event (actor, time, from, to, reason, clause),
5. and runs the caller's callbacks (notifications) in the same transaction: their rows commit or
   roll back with the change; e-mail leaves after the commit (core/notify.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
            changed = _swap(type(obj), [obj.pk], self.field, source, updates)
            if changed == 1:
                for name, value in updates.items():
                    setattr(obj, name, value)
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
        rules = [self._rule(obj, target, actor, text) for obj, text in zip(objs, reasons)]
        manager = type(objs[0])._default_manager
        updates = {self.field: target, **(extra_fields or {})}
        with transaction.atomic(savepoint=False):
            for source in dict.fromkeys(sources):
                pks = [obj.pk for obj, s in zip(objs, sources) if s == source]
                if _swap(manager.model, pks, self.field, source, updates) != len(set(pks)):
                    raise ConcurrentTransition(_CONCURRENT)
            for obj in objs:
                for name, value in updates.items():
                    setattr(obj, name, value)
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
                    for obj, source, text, rule in zip(objs, sources, reasons, rules)
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
