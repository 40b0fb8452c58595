"""The customer's forms about cases: telling us about a problem, writing on a case, rating how we did.

care.services checks what it is given and names every bad field at once; these forms only parse, so the
service's refusals land next to the fields of the same name (contact_email, summary...).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from patronage.care.attachment_web import AttachmentsField
from patronage.care.models import CaseType
from patronage.care.services import COMMENT_MAX, DESCRIPTION_MAX, REPLY_MAX, SUMMARY_MAX, CaseInput
from patronage.commerce.models import Order
from patronage.core.errors import ApplicationError
from patronage.members.models import Member

KEY_BYTES = 18
# Written on the case for the staff who read it, as other staff-facing notes are: in English.
ORDER_NOT_FOUND_NOTE = "Order number given by the customer (not found): {number}"

TYPE_CHOICES = [
    (CaseType.COMPLAINT.value, _("Something went wrong")),
    (CaseType.INQUIRY.value, _("I have a question")),
    (CaseType.COMPLIMENT.value, _("I want to say thank you")),
    (CaseType.SUGGESTION.value, _("I have a suggestion")),
]
RATING_CHOICES = [
    (1, _("Not at all satisfied")),
    (2, _("Not very satisfied")),
    (3, _("Neither satisfied nor dissatisfied")),
    (4, _("Satisfied")),
    (5, _("Completely satisfied")),
]


def form_key_new() -> str:
    """A fresh key for one complaint form: the same form sent twice (a double tap) files one case."""
    return secrets.token_urlsafe(KEY_BYTES)


def add_case_errors(form: forms.Form, error: ApplicationError) -> None:
    """Puts each of the service's refusals next to the field it names, or above the form."""
    for problem in error.errors or [{"field": error.field or "", "message": error.message}]:
        field = problem.get("field") or None
        form.add_error(field if field in form.fields else None, capfirst(problem["message"]))


class CaseForm(forms.Form):
    """Telling us about a problem (or a question, a compliment, an idea). A signed-in member gives no
    contact details: we answer them through their account."""

    type = forms.ChoiceField(
        label=_("What is it about?"),
        choices=TYPE_CHOICES,
        initial=CaseType.COMPLAINT.value,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=_("In one line, what happened?"),
        max_length=SUMMARY_MAX,
        required=False,  # the service says what is missing, with every other problem at once
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When and where it happened, what you expected, what you would like us to do."),
    )
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
    )
    order_number = forms.CharField(
        label=_("Order or receipt number (optional)"),
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("An e-mail address or a phone number, so that we can answer you."),
    )
    # Out of sight for people (see the template); a program that fills in every field fills this one too.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    key = forms.CharField(
        widget=forms.HiddenInput,
        min_length=16,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")],
    )

    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        if member is not None:
            for name in self.CONTACT_FIELDS:
                del self.fields[name]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def full_clean(self) -> None:
        super().full_clean()
        if "key" in self.errors:  # the hidden key is ours, not the person's: a fresh one is just as good
            del self.errors["key"]
            self.cleaned_data["key"] = form_key_new()

    def case_input(self, *, language: str, order: Order | None) -> CaseInput:
        """What the service files: from the portal when a member is signed in, from the web form else."""
        data = self.cleaned_data
        description = data["description"]
        number = data["order_number"].strip()
        if number and order is None:  # kept for the agent to look up, rather than refused
            description = "\n\n".join(
                part for part in (description, ORDER_NOT_FOUND_NOTE.format(number=number)) if part
            )
        contact = {} if self.member else {name: data[name] for name in self.CONTACT_FIELDS}
        return CaseInput(
            type=data["type"],
            channel="portal" if self.member else "web_form",
            summary=data["summary"],
            description=description,
            member=self.member,
            language=language,
            order_id=order.pk if order else None,
            external_id=f"form:{data['key']}",
            **contact,
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=REPLY_MAX,
        required=False,  # the service says "write something first"
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField(label=_("Photos or documents (optional)"))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled this?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to add? (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
