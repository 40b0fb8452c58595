from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "patronage.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from patronage.feedback import erasure, message_kinds, timeline_kinds, webhook_topics  # noqa: F401
