from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "patronage.standards"
    label = "standards"
    verbose_name = "Service standards"

    def ready(self) -> None:
        from patronage.standards import erasure, message_kinds, timeline_kinds, webhook_topics  # noqa: F401
