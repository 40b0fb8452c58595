"""The analyses by the work they serve: customers' for program managers, service's for service leads.

`view_analytics` keeps its meaning, every analysis, and its holders; its name says so now. The new
permissions go to the standard groups named in ROLE_GRANTS (decision 0012): a group an administrator
made, or changed, keeps exactly what it had.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

from patronage.core.roles import Role, grants_migration

# The new permissions' lines of ROLE_GRANTS, frozen as they were when this was written.
NEW_GRANTS = {
    "analytics.view_customer_analyses": {Role.PROGRAM_MANAGER},
    "analytics.view_service_analyses": {Role.SERVICE_LEAD},
}
VIEW_ANALYTICS_NAMES = ("Can see analyses and run them again", "Can see every analysis and run it again")


def _rename(old: str, new: str) -> Any:
    def rename(apps: Apps, schema_editor: Any) -> None:
        # Django creates a permission's row once and never renames it: the staff page shows this name.
        permission_model: Any = apps.get_model("auth", "Permission")
        permission_model.objects.filter(
            content_type__app_label="analytics", codename="view_analytics", name=old
        ).update(name=new)

    return rename


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_analytics_permissions")]

    operations = [
        migrations.AlterModelOptions(
            name="analysisrun",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("view_analytics", "Can see every analysis and run it again"),
                    (
                        "view_customer_analyses",
                        "Can see loyalty, lifetime value, deal-seekers and churn, with customers' scores",
                    ),
                    (
                        "view_service_analyses",
                        "Can see complaint outcomes, response speed and what-if studies",
                    ),
                ],
            },
        ),
        migrations.RunPython(_rename(*VIEW_ANALYTICS_NAMES), _rename(*reversed(VIEW_ANALYTICS_NAMES))),
        grants_migration(app_label="analytics", grants=NEW_GRANTS),
    ]
