"""The right to edit message templates and read the delivery log, given to the standard roles (decision
0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# The new permission's line of ROLE_GRANTS, frozen as it was when this was written.
NEW_GRANTS = {"messaging.manage_messages": {Role.ADMIN, Role.PROGRAM_MANAGER}}


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_messages")]

    operations = [
        migrations.AlterModelOptions(
            name="messagetemplate",
            options={
                "ordering": ["kind", "channel", "language"],
                "permissions": [("manage_messages", "Can edit message templates and read the messages sent")],
            },
        ),
        grants_migration(app_label="messaging", grants=NEW_GRANTS),
    ]
