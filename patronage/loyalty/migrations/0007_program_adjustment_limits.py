"""A program's limits on adjustments by hand: the ceiling of one adjustment, and when the console confirms.

SQLite adds a column by rebuilding the table, which its revision triggers (0006) cannot outlive: they are
dropped first and made again after, as 0006 made them. PostgreSQL adds the columns in place.
"""

from importlib import import_module

from django.db import migrations, models

revision_triggers = import_module("patronage.loyalty.migrations.0006_program_revision_triggers")


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0006_program_revision_triggers")]

    operations = [
        migrations.RunPython(
            _on_sqlite(revision_triggers.SQLITE_DROP), _on_sqlite(revision_triggers.SQLITE)
        ),
        migrations.AddField(
            model_name="program",
            name="adjustment_ceiling",
            field=models.PositiveIntegerField(
                default=100000,
                help_text="the most points one manual adjustment may add or remove, without the unlimited "
                "permission",
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="adjustment_confirm_above",
            field=models.PositiveIntegerField(
                default=10000,
                help_text="the console asks for confirmation of a manual adjustment of more points",
            ),
        ),
        migrations.RunPython(
            _on_sqlite(revision_triggers.SQLITE), _on_sqlite(revision_triggers.SQLITE_DROP)
        ),
    ]
