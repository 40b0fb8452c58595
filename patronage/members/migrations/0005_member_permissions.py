"""The customer file's permissions, given to the standard roles (decision 0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration


# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "members.view_customers": set(Role),
    "members.edit_customers": set(Role) - {Role.ANALYST},
    "members.import_members": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "members.merge_members": {Role.ADMIN, Role.SERVICE_LEAD, Role.PROGRAM_MANAGER},
    "members.handle_personal_data": {Role.ADMIN},
}

class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0004_card_numbers_random"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["-id"],
                "permissions": [
                    ("view_customers", "Can see customers' files"),
                    ("edit_customers", "Can edit customers' files, notes, tags and consents"),
                    ("import_members", "Can import customers and transactions"),
                    ("merge_members", "Can merge duplicate customers"),
                    ("handle_personal_data", "Can export and erase a customer's personal data"),
                ],
            },
        ),
        grants_migration(app_label="members", grants=GRANTS),
    ]
