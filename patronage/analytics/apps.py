from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "patronage.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from patronage.analytics import erasure  # noqa: F401  (its tables in the erasure registry)
