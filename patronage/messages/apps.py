from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "patronage.messages"
    # "messages" is django.contrib.messages' label.
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from patronage.messages import erasure, hooks, timeline_kinds  # noqa: F401
