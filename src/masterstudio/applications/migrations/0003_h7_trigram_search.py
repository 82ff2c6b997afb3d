"""Trigram indexes for the staff search on the application's own columns (see units
0002_h7_trigram_search, which creates the pg_trgm extension). Nothing on SQLite."""

from django.db import migrations

INDEXES = [
    ("applications_application", "receipt_no", "applications_receipt_no_trgm"),
    ("applications_application", "occupation_name", "applications_occupation_name_trgm"),
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
    dependencies = [
        ("applications", "0002_application_copied_from_application_copy_report_and_more"),
        ("units", "0002_h7_trigram_search"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
