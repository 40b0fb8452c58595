"""Roles become Django groups (decision 0012): every staff user joins the group of the role it had."""

from django.db import migrations, models

from patronage.core.roles import Role, grants_migration

# ROLE_GRANTS as it was then, frozen: permissions that come later are granted by their own migration.
GRANTS = {
    "core.view_audit_log": {Role.ADMIN, Role.SERVICE_LEAD},
    "core.manage_staff": {Role.ADMIN},
}

# The roles of decision 0005 and the groups that replace them, as they were when this ran.
ROLE_GROUPS = {
    "admin": "Administrator",
    "program_manager": "Program manager",
    "service_agent": "Service agent",
    "service_lead": "Service lead",
    "analyst": "Analyst",
    "account_manager": "Account manager",
}


def roles_to_groups(apps, schema_editor):
    user_model = apps.get_model("core", "User")
    group_model = apps.get_model("auth", "Group")
    for role, group_name in ROLE_GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        staff = user_model.objects.filter(role=role)
        for user in staff:
            user.groups.add(group)
        staff.update(kind="staff")
    # Rights now come from groups alone: a superuser flag would grant everything past them.
    user_model.objects.update(is_superuser=False)


def groups_to_roles(apps, schema_editor):
    user_model = apps.get_model("core", "User")
    for role, group_name in ROLE_GROUPS.items():
        user_model.objects.filter(kind="staff", groups__name=group_name).update(role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_outboxevent"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-at", "-id"],
                "permissions": [("view_audit_log", "Can read the audit log")],
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("manage_staff", "Can manage staff, their groups and API keys")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.AddField(
            model_name="user",
            name="kind",
            field=models.CharField(
                choices=[("staff", "Staff"), ("member", "Member")],
                default="member",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(roles_to_groups, groups_to_roles),
        migrations.RemoveField(model_name="user", name="role"),
        grants_migration(app_label="core", grants=GRANTS),
    ]
