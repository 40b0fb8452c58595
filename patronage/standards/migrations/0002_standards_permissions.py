"""The standards permissions, given to the standard roles (patronage.standards.permissions)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "standards.manage_standards": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.add_measurements": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.view_standards": {
        Role.ADMIN,
        Role.SERVICE_LEAD,
        Role.SERVICE_AGENT,
        Role.ANALYST,
        Role.PROGRAM_MANAGER,
    },
    "standards.view_own_scorecard": {Role.ADMIN, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    "standards.view_team_scorecards": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.view_all_scorecards": {Role.ADMIN},
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("standards", "0001_initial"),
    ]

    operations = [grants_migration(app_label="standards", grants=GRANTS)]
