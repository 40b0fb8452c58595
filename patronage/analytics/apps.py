from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "patronage.analytics"
    label = "analytics"
    verbose_name = "Analytics"
