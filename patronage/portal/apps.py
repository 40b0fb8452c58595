from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "patronage.portal"
    label = "portal"
    verbose_name = "Member portal"
