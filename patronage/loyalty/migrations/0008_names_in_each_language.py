"""Names and descriptions of programs, tiers, benefits and rewards in each of the business's languages
(decision 0021): a JSON object per row, language code -> text, beside the main language's `name`.

SQLite adds a column with a default by rebuilding the table, which the revision triggers on programs and
tiers (0006) cannot outlive: they are dropped first and made again after, as 0007 does. PostgreSQL adds
the columns in place and keeps its triggers.
"""

from importlib import import_module

from django.db import migrations, models

revision_triggers = import_module("patronage.loyalty.migrations.0006_program_revision_triggers")
_on_sqlite = import_module("patronage.loyalty.migrations.0007_program_adjustment_limits")._on_sqlite


def _translations(verbose_name):
    return models.JSONField(blank=True, default=dict, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0007_program_adjustment_limits")]

    operations = [
        migrations.RunPython(
            _on_sqlite(revision_triggers.SQLITE_DROP), _on_sqlite(revision_triggers.SQLITE)
        ),
        *(
            migrations.AddField(
                model_name=model, name="name_translations", field=_translations("name in other languages")
            )
            for model in ("program", "tier", "benefit", "reward")
        ),
        *(
            migrations.AddField(
                model_name=model,
                name="description_translations",
                field=_translations("description in other languages"),
            )
            for model in ("tier", "benefit", "reward")
        ),
        migrations.RunPython(
            _on_sqlite(revision_triggers.SQLITE), _on_sqlite(revision_triggers.SQLITE_DROP)
        ),
    ]
