"""The loyalty permissions, given to the standard roles (decision 0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration


# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "loyalty.view_loyalty": set(Role),
    "loyalty.adjust_points": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    "loyalty.adjust_points_large": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    "loyalty.adjust_points_unlimited": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "loyalty.configure_programs": {Role.ADMIN, Role.PROGRAM_MANAGER},
}

class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("loyalty", "0004_program_revision"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="program",
            options={
                "permissions": [
                    ("view_loyalty", "Can see programmes and customers' points"),
                    ("adjust_points", "Can adjust points (up to 1,000 at a time), redeem and use benefits"),
                    ("adjust_points_large", "Can adjust up to 10,000 points at a time"),
                    ("adjust_points_unlimited", "Can adjust any number of points at a time"),
                    ("configure_programs", "Can set up programmes, rules, tiers, benefits and rewards"),
                ]
            },
        ),
        grants_migration(app_label="loyalty", grants=GRANTS),
    ]
