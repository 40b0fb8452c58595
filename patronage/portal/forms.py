"""The portal's forms. Fields a service checks are checked there; its errors land on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from patronage.core.errors import ApplicationError, Conflict, ValidationFailed
from patronage.core.login_throttle import ThrottledAuthenticationForm
from patronage.core.models import AccountKind, User
from patronage.members.models import ConsentPurpose, IdentityKind
from patronage.members.services import identity_normalise

COMMON_TIME_ZONES = (
    "UTC",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)

# Each language in its own name, so a member finds theirs whatever language the page is in.
LANGUAGE_CHOICES = [(code, get_language_info(code)["name_local"]) for code, _label in settings.LANGUAGES]

# Services explain errors in English for staff and logs, and a conflict names the other member's number;
# members get these translated messages instead, which name nobody else.
_MEMBER_MESSAGES: dict[tuple[type[ApplicationError], str], str | Promise] = {
    (ValidationFailed, "email"): _("Enter a valid e-mail address."),
    # The address is on a customer file (from a shop or an import) that has no portal login yet.
    (Conflict, "email"): _(
        "This e-mail address is already on file with us. Please ask our service team to open your portal account."
    ),
    (ValidationFailed, "phone"): _("Enter a phone number with 6 to 16 digits."),
    (Conflict, "phone"): _("This phone number is already registered to another member."),
    (ValidationFailed, "time_zone"): _("Enter a time zone from the list, such as Asia/Seoul."),
    (ValidationFailed, "country"): _("Enter a two-letter country code, such as KR."),
}


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Shows a service's refusal on the field it names, or above the form when no field has that name."""
    message = next(
        (
            text
            for (kind, field), text in _MEMBER_MESSAGES.items()
            if isinstance(error, kind) and field == error.field
        ),
        error.message,
    )
    form.add_error(error.field if error.field in form.fields else None, str(message))


def _consent_fields() -> dict[str, forms.BooleanField]:
    return {
        purpose.value: forms.BooleanField(label=purpose.label, required=False, initial=False)
        for purpose in ConsentPurpose
    }


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    locale = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_consent_fields())

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        return [self[purpose] for purpose in ConsentPurpose.values]

    def clean_email(self) -> str:
        try:
            address = identity_normalise(kind=IdentityKind.EMAIL, value=self.cleaned_data["email"])
        except ValidationFailed as exc:
            raise ValidationError(_("Enter a valid e-mail address."), code="invalid") from exc
        if User.objects.filter(username=address).exists():
            raise ValidationError(
                _("An account with this e-mail address already exists. Log in instead."), code="taken"
            )
        return address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, again = cleaned.get("password1"), cleaned.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password:
            candidate = User(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            candidate.first_name = cleaned.get("name", "")
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    @property
    def consents(self) -> dict[str, bool]:
        """The answer for every purpose: a box left unticked is a 'no'."""
        return {purpose: bool(self.cleaned_data.get(purpose)) for purpose in ConsentPurpose.values}


class PortalLoginForm(ThrottledAuthenticationForm):
    """Logs a member in by e-mail in any letter case; staff accounts are sent to the console."""

    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This e-mail address and password do not match an account. The password is case-sensitive."
        ),
        "staff_account": _("This is a staff account. Staff sign in to the console, not the member portal."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.kind != AccountKind.MEMBER:
            raise ValidationError(self.error_messages["staff_account"], code="staff_account")


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Lets us recognise you at the till. To remove it, ask our service team."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter code, such as KR, JP, CN or US."),
    )
    locale = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("Pick one from the list or type another, such as Europe/Madrid."),
    )

    def profile(self) -> dict[str, str]:
        """The values the member file keeps, without the phone (an identity, not a profile field)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "phone"}


class ConsentsForm(forms.Form):
    """One toggle per purpose, ticked where the member has said yes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_consent_fields())

    def changed_answers(self) -> dict[str, bool]:
        return {purpose: bool(self.cleaned_data[purpose]) for purpose in self.changed_data}


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password
