from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "patronage.segments"
    label = "segments"
    verbose_name = "Segments"

    def ready(self) -> None:
        from patronage.segments import (  # noqa: F401  (the fields, hooks, kinds and topics registries)
            erasure,
            known_fields,
            loyalty_hooks,
            member_hooks,
            message_kinds,
            timeline_kinds,
            webhook_topics,
        )
