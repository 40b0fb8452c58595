from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "patronage.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from patronage.analytics import (  # noqa: F401  (care's, feedback's and segments' hooks; the erasure registry)
            care_hooks,
            erasure,
            feedback_hooks,
            segments_hooks,
        )
