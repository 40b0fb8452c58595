"""The inbound e-mail permission, given to the administrators (decision 0012)."""

from django.db import migrations

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {"messaging.receive_inbound_email": {Role.ADMIN}}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("messaging", "0005_inbound_email"),
    ]

    operations = [grants_migration(app_label="messaging", grants=GRANTS)]
