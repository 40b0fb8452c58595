"""The right to download the customer list, given to the standard roles (decision 0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# The new permission's line of ROLE_GRANTS, frozen as it was when this was written.
NEW_GRANTS = {"members.export_customers": {Role.ADMIN, Role.PROGRAM_MANAGER}}


class Migration(migrations.Migration):
    dependencies = [("members", "0007_search_trigram_indexes")]

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
                    ("export_customers", "Can download the customer list"),
                ],
            },
        ),
        grants_migration(app_label="members", grants=NEW_GRANTS),
    ]
