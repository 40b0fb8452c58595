"""The club events permission, given to the standard roles (patronage.segments.permissions)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# The new permission's line of ROLE_GRANTS, frozen as it was when this was written.
GRANTS = {"segments.manage_events": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ACCOUNT_MANAGER}}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("segments", "0006_club_events"),
    ]

    operations = [grants_migration(app_label="segments", grants=GRANTS)]
