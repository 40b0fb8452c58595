"""What every loyalty form shares: the idempotency key, service errors on fields, the program's clock."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patronage.console.loyalty_forms.names import field_of_error, languages_add, translations_gather
from patronage.core.errors import ApplicationError

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
MAX_SIMULATED_LINES = 100
# The earliest and latest times a rule may start or end, or a purchase be simulated at: inside what every
# database and time zone holds (year 1 in Seoul is before year 1 in UTC, which Python cannot hold).
FIRST_DATE = datetime(2000, 1, 1)
LAST_DATE = datetime(2999, 12, 31, 23, 59)


def fresh_key() -> str:
    """An idempotency key rendered into a form, so that submitting it twice books once."""
    return uuid.uuid4().hex


class LoyaltyForm(forms.Form):
    """A form checked again by a loyalty service; the service's errors go on the fields they name."""

    # Several of these forms share one page: each gets its own element ids (the field names stay plain).
    id_prefix = "id"
    # Fields typed in each of the business's languages (names.py): one input per language.
    in_languages: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if self.in_languages:
            languages_add(self, self.in_languages)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.in_languages:
            translations_gather(self, self.in_languages)
        return self.cleaned_data

    def _choices_set(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def add_service_error(self, error: ApplicationError) -> None:
        """Marks each field the error names; one about no field of this form is left to the message."""
        for item in error.errors or []:
            name, message = field_of_error(item.get("field") or ""), item.get("message") or error.message
            if name in self.fields:
                self.add_error(name, message)


def code_field() -> forms.CharField:
    """A record's code, as the API and the other records name it (fixed once it exists)."""
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Lower-case letters, digits, - or _: how the API names it."),
    )


def choices_of(choices: Any, *, blank: str | Promise | None = None) -> list[tuple[str, Any]]:
    options = list(choices)
    return [("", blank), *options] if blank is not None else options


def within_dates(wall: datetime | None) -> None:
    """Refuses a typed time outside FIRST_DATE to LAST_DATE, naming the years."""
    if wall is not None and not FIRST_DATE <= wall.replace(tzinfo=None) <= LAST_DATE:
        raise forms.ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            params={"first": FIRST_DATE.year, "last": LAST_DATE.year},
        )


def local_input() -> forms.DateTimeInput:
    """A datetime-local input that offers only the dates within_dates takes."""
    return forms.DateTimeInput(
        attrs={
            "type": "datetime-local",
            "min": FIRST_DATE.strftime(LOCAL_MINUTE),
            "max": LAST_DATE.strftime(LOCAL_MINUTE),
        },
        format=LOCAL_MINUTE,
    )


def in_zone(value: datetime | None, time_zone: str) -> datetime | None:
    """A wall-clock time typed in a form, read on the program's clock rather than the server's."""
    if value is None:
        return None
    wall = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return wall.replace(tzinfo=ZoneInfo(time_zone))


def local_wall(value: datetime | None, time_zone: str) -> datetime | None:
    """An instant as the wall-clock time the program's staff type, for a form's initial value."""
    return value.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None) if value else None


# --- Program settings -------------------------------------------------------------------------------------
