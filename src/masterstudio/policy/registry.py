"""The registry of rules: every function that applies a clause says which one.

    @rule("5.3", "6.3")
    def check_employment_and_retirement(...): ...

``coverage`` reads this registry (together with the data-table test cases) to report, for every
clause of measures.yaml, the rules and tests that cover it. The registry is a leaf: the rule modules
import it to register into it, and it imports none of them (``coverage`` loads them first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .clauses import measures

F = TypeVar("F", bound=Callable)

_RULES: dict[str, list[str]] = {}


def rule(*clause_ids: str) -> Callable[[F], F]:
    if not clause_ids:
        raise ValueError("a rule must name at least one clause")
    for clause_id in clause_ids:
        measures().clause(clause_id)  # an unknown id is a programming error, caught at import

    def register(function: F) -> F:
        name = f"{function.__module__}.{function.__qualname__}"
        for clause_id in clause_ids:
            names = _RULES.setdefault(clause_id, [])
            if name not in names:
                names.append(name)
        function.clauses = tuple(clause_ids)  # type: ignore[attr-defined]
        return function

    return register


def rules_by_clause() -> dict[str, list[str]]:
    """Clause id → qualified names of the rule functions registered so far (the modules imported)."""
    return {clause_id: list(names) for clause_id, names in _RULES.items()}
