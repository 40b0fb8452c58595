"""The survey permissions, given to the standard roles (patronage.feedback.permissions)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "feedback.manage_surveys": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    "feedback.view_results": {
        Role.ADMIN,
        Role.PROGRAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.ANALYST,
        Role.ACCOUNT_MANAGER,
    },
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback", "0001_initial"),
    ]

    operations = [grants_migration(app_label="feedback", grants=GRANTS)]
