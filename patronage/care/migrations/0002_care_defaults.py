"""What a new business starts with: the care rights given to the standard roles, the compensation
limits, office hours and one default SLA policy (care.defaults)."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

from patronage.care.defaults import defaults_create
from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "care.work_cases": {Role.ADMIN, Role.SERVICE_AGENT, Role.SERVICE_LEAD, Role.ACCOUNT_MANAGER},
    "care.lead_cases": {Role.ADMIN, Role.SERVICE_LEAD},
    "care.manage_care": {Role.ADMIN, Role.SERVICE_LEAD},
    "care.manage_sla": {Role.ADMIN, Role.SERVICE_LEAD},
}


def defaults(apps: Apps, schema_editor: Any) -> None:
    defaults_create(
        group_model=apps.get_model("auth", "Group"),
        calendar_model=apps.get_model("care", "BusinessCalendar"),
        policy_model=apps.get_model("care", "SlaPolicy"),
        limit_model=apps.get_model("care", "CompensationLimit"),
    )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_cases"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        grants_migration(app_label="care", grants=GRANTS),
        migrations.RunPython(defaults, migrations.RunPython.noop),
    ]
