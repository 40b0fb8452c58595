"""Staff roles are Django groups carrying model permissions (decision 0012).

Pages and endpoints check a permission (`user.has_staff_perm("loyalty.adjust_points")`), never a
group's name. Each app declares its permissions in its models' `Meta.permissions` and, in its
`permissions.py`, `ROLE_GRANTS`: which of the standard roles below hold each of them when they are
first created. An administrator may change any group afterwards in the console; nothing here
changes a group that exists, except the migration of an app that brings new permissions.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import migrations, models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The standard staff roles; each value is the name of its Django group."""

    ADMIN = "Administrator", _("Administrator")
    PROGRAM_MANAGER = "Program manager", _("Program manager")
    SERVICE_AGENT = "Service agent", _("Service agent")
    SERVICE_LEAD = "Service lead", _("Service lead")
    ANALYST = "Analyst", _("Analyst")
    ACCOUNT_MANAGER = "Account manager", _("Account manager")


EVERY_ROLE: frozenset[Role] = frozenset(Role)

RoleGrants = Mapping[str, Iterable[Role]]


def role_label(group_name: str) -> str:
    """A group's name as a person reads it: the standard roles in the reader's language, others as written."""
    try:
        return str(Role(group_name).label)
    except ValueError:
        return group_name


def permissions_create(*, app_label: str, apps: Apps) -> None:
    """Creates an app's content types and permissions now, as Django otherwise does only after migrating.

    A data migration that grants permissions runs before Django's own post-migrate step, so on a new
    database the permissions it grants would not exist yet.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # Migration states keep no models module, and create_permissions skips an app without one.
    app_config.models_module = getattr(app_config, "models_module", None) or True  # type: ignore[assignment]
    create_permissions(app_config, apps=apps, verbosity=0)


def role_grants_apply(grants: RoleGrants, *, apps: Apps = global_apps) -> None:
    """Adds each permission ('app_label.codename') to the groups of the roles named, creating the groups."""
    group_model: Any = apps.get_model("auth", "Group")
    permission_model: Any = apps.get_model("auth", "Permission")
    for name, roles in grants.items():
        app_label, codename = name.split(".", 1)
        permission = permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        for role in roles:
            group, _created = group_model.objects.get_or_create(name=role.value)
            group.permissions.add(permission)


def grants_migration(*, app_label: str, grants: RoleGrants) -> migrations.RunPython:
    """The data migration an app adds when it brings permissions: creates them, gives them to the roles."""

    def apply(apps: Apps, schema_editor: Any) -> None:
        permissions_create(app_label=app_label, apps=apps)
        role_grants_apply(grants, apps=apps)

    return migrations.RunPython(apply, migrations.RunPython.noop)


def declared_grants() -> dict[str, frozenset[Role]]:
    """Every installed app's ROLE_GRANTS, found by the convention of a `permissions` module per app."""
    grants: dict[str, frozenset[Role]] = {}
    for app_config in global_apps.get_app_configs():
        module_name = f"{app_config.name}.permissions"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        grants.update({name: frozenset(roles) for name, roles in getattr(module, "ROLE_GRANTS", {}).items()})
    return grants


def standard_roles_restore(**_kwargs: Any) -> None:
    """After migrating, gives a database with no groups at all the standard roles (a flushed test database).

    A database that has any group is left alone: an administrator's changes to the groups are theirs.
    """
    from django.contrib.auth.models import Group

    if Group.objects.exists():
        return
    # The signal comes once per app, the first time before later apps' permissions exist.
    for app_config in global_apps.get_app_configs():
        permissions_create(app_label=app_config.label, apps=global_apps)
    role_grants_apply(declared_grants())
