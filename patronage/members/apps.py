from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "patronage.members"
    label = "members"
    verbose_name = "Customer file"

    def ready(self) -> None:
        from patronage.members import timeline_kinds  # noqa: F401  (registers the customer file's kinds)
