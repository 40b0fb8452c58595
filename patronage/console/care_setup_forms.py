"""The forms of the desk's set-up pages: SLA policies, the calendar editor with its preview and import,
categories, root causes and teams.

They shape input; care.setup decides what is valid, and its errors go on the fields they name. A target is
typed as a number and a unit ("30 seconds", "2 days") and stored in seconds. The calendar editor offers
three rows of opening hours per weekday, so it works without its script, which only adds and removes rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

import holidays as national_holidays
from babel import Locale, UnknownLocaleError
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language, pgettext_lazy, to_locale
from django.utils.translation import gettext_lazy as _

from patronage.care import setup
from patronage.care.models import (
    BusinessCalendar,
    CaseChannel,
    CaseType,
    Category,
    ReplyTemplate,
    Severity,
    SlaPolicy,
)
from patronage.care.services import REPLY_MAX
from patronage.care.sla import WEEKDAYS
from patronage.console.loyalty_forms.base import LoyaltyForm, in_zone, local_input, within_dates
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.errors import ApplicationError
from patronage.core.models import User

# Sorted once per process: some 600 names that do not change while it runs.
ZONES = sorted(available_timezones() - {"localtime"})
UNITS = (("seconds", 1), ("minutes", 60), ("hours", 3600), ("days", 86_400))
UNIT_CHOICES = [
    ("seconds", _("seconds")),
    ("minutes", _("minutes")),
    ("hours", _("hours")),
    ("days", _("days")),
]
WEEKDAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")),
        strict=True,
    )
)
INTERVAL_ROWS = 3  # rows per weekday offered without the script
MAX_INTERVAL_ROWS = 12
IMPORT_MAX_BYTES = 100_000
LEGS = (
    ("first_response", _("First response")),
    ("next_response", _("Next response")),
    ("resolution", _("Resolution")),
    ("follow_up", _("Follow-up")),
)


def duration_parts(seconds: int | None) -> tuple[int | None, str]:
    """Seconds as the largest unit that holds them whole: 7200 is (2, 'hours'), 90 is (90, 'seconds')."""
    if not seconds:
        return None, "hours"
    for unit, size in reversed(UNITS):
        if seconds % size == 0:
            return seconds // size, unit
    return seconds, "seconds"


def duration_seconds(amount: int | None, unit: str) -> int | None:
    return None if amount is None else amount * dict(UNITS)[unit]


def _amount_field(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=setup.TARGET_MAX,
        widget=forms.NumberInput(attrs={"class": "amount"}),
    )


# --- SLA policies --------------------------------------------------------------------------------------


class PolicyForm(LoyaltyForm):
    id_prefix = "policy"
    name = forms.CharField(label=_("Name"), max_length=setup.NAME_MAX)
    calendar = forms.ChoiceField(label=_("Business calendar"), required=False)
    case_types = forms.MultipleChoiceField(
        label=_("Case types"), choices=CaseType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    severities = forms.MultipleChoiceField(
        label=_("Severities"), choices=Severity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=CaseChannel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        required=False,
        help_text=_("A category covers the categories under it."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    tiers = forms.MultipleChoiceField(
        label=_("Member's tier"),
        required=False,
        help_text=_("A member in such a tier of any program matches."),
        widget=forms.CheckboxSelectMultiple,
    )
    min_predicted_value = forms.DecimalField(
        label=_("Predicted customer value at least"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("From the customer lifetime value analysis; empty: any customer."),
    )
    warn_percents = forms.CharField(
        label=_("Warn at (percent of the target used)"),
        required=False,
        max_length=100,
        help_text=_("Numbers from 1 to 99, separated by commas, e.g. 50, 80."),
    )
    CONDITIONS = ("case_types", "severities", "channels", "categories", "tiers", "min_predicted_value")

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        initial: dict[str, Any] | None = None,
        calendars: Iterable[BusinessCalendar],
        categories: Sequence[tuple[int, str]],
        tiers: Sequence[tuple[str, str]],
        is_default: bool = False,
    ) -> None:
        super().__init__(data, initial=initial)
        self._choices_set(
            "calendar",
            [("", _("Round the clock (no calendar)")), *((str(c.pk), c.name) for c in calendars)],
        )
        self._choices_set("categories", [(str(pk), name) for pk, name in categories])
        self._choices_set("tiers", list(tiers))
        if not tiers:
            del self.fields["tiers"]
        if is_default:
            for name in self.CONDITIONS:
                self.fields.pop(name, None)
        for leg, label in LEGS:
            self.fields[f"{leg}_amount"] = _amount_field(label)
            self.fields[f"{leg}_unit"] = forms.ChoiceField(
                label=_("unit"), choices=UNIT_CHOICES, initial="hours"
            )

    def target_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(str(label), self[f"{leg}_amount"], self[f"{leg}_unit"]) for leg, label in LEGS]

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONDITIONS if name in self.fields]

    def clean_warn_percents(self) -> list[int]:
        text = self.cleaned_data.get("warn_percents") or ""
        pieces = [piece for piece in re.split(r"[\s,;]+", text) if piece]
        if not all(piece.isdigit() for piece in pieces):
            raise forms.ValidationError(_("Give whole numbers from 1 to 99, separated by commas."))
        return [int(piece) for piece in pieces]

    def policy_input(self) -> setup.PolicyInput:
        data = self.cleaned_data
        calendar = data.get("calendar")
        targets = {
            f"{leg}_seconds": duration_seconds(data.get(f"{leg}_amount"), data.get(f"{leg}_unit") or "hours")
            for leg, _label in LEGS
        }
        return setup.PolicyInput(
            name=data["name"],
            calendar_id=int(calendar) if calendar else None,
            case_types=data.get("case_types") or (),
            severities=data.get("severities") or (),
            channels=data.get("channels") or (),
            category_ids=[int(pk) for pk in data.get("categories") or ()],
            tiers=data.get("tiers") or (),
            min_predicted_value=data.get("min_predicted_value"),
            warn_percents=data.get("warn_percents") or (),
            **targets,
        )

    def add_service_error(self, error: ApplicationError) -> None:
        for item in error.errors or []:
            name = item.get("field") or ""
            if name.endswith("_seconds"):
                name = name.removesuffix("_seconds") + "_amount"
            if name in self.fields:
                self.add_error(name, item.get("message") or error.message)


def policy_initial(policy: SlaPolicy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": policy.name,
        "calendar": str(policy.calendar_id or ""),
        "case_types": policy.case_types,
        "severities": policy.severities,
        "channels": policy.channels,
        "categories": [str(c.pk) for c in policy.categories.all()],
        "tiers": policy.tiers,
        "min_predicted_value": policy.min_predicted_value,
        "warn_percents": ", ".join(str(p) for p in policy.warn_percents),
    }
    for leg, _label in LEGS:
        amount, unit = duration_parts(getattr(policy, f"{leg}_seconds"))
        initial[f"{leg}_amount"], initial[f"{leg}_unit"] = amount, unit
    return initial


# --- calendars ---------------------------------------------------------------------------------------------


def country_choices() -> list[tuple[str, str]]:
    """The countries whose national holidays the holidays package knows, by their names in the reader's
    language."""
    names: Mapping[str, str]
    try:
        names = Locale.parse(to_locale(get_language() or "en")).territories
    except (UnknownLocaleError, ValueError):
        names = {}
    codes = [code for code in national_holidays.list_supported_countries() if len(code) == 2]
    named = [(code, f"{names.get(code, code)} ({code})") for code in codes]
    return sorted(named, key=lambda pair: pair[1].casefold())


def _lines(text: str) -> list[str]:
    return [piece for piece in re.split(r"[\s,;]+", text or "") if piece]


def _clock(text: str) -> str:
    """'9:00' as '09:00': the editor takes the hour without its leading zero."""
    text = (text or "").strip()
    return f"0{text}" if re.fullmatch(r"\d:\d\d", text) else text


class CalendarForm(LoyaltyForm):
    """CAL.json as a form: a zone, rows of opening and closing times per weekday, holidays."""

    id_prefix = "calendar"
    name = forms.CharField(label=_("Name"), max_length=setup.NAME_MAX)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[(zone, zone) for zone in ZONES])
    holidays = forms.CharField(
        label=_("Holidays (dates)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-03-02"}),
        help_text=_("One date a line, year-month-day, e.g. 2026-03-02."),
    )
    yearly_holidays = forms.CharField(
        label=_("Holidays every year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "12-25"}),
        help_text=_("One day a line, month-day, e.g. 12-25."),
    )
    country = forms.ChoiceField(label=_("National holidays of"), required=False)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self._choices_set("country", [("", _("none")), *country_choices()])
        self.rows: dict[str, int] = {}
        for day in WEEKDAYS:
            count = max(INTERVAL_ROWS, _rows_in(data or initial or {}, day))
            self.rows[day] = count
            for row in range(count):
                for end in ("start", "end"):
                    self.fields[f"{day}_{end}_{row}"] = forms.CharField(
                        label=_("opens") if end == "start" else _("closes"),
                        required=False,
                        max_length=5,
                        widget=forms.TextInput(
                            attrs={
                                "class": "clock",
                                "placeholder": "09:00" if end == "start" else "18:00",
                                "inputmode": "numeric",
                                "size": 5,
                            }
                        ),
                    )
        self._row_of: dict[tuple[str, int], int] = {}

    def weekdays(self) -> list[tuple[str, str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (
                day,
                str(WEEKDAY_LABELS[day]),
                [(self[f"{day}_start_{row}"], self[f"{day}_end_{row}"]) for row in range(self.rows[day])],
            )
            for day in WEEKDAYS
        ]

    def document(self) -> dict[str, Any]:
        """The CAL.json the form describes; a row with neither time is left out."""
        data = self.cleaned_data
        hours: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            intervals: list[list[str]] = []
            for row in range(self.rows[day]):
                start, end = (
                    _clock(data.get(f"{day}_start_{row}", "")),
                    _clock(data.get(f"{day}_end_{row}", "")),
                )
                if start or end:
                    self._row_of[(day, len(intervals))] = row
                    intervals.append([start, end])
            if intervals:
                hours[day] = intervals
        document: dict[str, Any] = {"timezone": data["timezone"]}
        # No hours at all: open round the clock, as CAL.json says it.
        if hours:
            document["hours"] = hours
        if holidays := _lines(data.get("holidays", "")):
            document["holidays"] = holidays
        if yearly := _lines(data.get("yearly_holidays", "")):
            document["yearly_holidays"] = yearly
        if data.get("country"):
            document["country"] = data["country"]
        return document

    def calendar_input(self) -> setup.CalendarInput:
        return setup.CalendarInput(name=self.cleaned_data["name"], document=self.document())

    def add_service_error(self, error: ApplicationError) -> None:
        for item in error.errors or []:
            name, message = item.get("field") or "", item.get("message") or error.message
            found = re.fullmatch(r"hours\.(\w+)\[(\d+)\]", name)
            if found and (found[1], int(found[2])) in self._row_of:
                name = f"{found[1]}_start_{self._row_of[(found[1], int(found[2]))]}"
            else:
                name = name.split("[")[0]
            self.add_error(name if name in self.fields else None, message)


def _rows_in(values: Mapping[str, Any], day: str) -> int:
    """How many rows a day needs: the rows sent (the script may have added some), or the stored intervals."""
    sent = [int(m[1]) for key in values if (m := re.fullmatch(rf"{day}_start_(\d+)", str(key)))]
    rows = max(sent, default=-1) + 1
    return min(rows, MAX_INTERVAL_ROWS)


def calendar_initial(name: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The editor's values for a stored (checked) CAL.json document."""
    initial: dict[str, Any] = {
        "name": name,
        "timezone": document.get("timezone", ""),
        "holidays": "\n".join(document.get("holidays") or ()),
        "yearly_holidays": "\n".join(document.get("yearly_holidays") or ()),
        "country": document.get("country") or "",
    }
    for day, intervals in (document.get("hours") or {}).items():
        for row, (start, end) in enumerate(intervals[:MAX_INTERVAL_ROWS]):
            initial[f"{day}_start_{row}"], initial[f"{day}_end_{row}"] = start, end
    return initial


