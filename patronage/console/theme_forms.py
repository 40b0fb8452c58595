"""The forms of a survey's themes page: renaming a theme, merging it into another, and the filter of a
theme's answers. They shape input; feedback.theme_services decides what is valid, and its errors go on the
input they name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.console.loyalty_forms.base import LoyaltyForm
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.errors import ApplicationError
from patronage.core.names import in_reader_language
from patronage.feedback.models import Sentiment, Theme
from patronage.feedback.theme_services import NAME_MAX


class ThemeRenameForm(LoyaltyForm):
    """The theme's name in the business's main language, and in each of its others."""

    in_languages = ("name",)
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        self.id_prefix = f"theme_{theme.pk}"
        kwargs.setdefault("initial", {"name": theme.name, **translations_initial(theme, self.in_languages)})
        super().__init__(*args, **kwargs)
        self.theme = theme


class ThemeMergeForm(forms.Form):
    """The themes of the same question and language this one may join."""

    into = forms.TypedChoiceField(label=_("Join it into"), coerce=int)

    def __init__(self, *args: Any, theme: Theme, choices: Sequence[Theme], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"theme_{theme.pk}_%s")
        super().__init__(*args, **kwargs)
        self.theme = theme
        field = self.fields["into"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (other.pk, in_reader_language(other, "name") or _("(no words in common)")) for other in choices
        ]

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error("into", error.message)


class ThemeAnswersForm(forms.Form):
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("any")), *Sentiment.choices]
    )
