"""The form of the club events pages: an event's name and description in each of the business's languages,
its kind, its dates on the business's clock, place or link, capacity, who may come (tiers, a segment) and
the points coming earns. It shapes input; segments.event_services decides what is valid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

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
from patronage.loyalty.selectors import program_list
from patronage.loyalty.selectors.standing import tiers_by_program
from patronage.segments.event_services import ATTENDANCE_POINTS_MAX, CAPACITY_MAX, ClubEventInput
from patronage.segments.models import ClubEvent, ClubEventKind
from patronage.segments.selectors import segment_list


class ClubEventForm(LoyaltyForm):
    """A club event. Its code is fixed once it exists (the API and the invitations name it)."""

    id_prefix = "event"
    in_languages = ("name", "description")

    code = code_field()
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ClubEventKind.choices)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"), widget=local_input(), help_text=gettext_lazy("On the business's clock.")
    )
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends"), widget=local_input())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    link = forms.CharField(
        label=gettext_lazy("Link"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("For an event online: its web address."),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Seats"),
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text=gettext_lazy("Those who register once the seats are taken join the waiting list."),
    )
    tiers = forms.MultipleChoiceField(
        label=gettext_lazy("For the members of these tiers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segment = forms.ChoiceField(
        label=gettext_lazy("Or of this segment"),
        required=False,
        help_text=gettext_lazy("Neither tiers nor a segment: every member may come."),
    )
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    attendance_points = forms.IntegerField(
        label=gettext_lazy("Points for coming"),
        min_value=0,
        max_value=ATTENDANCE_POINTS_MAX,
        initial=0,
        help_text=gettext_lazy("Earned once, at check-in, in the program above."),
    )

    def __init__(self, *args: Any, event: ClubEvent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tiers: dict[str, str] = {}
        for program, program_tiers in tiers_by_program():
            for tier in program_tiers:
                tiers.setdefault(
                    tier.code, f"{in_reader_language(tier, 'name')} ({in_reader_language(program, 'name')})"
                )
        self._choices_set("tiers", list(tiers.items()))
        self._choices_set(
            "segment",
            [("", "—"), *((segment.code, in_reader_language(segment, "name")) for segment in segment_list())],
        )
        programs = [(program.code, in_reader_language(program, "name")) for program in program_list()]
        self._choices_set("program", [("", "—"), *programs])
        for name, field in self.fields.items():
            if name.startswith("description_in_"):
                field.widget = forms.Textarea(attrs={**field.widget.attrs, "rows": 4})
        if event is not None:
            self.fields["code"].disabled = True

    def clean_starts_at(self) -> datetime | None:
        return self._on_business_clock("starts_at")

    def clean_ends_at(self) -> datetime | None:
        return self._on_business_clock("ends_at")

    def _on_business_clock(self, name: str) -> datetime | None:
        wall = self.cleaned_data.get(name)
        within_dates(wall)
        return in_zone(wall, business().time_zone)

    def event_input(self) -> ClubEventInput:
        data = self.cleaned_data
        return ClubEventInput(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            description=data["description"],
            place=data["place"],
            link=data["link"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            tiers=data["tiers"],
            segment=data["segment"],
            program=data["program"],
            attendance_points=data["attendance_points"],
            name_translations=data.get("name_translations") or {},
            description_translations=data.get("description_translations") or {},
        )


def event_initial(event: ClubEvent) -> dict[str, Any]:
    """The form's values from a saved event, its dates as the business's staff type them."""
    zone = business().time_zone
    return {
        "code": event.code,
        "name": event.name,
        "description": event.description,
        "kind": event.kind,
        "starts_at": local_wall(event.starts_at, zone),
        "ends_at": local_wall(event.ends_at, zone),
        "place": event.place,
        "link": event.link,
        "capacity": event.capacity,
        "tiers": list(event.tiers),
        "segment": event.segment.code if event.segment else "",
        "program": event.program.code if event.program else "",
        "attendance_points": event.attendance_points,
        **translations_initial(event, ("name", "description")),
    }
