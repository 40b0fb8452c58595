from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "patronage.members"
    label = "members"
    verbose_name = "Customer file"

    def ready(self) -> None:
        # Registers the customer file's timeline kinds, and its tables in the erasure registry.
        from patronage.members import erasure, timeline_kinds  # noqa: F401
