"""The forms of Settings → Messages: a template's three parts, and the delivery log's filter.

They shape input; patronage.messages' services decide what a template may say (its kind's variables) and
their errors go on the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.console.forms import ServiceForm
from patronage.core.message_kinds import message_kinds
from patronage.messages.message_template_services import SUBJECT_MAX, TemplateText
from patronage.messages.models import MessageStatus


class TemplateForm(ServiceForm):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, required=False, strip=False)
    text_body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The plain-text part every e-mail has."),
    )
    html_body = forms.CharField(
        label=_("HTML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Optional: left empty, the e-mail is sent as plain text only."),
    )

    @classmethod
    def of(cls, text: TemplateText) -> TemplateForm:
        """The form filled with the text a message is written from now."""
        return cls(
            initial={"subject": text.subject, "text_body": text.text_body, "html_body": text.html_body}
        )

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("subject", "text_body", "html_body")}


class MessageFilterForm(forms.Form):
    # As wide as its longest kind's words at most the screen's width: care's staff alert is longer than a
    # phone is wide (a style attribute, which the Content-Security-Policy allows; no stylesheet to load).
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, widget=forms.Select(attrs={"style": "max-width: 100%"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *MessageStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(code, str(kind.label)) for code, kind in message_kinds().items()]
        self.fields["kind"].choices = [("", _("Any kind")), *kinds]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, str]:
        """The log's filters; an invalid choice is dropped rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"kind": data.get("kind") or "", "status": data.get("status") or ""}
