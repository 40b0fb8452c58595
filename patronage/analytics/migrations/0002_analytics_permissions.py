"""The analytics permission, given to the standard roles (decision 0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: the permissions that came later are granted by their own migration.
GRANTS = {"analytics.view_analytics": {Role.ADMIN, Role.ANALYST}}


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="analysisrun",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("view_analytics", "Can see analyses and run them again")],
            },
        ),
        grants_migration(app_label="analytics", grants=GRANTS),
    ]
