from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "patronage.care"
    label = "care"
    verbose_name = "Care"
