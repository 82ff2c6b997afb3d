"""``pytest.raises(IntegrityError, match=violates(Model, "constraint_name"))``: a test of a database
constraint that fails unless that very constraint refused the row.

The backends word the refusal differently. PostgreSQL names every constraint (``violates check
constraint "x"``, ``violates unique constraint "x"``); SQLite names a check constraint
(``CHECK constraint failed: x``) but reports a unique one, conditional or not, by its columns
(``UNIQUE constraint failed: table.a, table.b``). The pattern accepts exactly those words for the
constraint declared on the model under that name (an unknown name is an error at once)."""

from __future__ import annotations

import re

from django.db import models


def violates(model: type[models.Model], name: str) -> str:
    constraint = next((c for c in model._meta.constraints if c.name == name), None)
    if constraint is None:
        declared = ", ".join(c.name for c in model._meta.constraints) or "none"
        raise LookupError(f"{model.__name__} declares no constraint {name!r} (it declares: {declared})")
    named = rf'constraint "{re.escape(name)}"|constraint failed: {re.escape(name)}$'
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        table = model._meta.db_table
        columns = ", ".join(f"{table}.{model._meta.get_field(f).column}" for f in constraint.fields)
        return rf"{named}|^UNIQUE constraint failed: {re.escape(columns)}$"
    return named
