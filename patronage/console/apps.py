from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "patronage.console"
    label = "console"
    verbose_name = "Staff console"