class PreviewForm(forms.Form):
    """When a target would fall due on the calendar being edited: a start in its zone and a duration."""

    start = forms.DateTimeField(
        label=_("Starting at"),
        required=False,
        widget=local_input(),
        help_text=_("In the calendar's time zone; empty: now."),
    )
    amount = _amount_field(pgettext_lazy("goal", "Target"))
    unit = forms.ChoiceField(label=_("unit"), choices=UNIT_CHOICES, initial="hours")

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, prefix="preview", **kwargs)

    def clean_start(self) -> datetime | None:
        start = self.cleaned_data.get("start")
        within_dates(start)
        return cast(datetime | None, start)

    def start_in(self, zone: ZoneInfo, now: datetime) -> datetime:
        start = in_zone(self.cleaned_data.get("start"), zone.key)
        return start if start is not None else now.astimezone(zone)

    def seconds(self) -> int | None:
        return duration_seconds(self.cleaned_data.get("amount"), self.cleaned_data.get("unit") or "hours")


class CalendarImportForm(LoyaltyForm):
    id_prefix = "import"
    name = forms.CharField(
        label=_("Name"),
        max_length=setup.NAME_MAX,
        help_text=_("A calendar of this name is replaced; otherwise a new one is made."),
    )
    file = forms.FileField(label=_("CAL.json file"), required=False)
    text = forms.CharField(
        label=_("or paste it"),
        required=False,
        max_length=IMPORT_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload: UploadedFile | None = data.get("file")
        if upload is not None:
            if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
                self.add_error(
                    "file", _("The file is larger than 100 KB; a calendar is a few hundred bytes.")
                )
                return data
            raw, field = upload.read(), "file"
        else:
            raw, field = (data.get("text") or "").encode(), "text"
        if not raw.strip():
            self.add_error("file", _("Choose a CAL.json file or paste its text."))
            return data
        try:
            data["document"] = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            self.add_error(field, _("This is not JSON: %(problem)s") % {"problem": error})
        return data

    def calendar_input(self) -> setup.CalendarInput:
        return setup.CalendarInput(name=self.cleaned_data["name"], document=self.cleaned_data["document"])

    def add_service_error(self, error: ApplicationError) -> None:
        for item in error.errors or []:
            name, message = item.get("field") or "", item.get("message") or error.message
            if name == "name":
                self.add_error("name", message)
            else:
                # A place in the document: said with its path, on the input the document came from.
                where = "file" if self.cleaned_data.get("file") else "text"
                self.add_error(where, f"{name}: {message}")


# --- categories, root causes and teams -------------------------------------------------------------------


def category_tree(categories: Iterable[Category]) -> list[tuple[Category, int]]:
    """The categories in tree order, each with its depth (0 for a root)."""
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Category, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            ordered.append((child, depth))
            if depth < setup.CATEGORY_DEPTH:
                walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


class CategoryForm(LoyaltyForm):
    id_prefix = "category"
    in_languages = ("name",)
    name = forms.CharField(label=_("Name"), max_length=setup.NAME_MAX)
    parent = forms.ChoiceField(label=_("Under"), required=False)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=10_000,
        initial=0,
        help_text=_("Lower comes first among its siblings."),
    )

    def __init__(self, *args: Any, parents: Sequence[tuple[Category, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set(
            "parent",
            [("", _("(top level)")), *((str(c.pk), "— " * depth + c.name) for c, depth in parents)],
        )

    def category_input(self) -> setup.CategoryInput:
        data = self.cleaned_data
        return setup.CategoryInput(
            name=data["name"],
            name_translations=data.get("name_translations"),
            parent_id=int(data["parent"]) if data.get("parent") else None,
            position=data["position"],
        )


class RootCauseForm(LoyaltyForm):
    id_prefix = "cause"
    in_languages = ("name",)
    name = forms.CharField(label=_("Name"), max_length=setup.NAME_MAX)

    def root_cause_input(self) -> setup.RootCauseInput:
        return setup.RootCauseInput(
            name=self.cleaned_data["name"], name_translations=self.cleaned_data.get("name_translations")
        )


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


class TeamForm(LoyaltyForm):
    id_prefix = "team"
    name = forms.CharField(label=_("Name"), max_length=setup.NAME_MAX)
    lead = forms.ChoiceField(
        label=_("Lead"), required=False, help_text=_("Told when the team's cases breach.")
    )
    members = forms.MultipleChoiceField(
        label=_("Agents"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, workers: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(user.pk), _person(user)) for user in workers]
        self._choices_set("lead", [("", _("no lead")), *people])
        self._choices_set("members", people)

    def team_input(self) -> setup.TeamInput:
        data = self.cleaned_data
        return setup.TeamInput(
            name=data["name"],
            lead_id=int(data["lead"]) if data.get("lead") else None,
            member_ids=[int(pk) for pk in data.get("members") or ()],
        )


# --- saved replies -----------------------------------------------------------------------------------------


class ReplyTemplateForm(LoyaltyForm):
    id_prefix = "reply"
    in_languages = ("name", "body")
    name = forms.CharField(
        label=_("Name"), max_length=setup.NAME_MAX, help_text=_("What agents choose it by.")
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Filled in on the case: {name} the customer's name, {reference} the case's reference, "
            "{agent} the agent's first name, {business} the business's name."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        help_text=_(
            "Offered first on the cases of this category and the ones under it; on every case all the same."
        ),
    )
    position = forms.IntegerField(
        label=_("Position"), min_value=0, max_value=10_000, initial=0, help_text=_("Lower comes first.")
    )
    active = forms.BooleanField(label=_("Offered to agents"), required=False, initial=True)

    def __init__(self, *args: Any, categories: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set(
            "category", [("", _("(any category)")), *((str(pk), name) for pk, name in categories)]
        )
        # The text in each other language is as long as the main one, so it gets a box as large.
        for name, field in self.fields.items():
            if name.startswith("body_in_"):
                field.widget = forms.Textarea(attrs={"rows": 6, **field.widget.attrs})

    def reply_template_input(self) -> setup.ReplyTemplateInput:
        data = self.cleaned_data
        return setup.ReplyTemplateInput(
            name=data["name"],
            name_translations=data.get("name_translations"),
            body=data["body"],
            body_translations=data.get("body_translations"),
            category_id=int(data["category"]) if data.get("category") else None,
            position=data["position"],
            active=data["active"],
        )


def reply_template_initial(template: ReplyTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "body": template.body,
        "category": str(template.category_id or ""),
        "position": template.position,
        "active": template.active,
    } | translations_initial(template, ReplyTemplateForm.in_languages)
