"""Checks of what a customer file may hold: identities and profile fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import FUTURE_GRACE, date_refusal, instant_refusal, json_refusal, text_refusal
from patronage.members import normalise
from patronage.members.models import (
    IdentityKind,
)

PROFILE_FIELDS = (
    "name",
    "birth_date",
    "locale",
    "time_zone",
    "address",
    "city",
    "postal_code",
    "country",
    "preferences",
)
IDENTITY_FIELDS = {
    "email": IdentityKind.EMAIL,
    "phone": IdentityKind.PHONE,
    "card_number": IdentityKind.CARD,
    "external_id": IdentityKind.EXTERNAL,
}
_NORMALISERS: dict[IdentityKind, Callable[..., str]] = {
    IdentityKind.EMAIL: normalise.email,
    IdentityKind.PHONE: normalise.phone,
    IdentityKind.CARD: normalise.card,
    IdentityKind.EXTERNAL: normalise.external_id,
}
_TEXT_LIMITS = {"name": 200, "address": 300, "city": 100, "postal_code": 20}
_LANGUAGES = {code for code, _label in settings.LANGUAGES}
_TIME_ZONES = available_timezones()


@dataclass(frozen=True)
class IdentityInput:
    kind: str
    value: str
    namespace: str = ""


def identity_normalise(*, kind: str, value: str, field: str | None = None) -> str:
    """The stored form of an identity value; raises ValidationFailed naming `field` when it is not valid."""
    if kind not in _NORMALISERS:
        raise ValidationFailed(_("unknown identity kind '%(kind)s'") % {"kind": kind}, field="kind")
    return _NORMALISERS[IdentityKind(kind)](value, field=field or kind)


def profile_clean(values: dict[str, Any]) -> dict[str, Any]:
    """Checks profile fields; returns them cleaned. Raises ValidationFailed naming the first bad field."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("unknown field '%(field)s'") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )
    cleaned = dict(values)
    for field, value in cleaned.items():
        if isinstance(value, str) and (refusal := text_refusal(value)):
            raise ValidationFailed(refusal.message(), field=field)
    for field in ("name", "address", "city", "postal_code"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    for field, limit in _TEXT_LIMITS.items():
        if len(cleaned.get(field) or "") > limit:
            raise ValidationFailed(
                _("%(field)s is longer than %(limit)d characters")
                % {"field": field.replace("_", " "), "limit": limit},
                field=field,
            )
    if cleaned.get("locale") and cleaned["locale"] not in _LANGUAGES:
        raise ValidationFailed(
            _("language '%(locale)s' is not one of %(languages)s")
            % {"locale": cleaned["locale"], "languages": ", ".join(sorted(_LANGUAGES))},
            field="locale",
        )
    if cleaned.get("time_zone") and cleaned["time_zone"] not in _TIME_ZONES:
        raise ValidationFailed(
            _("'%(zone)s' is not an IANA time zone") % {"zone": cleaned["time_zone"]}, field="time_zone"
        )
    if "country" in cleaned:
        country = (cleaned["country"] or "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise ValidationFailed(_("country must be a two-letter ISO 3166 code"), field="country")
        cleaned["country"] = country
    birth_date = cleaned.get("birth_date")
    if isinstance(birth_date, date) and birth_date > clock.today():
        raise ValidationFailed(_("birth date is in the future"), field="birth_date")
    if isinstance(birth_date, date) and (refusal := date_refusal(birth_date)):
        raise ValidationFailed(refusal.message(), field="birth_date")
    if "preferences" in cleaned:
        if not isinstance(cleaned["preferences"], dict):
            raise ValidationFailed(_("preferences must be an object"), field="preferences")
        if refusal := json_refusal(cleaned["preferences"]):
            raise ValidationFailed(refusal.message(), field="preferences")
    return cleaned


def joined_at_check(joined_at: datetime) -> datetime:
    """When a member joined: a storable moment, and not later than a day from now (clocks disagree)."""
    if refusal := instant_refusal(joined_at):
        raise ValidationFailed(refusal.message(), field="joined_at")
    if joined_at > clock.now() + FUTURE_GRACE:
        raise ValidationFailed(_("joined_at is in the future"), field="joined_at")
    return joined_at
