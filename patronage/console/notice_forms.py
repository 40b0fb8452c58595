"""The form of a new proactive notice: what happened and the apology, in each of the business's languages;
whom it touches (orders pasted, a product bought in a period, or customers listed); optional goodwill.

It shapes input; care.notices decides what is valid, and its errors go on the fields they name (a
translation's on its language's input)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from patronage.care.models import NoticeKind
from patronage.care.notices import MESSAGE_MAX, TITLE_MAX, NoticeInput
from patronage.console import case_file
from patronage.console.loyalty_forms.base import FIRST_DATE, LAST_DATE, LoyaltyForm
from patronage.console.loyalty_forms.names import language_field_name
from patronage.core.business import business_languages
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import Program
from patronage.loyalty.services.points import MAX_POINTS

# Pasted lists: one per line, or separated by commas or semicolons.
SEPARATORS = re.compile(r"[,;\r\n]+")
LIST_MAX_CHARS = 1_000_000


def _listed(text: str) -> list[str]:
    return [item.strip() for item in SEPARATORS.split(text or "") if item.strip()]


def _day() -> forms.DateField:
    """A date the browser offers and the server takes only within FIRST_DATE to LAST_DATE."""
    first, last = FIRST_DATE.date(), LAST_DATE.date()
    return forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "min": first.isoformat(), "max": last.isoformat()}),
        validators=[MinValueValidator(first), MaxValueValidator(last)],
    )


class NoticeForm(LoyaltyForm):
    id_prefix = "notice"
    in_languages = ("title", "message")

    kind = forms.ChoiceField(label=_("What happened"), choices=NoticeKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, help_text=_("The e-mail's subject: what happened, in a line.")
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The apology and what happens now. It follows our words of apology in the e-mail."),
    )
    order_numbers = forms.CharField(
        label=_("Order numbers"),
        required=False,
        max_length=LIST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Paste them one per line or separated by commas: their customers are told."),
    )
    product = forms.CharField(
        label=_("Product SKU"),
        required=False,
        max_length=64,
        help_text=_("Its buyers are told; give the period below to tell only those who bought it then."),
    )
    bought_from = _day()
    bought_to = _day()
    members = forms.CharField(
        label=_("Customer numbers"),
        required=False,
        max_length=LIST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customers' numbers (as #1234 on their page), one per line or separated by commas."),
    )
    points = forms.IntegerField(
        label=_("Goodwill points"),
        required=False,
        min_value=1,
        max_value=MAX_POINTS,
        help_text=_("Optional: given to each customer once, when they are told."),
    )
    program = forms.ChoiceField(label=_("Program"), required=False)

    def __init__(self, *args: Any, programs: Sequence[Program] = (), **kwargs: Any) -> None:
        if len(programs) == 1:
            kwargs.setdefault("initial", {}).setdefault("program", str(programs[0].pk))
        super().__init__(*args, **kwargs)
        self.fields["bought_from"].label = _("Bought from")
        self.fields["bought_to"].label = _("Bought until")
        self._choices_set(
            "program", [("", _("Choose the program")), *((str(p.pk), p.reader_name) for p in programs)]
        )
        for code in business_languages()[1:]:  # the message in another language is as long as in the main
            self.fields[language_field_name("message", code)].widget = forms.Textarea(
                attrs={"rows": 5, "lang": code}
            )

    SECTIONS = (
        (_("What happened"), ("kind", "title", "message")),
        (_("Whom it touches"), ("order_numbers", "product", "bought_from", "bought_to", "members")),
        (_("Goodwill (optional)"), ("points", "program")),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in the page's three boxes; each language's title and message after the main one's."""
        boxes = []
        for title, names in self.SECTIONS:
            fields = [
                self[name]
                for name in self.fields
                if name in names
                or any(name.startswith(f"{field}_in_") for field in names if field in self.in_languages)
            ]
            boxes.append((title, fields))
        return boxes

    def clean_product(self) -> int | None:
        sku = (self.cleaned_data.get("product") or "").strip()
        if not sku:
            return None
        try:
            return case_file.product_for_case(text=sku).pk
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from error

    def clean_members(self) -> tuple[int, ...]:
        numbers = []
        for item in _listed(self.cleaned_data.get("members") or ""):
            digits = item.removeprefix("#").strip()
            if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
                raise forms.ValidationError(_("“%(item)s” is not a customer number."), params={"item": item})
            numbers.append(int(digits))
        return tuple(numbers)

    def notice_input(self) -> NoticeInput:
        data = self.cleaned_data
        bought_from: date | None = data.get("bought_from")
        bought_to: date | None = data.get("bought_to")
        return NoticeInput(
            kind=data["kind"],
            title=data["title"],
            message=data["message"],
            title_translations=data.get("title_translations"),
            message_translations=data.get("message_translations"),
            order_numbers=tuple(_listed(data["order_numbers"])),
            product_id=data["product"],
            bought_from=bought_from,
            bought_to=bought_to,
            member_ids=data["members"],
            points=data["points"],
            program_id=int(data["program"]) if data["program"] else None,
        )
