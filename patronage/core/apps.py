from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "patronage.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from patronage.core.roles import standard_roles_restore

        # Django creates permissions after migrating; a database left with no groups (a flushed test
        # database) then gets the standard roles back.
        post_migrate.connect(standard_roles_restore, dispatch_uid="patronage.standard_roles_restore")
