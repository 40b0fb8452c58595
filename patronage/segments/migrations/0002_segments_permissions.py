"""The segments permissions, given to the standard roles (patronage.segments.permissions)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "segments.manage_segments": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "segments.view_segments": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ANALYST, Role.ACCOUNT_MANAGER},
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("segments", "0001_initial"),
    ]

    operations = [grants_migration(app_label="segments", grants=GRANTS)]
