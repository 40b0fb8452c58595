"""The forms of the standards pages: a standard (its name and unit in each of the business's languages, its
target, minimum and the share that should meet the target as a percent a person types), a measurement typed
by hand (its time on the business's clock), and the page's choice of periods. They shape input;
standards.services decides what is valid."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patronage.care.models import CaseChannel, Team
from patronage.commerce.models import Store
from patronage.console.loyalty_forms.base import LoyaltyForm, in_zone, local_input, local_wall, within_dates
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core import clock
from patronage.core.business import business
from patronage.core.errors import ApplicationError
from patronage.core.models import User
from patronage.standards.models import Direction, Period, Source, Standard
from patronage.standards.services import EXTERNAL_ID_MAX, VALUE_LIMIT, MeasurementInput, StandardInput
from patronage.standards.standard_page import PERIODS_MAX, PERIODS_SHOWN


def _number(label: Any, **kwargs: Any) -> forms.FloatField:
    return forms.FloatField(label=label, min_value=-VALUE_LIMIT, max_value=VALUE_LIMIT, **kwargs)


def _who(user: User) -> str:
    return user.get_full_name() or user.get_username()


class _PlacesForm(LoyaltyForm):
    """A form that names a team, a store and staff: each offered as a choice of those that exist."""

    def _places_set(self, *, teams: Iterable[Team], stores: Iterable[Store], staff: Iterable[User]) -> None:
        none = [("", "—")]
        self._choices_set("team", [*none, *((team.name, team.name) for team in teams)])
        self._choices_set("store", [*none, *((store.code, store.name) for store in stores)])
        for name in ("owner", "employee"):
            if name in self.fields:
                self._choices_set(name, [*none, *((user.get_username(), _who(user)) for user in staff)])


class StandardForm(_PlacesForm):
    """A standard: what is measured and in which unit, what counts as good, where it applies, who owns it.
    Its code and source are fixed once it exists (its measurements were taken under them)."""

    id_prefix = "standard"
    in_languages = ("name", "unit")

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Lower-case letters, digits, - or _: how the API and uploads name it."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("Such as rings, seconds or minutes."))
    direction = forms.ChoiceField(label=_("Better is"), choices=Direction.choices)
    target = _number(
        pgettext_lazy("goal", "Target"), help_text=_("The value a measurement should reach, such as 2 rings.")
    )
    minimum = _number(
        _("Minimum"),
        help_text=_("No measurement should be worse than this, such as never more than 4 rings."),
    )
    target_share = forms.FloatField(
        label=_("Share meeting the target (%)"),
        min_value=0.01,
        max_value=100,
        initial=95,
        help_text=_("A percentage: 95 means 95 in every 100 measurements."),
    )
    source = forms.ChoiceField(label=_("Measured from"), choices=Source.choices)
    period = forms.ChoiceField(label=_("Judged over"), choices=Period.choices, initial=Period.WEEK)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    store = forms.ChoiceField(label=_("Store"), required=False)
    owner = forms.ChoiceField(
        label=_("Owner"), required=False, help_text=_("Warned when a period passes the minimum.")
    )

    def __init__(
        self,
        *args: Any,
        standard: Standard | None = None,
        teams: Iterable[Team] = (),
        stores: Iterable[Store] = (),
        staff: Iterable[User] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set("channel", [("", "—"), *CaseChannel.choices])
        self._places_set(teams=teams, stores=stores, staff=staff)
        if standard is not None:
            self.fields["code"].disabled = True
            self.fields["source"].disabled = True

    def clean_target_share(self) -> float | None:
        percent = self.cleaned_data.get("target_share")
        return None if percent is None else percent / 100

    def standard_input(self) -> StandardInput:
        data = self.cleaned_data
        return StandardInput(
            code=data["code"],
            name=data["name"],
            unit=data["unit"],
            direction=data["direction"],
            target=data["target"],
            minimum=data["minimum"],
            target_share=data["target_share"],
            source=data["source"],
            period=data["period"],
            name_translations=data.get("name_translations") or {},
            unit_translations=data.get("unit_translations") or {},
            channel=data.get("channel") or "",
            team=data.get("team") or "",
            store=data.get("store") or "",
            owner=data.get("owner") or "",
        )


def standard_initial(standard: Standard) -> dict[str, Any]:
    """The form's values from a saved standard: its share as the percent a person typed."""
    return {
        "code": standard.code,
        "name": standard.name,
        "unit": standard.unit,
        "direction": standard.direction,
        "target": standard.target,
        "minimum": standard.minimum,
        "target_share": round(standard.target_share * 100, 4),
        "source": standard.source,
        "period": standard.period,
        "channel": standard.channel,
        "team": standard.team.name if standard.team else "",
        "store": standard.store.code if standard.store else "",
        "owner": standard.owner.get_username() if standard.owner else "",
        **translations_initial(standard, ("name", "unit")),
    }


class MeasurementForm(_PlacesForm):
    """One measurement typed by hand: its value, when (on the business's clock), who, which team and store."""

    id_prefix = "measurement"

    value = _number(_("Value"))
    at = forms.DateTimeField(label=_("When"), widget=local_input(), help_text=_("On the business's clock."))
    employee = forms.ChoiceField(label=_("Employee"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    store = forms.ChoiceField(label=_("Store"), required=False)
    external_id = forms.CharField(
        label=_("External id"),
        max_length=EXTERNAL_ID_MAX,
        required=False,
        help_text=_("The id another system gives it, so that entering it twice counts it once."),
    )

    def __init__(
        self,
        *args: Any,
        teams: Iterable[Team] = (),
        stores: Iterable[Store] = (),
        staff: Iterable[User] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._places_set(teams=teams, stores=stores, staff=staff)

    def clean_at(self) -> datetime | None:
        at = self.cleaned_data.get("at")
        within_dates(at)
        return in_zone(at, business().time_zone)

    def measurement_input(self) -> MeasurementInput:
        data = self.cleaned_data
        return MeasurementInput(
            value=data["value"],
            at=data["at"],
            employee=data.get("employee") or "",
            team=data.get("team") or "",
            store=data.get("store") or "",
            external_id=data.get("external_id") or "",
        )

    def add_service_error(self, error: ApplicationError) -> None:
        """The service names the batch's one item (`items.0.value`): each message goes on its input."""
        for item in error.errors or []:
            name = (item.get("field") or "").removeprefix("items.0.")
            if name in self.fields:
                self.add_error(name, item.get("message") or error.message)


def measurement_now() -> dict[str, Any]:
    """A new measurement's time: now, to the minute, as the business's clock shows it."""
    now = local_wall(clock.now(), business().time_zone)
    return {"at": now.replace(second=0, microsecond=0) if now else None}


class RangeForm(forms.Form):
    """Which periods a standard's page shows: their kind, how many up to today, and the period its tables
    break down."""

    period = forms.ChoiceField(label=_("Periods"), choices=Period.choices, required=False)
    count = forms.IntegerField(
        label=_("How many"), min_value=1, max_value=PERIODS_MAX, required=False, initial=PERIODS_SHOWN
    )
    at = forms.DateField(label=_("Period shown in the tables"), required=False, widget=forms.HiddenInput)

    def chosen(self, default_period: str) -> tuple[str, int, date | None]:
        """The kind, the count and the chosen period's start; the defaults where a value is missing or bad."""
        if not self.is_bound:
            return default_period, PERIODS_SHOWN, None
        self.is_valid()  # fills cleaned_data with the fields that are good, even when another is not
        data = self.cleaned_data
        return (
            data.get("period") or default_period,
            data.get("count") or PERIODS_SHOWN,
            data.get("at"),
        )
