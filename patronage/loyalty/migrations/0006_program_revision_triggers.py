"""Program.revision is renewed by the database itself (decision 0013).

Every change to a program row, and every insert, update or delete of its earn rules or tiers, gives the
program a new revision, whatever wrote it: a model's save, a queryset's update(), a bulk insert or SQL.
"""

from django.db import migrations

PARTS = ("loyalty_earnrule", "loyalty_tier")

POSTGRESQL = [
    """
    CREATE FUNCTION loyalty_program_revision_renew() RETURNS trigger AS $$
    BEGIN
        NEW.revision := md5(random()::text || clock_timestamp()::text);
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER loyalty_program_revision BEFORE UPDATE ON loyalty_program
    FOR EACH ROW EXECUTE FUNCTION loyalty_program_revision_renew();
    """,
    """
    CREATE FUNCTION loyalty_program_part_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE loyalty_program SET revision = '' WHERE id = OLD.program_id;
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.program_id <> OLD.program_id) THEN
            UPDATE loyalty_program SET revision = '' WHERE id = NEW.program_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_revises_program AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION loyalty_program_part_changed();
        """
        for table in PARTS
    ),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_revises_program ON {table};" for table in PARTS),
    "DROP TRIGGER IF EXISTS loyalty_program_revision ON loyalty_program;",
    "DROP FUNCTION IF EXISTS loyalty_program_part_changed();",
    "DROP FUNCTION IF EXISTS loyalty_program_revision_renew();",
]

# SQLite has no BEFORE trigger that can change NEW: an AFTER trigger writes a fresh revision unless the
# update already wrote one (which also ends the chain, recursive triggers or not).
SQLITE_NEW_REVISION = "lower(hex(randomblob(16)))"
SQLITE = [
    f"""
    CREATE TRIGGER loyalty_program_revision AFTER UPDATE ON loyalty_program
    FOR EACH ROW WHEN NEW.revision = OLD.revision
    BEGIN UPDATE loyalty_program SET revision = {SQLITE_NEW_REVISION} WHERE id = NEW.id; END;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_{event.lower()}_revises_program AFTER {event} ON {table}
        FOR EACH ROW BEGIN
            UPDATE loyalty_program SET revision = {SQLITE_NEW_REVISION} WHERE id IN ({ids});
        END;
        """
        for table in PARTS
        for event, ids in (
            ("INSERT", "NEW.program_id"),
            ("UPDATE", "OLD.program_id, NEW.program_id"),
            ("DELETE", "OLD.program_id"),
        )
    ),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS loyalty_program_revision;",
    *(
        f"DROP TRIGGER IF EXISTS {table}_{event}_revises_program;"
        for table in PARTS
        for event in ("insert", "update", "delete")
    ),
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0005_program_permissions")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
