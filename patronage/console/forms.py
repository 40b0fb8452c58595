"""Console forms: they parse and shape input; the domain services decide what is valid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from patronage.console.audit_words import action_label
from patronage.core.apikeys import SCOPES
from patronage.core.brand import LOGO_MAX_BYTES
from patronage.core.errors import ApplicationError
from patronage.core.login_throttle import ThrottledAuthenticationForm
from patronage.core.models import User
from patronage.core.roles import role_label
from patronage.loyalty.models import Program, Tier
from patronage.members import services
from patronage.members.models import ConsentMethod, ConsentPurpose, IdentityKind, Member, MemberStatus
from patronage.members.timeline import kinds_all


class ServiceForm(forms.Form):
    """A form whose input a domain service checks; the service's error goes on the field it names."""

    def add_service_error(self, error: ApplicationError) -> None:
        """Marks each field the error names, with its own message; an error about no field of this form is
        left to the message."""
        for problem in error.errors:
            if problem["field"] in self.fields:
                self.add_error(problem["field"], problem["message"])


class StaffAuthenticationForm(ThrottledAuthenticationForm):
    """The console login: only staff accounts may sign in here; members use the portal."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _(
            "This is a member account. Members sign in on the member portal, not the staff console."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff_member:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


class MemberSearchForm(forms.Form):
    """The customer list's search, filters and sort; the tier and program pickers list what exists."""

    q = forms.CharField(label=_("Search"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    # Pickers that can also be typed into: the browser offers the values of the datalists the page lists.
    city = forms.CharField(
        label=_("City"), required=False, widget=forms.TextInput(attrs={"list": "city-list"})
    )
    tag = forms.CharField(label=_("Tag"), required=False, widget=forms.TextInput(attrs={"list": "tag-list"}))
    source = forms.CharField(label=_("Source"), required=False)
    joined_from = forms.DateField(
        label=_("Joined from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    joined_to = forms.DateField(
        label=_("Joined to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*MemberStatus.choices, ("all", _("All"))],
        initial=MemberStatus.ACTIVE,
    )
    # Set by the column headings' links, and kept by the search and the filters.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        programs: Sequence[Program] = (),
        tiers: Sequence[tuple[Program, Sequence[Tier]]] = (),
    ) -> None:
        super().__init__(data)
        self._programs = {program.code: program for program in programs}
        self._tiers = {str(tier.pk): tier for _program, program_tiers in tiers for tier in program_tiers}
        if len(programs) > 1:
            program_field = cast(forms.ChoiceField, self.fields["program"])
            program_field.choices = [(program.code, program.name) for program in programs]
        else:
            del self.fields["program"]  # one program or none: nothing to choose
        if self._tiers:
            groups = [
                (program.name, [(str(t.pk), t.name) for t in program_tiers])
                for program, program_tiers in tiers
            ]
            cast(forms.ChoiceField, self.fields["tier"]).choices = [("", _("Any tier")), *groups]
        else:
            del self.fields["tier"]

    def _data(self) -> dict[str, Any]:
        """The values of the fields that are valid: an invalid one is left out, not the whole search."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaning keeps the valid fields' values in cleaned_data
        return self.cleaned_data

    def filters(self) -> dict[str, Any]:
        """The member_list() arguments; an invalid field is dropped rather than failing the search."""
        data = self._data()
        status = data.get("status") or MemberStatus.ACTIVE
        return {
            "search": data.get("q", ""),
            "city": data.get("city", ""),
            "tag": data.get("tag", ""),
            "source": data.get("source", ""),
            "joined_from": data.get("joined_from"),
            "joined_to": data.get("joined_to"),
            "status": "" if status == "all" else status,
        }

    def chosen_tier(self) -> Tier | None:
        return self._tiers.get(self._data().get("tier", ""))

    def chosen_program(self) -> Program | None:
        """The program of the tier and points columns: the chosen tier's, else the one chosen."""
        tier = self.chosen_tier()
        return tier.program if tier else self._programs.get(self._data().get("program", ""))

    def chosen_sort(self) -> str:
        return str(self._data().get("sort", ""))


class ProfileForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.CharField(label=_("Primary e-mail"), required=False)
    phone = forms.CharField(label=_("Primary phone"), required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(label=_("Country (two letters)"), max_length=2, required=False)

    # Preferences are set by integrations and the portal, not typed by staff.
    PROFILE_FIELDS = tuple(field for field in services.PROFILE_FIELDS if field != "preferences")
    IDENTITY_FIELDS = {"email": IdentityKind.EMAIL, "phone": IdentityKind.PHONE}

    def profile(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.PROFILE_FIELDS}

    def identities(self, current: dict[str, str]) -> list[tuple[str, str]]:
        """(kind, value) for each identity field changed from the member's `current` primary values."""
        return [
            (kind, self.cleaned_data[field].strip())
            for field, kind in self.IDENTITY_FIELDS.items()
            if self.cleaned_data[field].strip() and self.cleaned_data[field].strip() != current.get(field, "")
        ]


class NoteForm(ServiceForm):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TagsForm(ServiceForm):
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas."), max_length=2000
    )

    def names(self) -> list[str]:
        return [name for name in self.cleaned_data["tags"].split(",") if name.strip()]


class ManagerForm(ServiceForm):
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["account_manager"].queryset = staff  # type: ignore[attr-defined]


class IdentityForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentityKind.choices)
    value = forms.CharField(label=_("Value"), max_length=254)
    namespace = forms.CharField(label=_("Source system (external ids only)"), max_length=32, required=False)


CONSOLE_CONSENT_METHODS = [
    (ConsentMethod.CONSOLE.value, ConsentMethod.CONSOLE.label),
    (ConsentMethod.PHONE.value, ConsentMethod.PHONE.label),
    (ConsentMethod.PAPER.value, ConsentMethod.PAPER.label),
]


class ConsentForm(ServiceForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Granted")), ("no", _("Withdrawn"))],
        coerce=lambda answer: answer == "yes",
    )
    method = forms.ChoiceField(label=_("How it was given"), choices=CONSOLE_CONSENT_METHODS)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=300,
        required=False,
        help_text=_("Call reference, form number or the wording shown."),
    )


class EraseForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The request's reference, e.g. the ticket number of the erasure request."),
    )


