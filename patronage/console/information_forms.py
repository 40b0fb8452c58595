"""The forms of the information pages: an item (its title and text in each of the business's languages,
its topics, tags, segment and dates) and a topic. They shape input; segments.information_services decides
what is valid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy

from patronage.commerce.models import Brand, Category
from patronage.console.loyalty_forms.base import (
    LoyaltyForm,
    code_field,
    in_zone,
    local_input,
    local_wall,
    within_dates,
)
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.business import business
from patronage.core.names import in_reader_language
from patronage.segments.information_selectors import information_topic_list
from patronage.segments.information_services import (
    BODY_MAX,
    TITLE_MAX,
    TOPIC_NAME_MAX,
    InformationInput,
    TopicInput,
)
from patronage.segments.models import InformationItem, InformationKind
from patronage.segments.selectors import segment_list


class InformationForm(LoyaltyForm):
    """An item's words, topics and dates. Its code is fixed once it exists (the API names it)."""

    id_prefix = "information"
    in_languages = ("title", "body")

    code = code_field()
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InformationKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Members who chose one of these topics get it in their digest."),
    )
    categories = forms.MultipleChoiceField(label=gettext_lazy("Categories"), required=False)
    brands = forms.MultipleChoiceField(label=gettext_lazy("Brands"), required=False)
    segment = forms.ChoiceField(
        label=gettext_lazy("Only for a segment"),
        required=False,
        help_text=gettext_lazy("Leave empty for every member."),
    )
    published_at = forms.DateTimeField(
        label=gettext_lazy("Published"),
        widget=local_input(),
        help_text=gettext_lazy("On the business's clock; a later time publishes it then."),
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Expires"),
        widget=local_input(),
        required=False,
        help_text=gettext_lazy("Optional: after this it leaves the portal and the digests."),
    )

    def __init__(self, *args: Any, item: InformationItem | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._multiple(
            "topics", [(topic.code, in_reader_language(topic, "name")) for topic in information_topic_list()]
        )
        self._multiple("categories", list(Category.objects.order_by("name").values_list("code", "name")))
        self._multiple("brands", list(Brand.objects.order_by("name").values_list("code", "name")))
        self._choices_set(
            "segment",
            [("", "—"), *((segment.code, in_reader_language(segment, "name")) for segment in segment_list())],
        )
        for name, field in self.fields.items():
            if name.startswith("body_in_"):
                field.widget = forms.Textarea(attrs={**field.widget.attrs, "rows": 6})
        if item is not None:
            self.fields["code"].disabled = True

    def _multiple(self, name: str, choices: list[tuple[str, str]]) -> None:
        cast(forms.MultipleChoiceField, self.fields[name]).choices = choices

    def clean_published_at(self) -> datetime | None:
        return self._on_business_clock("published_at")

    def clean_expires_at(self) -> datetime | None:
        return self._on_business_clock("expires_at")

    def _on_business_clock(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        within_dates(value)
        return in_zone(value, business().time_zone)

    def information_input(self) -> InformationInput:
        data = self.cleaned_data
        return InformationInput(
            code=data["code"],
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            topics=data["topics"],
            categories=data.get("categories") or [],
            brands=data.get("brands") or [],
            segment=data.get("segment") or "",
            published_at=data["published_at"],
            expires_at=data.get("expires_at"),
            title_translations=data.get("title_translations") or {},
            body_translations=data.get("body_translations") or {},
        )


def information_initial(item: InformationItem) -> dict[str, Any]:
    """The form's values from a saved item, its times on the business's clock."""
    zone = business().time_zone
    return {
        "code": item.code,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "topics": [topic.code for topic in item.topics.all()],
        "categories": item.categories,
        "brands": item.brands,
        "segment": item.segment.code if item.segment_id else "",  # type: ignore[union-attr]
        "published_at": local_wall(item.published_at, zone),
        "expires_at": local_wall(item.expires_at, zone),
        **translations_initial(item, ("title", "body")),
    }


class TopicForm(LoyaltyForm):
    """A topic members may choose, named in each of the business's languages."""

    id_prefix = "topic"
    in_languages = ("name",)

    code = code_field()
    name = forms.CharField(label=gettext_lazy("Name"), max_length=TOPIC_NAME_MAX)

    def topic_input(self) -> TopicInput:
        data = self.cleaned_data
        return TopicInput(
            code=data["code"], name=data["name"], name_translations=data.get("name_translations") or {}
        )
