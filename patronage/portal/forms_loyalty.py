"""The portal's loyalty forms: redeeming a reward once, however often the button is pressed."""

from __future__ import annotations

import secrets

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

KEY_BYTES = 18
EXPIRED = _("This confirmation has expired. Please confirm again.")


def redeem_key_new() -> str:
    """A fresh key for one confirmation form: the same form sent twice carries the same key."""
    return secrets.token_urlsafe(KEY_BYTES)


class RedeemForm(forms.Form):
    """The confirmation of a redemption. Its key makes a double submit (or a reload) redeem once."""

    key = forms.CharField(
        widget=forms.HiddenInput,
        min_length=16,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")],
        error_messages={"required": EXPIRED},
    )

    def full_clean(self) -> None:
        super().full_clean()
        if "key" in self.errors:  # whatever went wrong with the hidden key, the member can only retry
            self.errors["key"] = self.error_class([str(EXPIRED)])
