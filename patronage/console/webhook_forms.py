"""The forms of Settings → Webhooks: an endpoint's address and topics, the deliveries' filter and a replay.

They shape input; patronage.messages' services decide what is valid (an address the product may call, a
topic it publishes) and their errors go on the fields they name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.console.forms import ServiceForm
from patronage.console.loyalty_forms.base import in_zone, local_input, within_dates
from patronage.core.business import business
from patronage.core.outbox import topics
from patronage.messages.models import EVERY_TOPIC, DeliveryStatus, WebhookEndpoint

URL_MAX = 500
DESCRIPTION_MAX = 200


def topic_choices() -> list[tuple[str, str]]:
    """Every topic by its name and what it means; "all topics" first."""
    every = (EVERY_TOPIC, str(_("All topics, including those added later")))
    return [every, *((topic.name, f"{topic.name}: {topic.description}") for topic in topics().values())]


class EndpointForm(ServiceForm):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX,
        help_text=_("An http or https address that accepts POST requests."),
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://", "autocomplete": "off"}),
    )
    # Not required here: the service refuses no topic, in the same answer as a bad URL.
    topics = forms.MultipleChoiceField(label=_("Topics"), widget=forms.CheckboxSelectMultiple, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        help_text=_("For people: whose endpoint it is and what it is for."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices()  # type: ignore[attr-defined]

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> EndpointForm:
        """The form filled with the endpoint's settings."""
        return cls(
            initial={"url": endpoint.url, "topics": endpoint.topics, "description": endpoint.description}
        )

    def service_values(self) -> dict[str, Any]:
        chosen = list(self.cleaned_data["topics"])
        return {
            "url": self.cleaned_data["url"].strip(),
            # "All topics" with others ticked too is all topics.
            "topics": [EVERY_TOPIC] if EVERY_TOPIC in chosen else chosen,
            "description": self.cleaned_data["description"].strip(),
        }


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DeliveryStatus.choices],
    )

    def chosen(self) -> str | None:
        return (self.cleaned_data.get("status") or None) if self.is_valid() else None


class ReplayForm(ServiceForm):
    """A time range typed on the business's clock; its events are delivered again."""

    start = forms.DateTimeField(label=_("From"), widget=local_input())
    end = forms.DateTimeField(label=_("Until (not included)"), widget=local_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "replay_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = business().time_zone
        for name in ("start", "end"):
            value = data.get(name)
            if value is None:
                continue
            try:
                within_dates(value)
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            data[name] = in_zone(value, zone)
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime) and isinstance(end, datetime) and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return data
