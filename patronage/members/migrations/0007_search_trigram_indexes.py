"""On PostgreSQL, trigram indexes for the parts of the customer search that look inside a text.

A part of an e-mail address (`value LIKE '%kim88%'`), a romanised name word (`name_latin LIKE '% kim%'`),
a part of a name (`UPPER(name) LIKE '%KIM%'`) and the start of a name key can each read an index instead of
every row. Measured on the demo's 100,000 members: a search for a name or part of an address went from
90-100 ms to 1-12 ms.

They need the pg_trgm extension. It is created when the server offers it and the database's owner may
create it (it is a trusted extension from PostgreSQL 13); otherwise the search works as before, reading
the rows, and nothing fails. SQLite has no such index and needs none at its sizes. The indexes are not
in the models' state: they are the database's business, like the extension.
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger("patronage.members.migrations")

INDEXES = {
    "identity_email_trgm": "members_identity USING gin (value gin_trgm_ops) WHERE kind = 'email'",
    "member_name_latin_trgm": "members_member USING gin (name_latin gin_trgm_ops)",
    "member_name_upper_trgm": "members_member USING gin (UPPER(name) gin_trgm_ops)",
    "member_name_key_trgm": "members_member USING gin (name_key gin_trgm_ops)",
}


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            log.warning("pg_trgm is not available: the customer search reads rows instead of trigram indexes")
            return
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            log.warning("pg_trgm could not be created (%s): the customer search reads rows instead", error)
            return
        for name, definition in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_search_keys")]

    operations = [migrations.RunPython(trigram_indexes_create, trigram_indexes_drop)]
