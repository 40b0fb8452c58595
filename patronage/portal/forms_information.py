"""The member's information choices: the topics they want to hear about and how often a digest comes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.core.names import in_reader_language
from patronage.segments.information_selectors import information_topic_list
from patronage.segments.models import DigestFrequency


class InterestsForm(forms.Form):
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    frequency = forms.ChoiceField(
        label=_("A digest by e-mail"),
        choices=DigestFrequency.choices,
        initial=DigestFrequency.NEVER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["topics"]).choices = [
            (topic.code, in_reader_language(topic, "name")) for topic in information_topic_list()
        ]
