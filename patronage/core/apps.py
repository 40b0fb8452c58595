from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "patronage.core"
    label = "core"
    verbose_name = "Core"