class MergeStartForm(forms.Form):
    second = forms.IntegerField(label=_("Other customer's id"), min_value=1)


class MergePairForm(forms.Form):
    first = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    second = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MergeForm(MergePairForm):
    survivor = forms.ChoiceField(
        label=_("Which file survives?"),
        choices=[("first", _("The first")), ("second", _("The second"))],
        widget=forms.RadioSelect,
    )


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the customer page also has the identity form's "kind" field.
        kwargs.setdefault("auto_id", "timeline_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *((k.code, k.label) for k in kinds_all())]  # type: ignore[attr-defined]

    def kinds(self) -> list[str] | None:
        kind = self.cleaned_data.get("kind") if self.is_valid() else None
        return [kind] if kind else None


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    target = forms.CharField(
        label=_("Target"), required=False, help_text=_("An id, or a type and id such as member#42.")
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(((action, action_label(action)) for action in actions), key=lambda choice: choice[1])
        self.fields["action"].choices = [("", _("Any")), *named]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: data.get(key, "") for key in ("action", "actor", "target")}


class ApiKeyForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, format_lazy("{}: {}", scope, description)) for scope, description in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )


class GroupChoiceField(forms.ModelMultipleChoiceField):
    """Groups as checkboxes, the standard roles named in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return role_label(obj.name)


class StaffGroupsForm(ServiceForm):
    groups = GroupChoiceField(
        label=_("Groups"), queryset=Group.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups  # type: ignore[attr-defined]


def member_profile_initial(member: Member, primaries: dict[str, str]) -> dict[str, Any]:
    """The profile form's starting values: the member's fields and primary e-mail and phone."""
    initial: dict[str, Any] = {field: getattr(member, field) for field in ProfileForm.PROFILE_FIELDS}
    initial.update(email=primaries.get("email", ""), phone=primaries.get("phone", ""))
    return initial


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class BusinessForm(ServiceForm):
    """The business's settings. The service checks every value; this form turns the ticked languages and
    the main one into the service's list, main language first."""

    name = forms.CharField(label=_("Business name"), required=False)
    time_zone = forms.CharField(
        label=_("Time zone"),
        help_text=_("Dates and times on every page are shown in this zone. Type to search, e.g. Asia/Seoul."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages you write the names of programmes, tiers and rewards in."),
    )
    main_language = forms.ChoiceField(
        label=_("Main language"),
        choices=_language_choices,
        help_text=_("Shown where a name has not been written in the reader's language."),
    )
    colour = forms.CharField(
        label=_("Brand colour"),
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_(
            "Buttons, links and the current menu item; their text is black or white, whichever reads."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP, at most 256 KiB; it is scaled down to 512 pixels at most."),
    )
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        main, ticked = cleaned.get("main_language"), cleaned.get("languages") or []
        if main and ticked and main not in ticked:
            self.add_error("main_language", _("Tick the main language among the languages too."))
        return cleaned

    def service_values(self) -> dict[str, Any]:
        """The keyword arguments of business_update (all but the actor) from the valid form."""
        data = self.cleaned_data
        main = data["main_language"]
        # The checkboxes list the languages in the settings' order: keep the order already saved, so that
        # saving the page unchanged changes nothing.
        saved = list(self.initial.get("languages") or [])
        ticked = sorted(
            data["languages"], key=lambda code: saved.index(code) if code in saved else len(saved)
        )
        upload = data.get("logo")
        return {
            "name": data["name"],
            "time_zone": data["time_zone"].strip(),
            "languages": [main, *(code for code in ticked if code != main)] if ticked else [],
            "colour": data["colour"],
            # Read at most one byte past the limit: the service refuses a larger file without reading it all.
            "logo": upload.read(LOGO_MAX_BYTES + 1) if upload else None,
            "logo_remove": data["logo_remove"],
        }
