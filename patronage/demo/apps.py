from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "patronage.demo"
    label = "demo"
    verbose_name = "Demo business"
