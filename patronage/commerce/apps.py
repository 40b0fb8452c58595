from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "patronage.commerce"
    label = "commerce"
    verbose_name = "Commerce reference data"

    def ready(self) -> None:
        from patronage.commerce import erasure, member_hooks, timeline_kinds  # noqa: F401
