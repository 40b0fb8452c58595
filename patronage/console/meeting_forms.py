"""The forms of the advisory meeting pages: the meeting (its title in each of the business's languages, its
time on the business's clock, its place and agenda), finding customers to invite, each guest's attendance
and note, and the meeting's notes. They shape input; feedback.meetings decides what is valid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.care.models import Case
from patronage.commerce.models import Store
from patronage.console.forms import ServiceForm
from patronage.console.loyalty_forms.base import LoyaltyForm, in_zone, local_input, local_wall, within_dates
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.business import business
from patronage.feedback.meetings import (
    AGENDA_MAX,
    GUEST_NOTE_MAX,
    INVITE_MAX,
    NOTES_MAX,
    PLACE_MAX,
    TITLE_MAX,
    MeetingInput,
)
from patronage.feedback.models import Attendance, Meeting
from patronage.members.models import Member, MemberStatus

# The search finds a page of customers to choose from: the meeting is a small group.
FOUND_MAX = 20
SEARCH_MAX = 200


class MeetingForm(LoyaltyForm):
    """The meeting's title in each language, when (on the business's clock), where and what about."""

    id_prefix = "meeting"
    in_languages = ("title",)

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=local_input(), help_text=_("On the business's clock.")
    )
    store = forms.ChoiceField(label=_("Store"), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=PLACE_MAX,
        required=False,
        help_text=_("Where guests should come, as the invitation says it; empty: the store's name."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=AGENDA_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to hear about; the invitation quotes it."),
    )

    def __init__(self, *args: Any, stores: Iterable[Store] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set("store", [("", _("none")), *((str(store.pk), store.name) for store in stores)])

    def clean_starts_at(self) -> datetime | None:
        starts_at = self.cleaned_data.get("starts_at")
        within_dates(starts_at)
        return in_zone(starts_at, business().time_zone)

    def meeting_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            title=data["title"],
            title_translations=data.get("title_translations") or {},
            starts_at=data["starts_at"],
            place=data.get("place") or "",
            store_id=int(data["store"]) if data.get("store") else None,
            agenda=data.get("agenda") or "",
        )


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "starts_at": local_wall(meeting.starts_at, business().time_zone),
        "store": str(meeting.store_id or ""),
        "place": meeting.place,
        "agenda": meeting.agenda,
        **translations_initial(meeting, ("title",)),
    }


class FindForm(forms.Form):
    """Customers to invite, found as the customer list finds them."""

    find = forms.CharField(
        label=_("Find customers"),
        max_length=SEARCH_MAX,
        required=False,
        help_text=_("Their e-mail, phone, card number, name or #id, as in the customer list."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "find_%s")
        super().__init__(*args, **kwargs)


class InviteForm(ServiceForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=Member.objects.filter(status=MemberStatus.ACTIVE),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("One of the customers is no longer an active customer.")},
    )

    def clean_members(self) -> Any:
        members = self.cleaned_data["members"]
        if len(members) > INVITE_MAX:
            raise forms.ValidationError(_("At most %(max)d customers at a time."), params={"max": INVITE_MAX})
        return members


class AttendanceForm(ServiceForm):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)


class GuestNoteForm(ServiceForm):
    """What the guest said, and the case of theirs it follows up (it becomes an internal note there)."""

    note = forms.CharField(
        label=_("What they said"), max_length=GUEST_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    case = forms.ChoiceField(label=_("Also on their case"), required=False)

    def __init__(self, *args: Any, cases: Sequence[Case] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cases = {str(case.pk): case for case in cases}
        cast(forms.ChoiceField, self.fields["case"]).choices = [
            ("", _("none")),
            *((key, f"{case.reference} · {case.summary}") for key, case in self._cases.items()),
        ]

    def chosen_case(self) -> Case | None:
        return self._cases.get(self.cleaned_data.get("case") or "")


class MeetingNotesForm(ServiceForm):
    notes = forms.CharField(
        label=_("Meeting notes"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was said, by everyone; each guest's own words go beside their name."),
    )
