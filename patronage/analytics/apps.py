from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "patronage.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from patronage.analytics import care_hooks, erasure, feedback_hooks  # noqa: F401  (care's and feedback's value hooks; the erasure registry)
