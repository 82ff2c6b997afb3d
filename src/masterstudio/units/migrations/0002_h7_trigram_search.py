"""Trigram indexes (pg_trgm) for the staff search's leading-wildcard matches on PostgreSQL.

``icontains`` compiles to ``UPPER("col"::text) LIKE UPPER('%term%')`` there; a GIN index on that
expression with ``gin_trgm_ops`` answers it without reading every row (for terms of three
characters or more: a shorter term has no trigram, and PostgreSQL then reads the table as before).
The indexes are not part of the models' state (SQLite has neither GIN nor pg_trgm): on SQLite this
migration does nothing. applications 0003_h7_trigram_search adds the application's own columns."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("units_unit", "name", "units_unit_name_trgm"),
    ("units_unit", "credit_code", "units_unit_credit_code_trgm"),
    ("units_person", "name", "units_person_name_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on SQLite
        migrations.RunPython(create, drop, elidable=False),
    ]
