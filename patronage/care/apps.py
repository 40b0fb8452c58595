from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CareConfig(AppConfig):
    name = "patronage.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from patronage.care import (  # noqa: F401
            erasure,
            inbound,
            member_hooks,
            message_kinds,
            timeline_kinds,
            webhook_topics,
        )
        from patronage.care.defaults import care_defaults_restore

        # After core's, which gives a flushed database its roles back: the limits need the groups.
        post_migrate.connect(care_defaults_restore, sender=self, dispatch_uid="patronage.care_defaults")
