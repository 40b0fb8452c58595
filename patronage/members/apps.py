from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "patronage.members"
    label = "members"
    verbose_name = "Customer file"

    def ready(self) -> None:
        # Registers the customer file's timeline kinds, its tables in the erasure registry and the webhook
        # topics it publishes.
        from patronage.members import erasure, timeline_kinds, webhook_topics  # noqa: F401
