from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "patronage.loyalty"
    label = "loyalty"
    verbose_name = "Loyalty"

    def ready(self) -> None:
        from patronage.loyalty import (  # noqa: F401
            commerce_hooks,
            erasure,
            member_hooks,
            message_kinds,
            timeline_kinds,
            webhook_topics,
        )
