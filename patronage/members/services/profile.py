"""Checks of what a customer file may hold: identities and profile fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def profile_clean(
    values: dict[str, Any], *, identities: Sequence[IdentityInput] = (), joined_at: datetime | None = None
) -> dict[str, Any]:
    """Checks profile fields, and the identities and join time that come with them; returns the fields
    cleaned. Refuses with one ValidationFailed naming every bad field, so a form shows them all at once."""
    problems: list[tuple[str, str]] = []
    for field in sorted(set(values) - set(PROFILE_FIELDS)):
        problems.append((field, _("unknown field '%(field)s'") % {"field": field}))
    cleaned = {field: value for field, value in values.items() if field in PROFILE_FIELDS}
    for field in ("name", "address", "city", "postal_code"):
        if isinstance(cleaned.get(field), str) or field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    for field, value in cleaned.items():
        if problem := _profile_problem(field, value):
            problems.append((field, problem))
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").strip().upper()
    for identity in identities:
        try:
            identity_normalise(kind=identity.kind, value=identity.value)
        except ValidationFailed as refused:
            problems.append((refused.field or identity.kind, refused.message))
    if joined_at is not None and (problem := _joined_at_problem(joined_at)):
        problems.append(("joined_at", problem))
    if problems:
        raise ValidationFailed.every(problems)
    return cleaned


def _profile_problem(field: str, value: Any) -> str | None:
    """What is wrong with one profile field's value, in words; None when nothing is."""
    if isinstance(value, str) and (refusal := text_refusal(value)):
        return refusal.message()
    if field in _TEXT_LIMITS and len(value or "") > _TEXT_LIMITS[field]:
        return _("%(field)s is longer than %(limit)d characters") % {
            "field": field.replace("_", " "),
            "limit": _TEXT_LIMITS[field],
        }
    if field == "locale" and value and value not in _LANGUAGES:
        return _("language '%(locale)s' is not one of %(languages)s") % {
            "locale": value,
            "languages": ", ".join(sorted(_LANGUAGES)),
        }
    if field == "time_zone" and value and value not in _TIME_ZONES:
        return _("'%(zone)s' is not an IANA time zone") % {"zone": value}
    if field == "country":
        country = (value or "").strip()
        if country and (len(country) != 2 or not country.isalpha()):
            return _("country must be a two-letter ISO 3166 code")
    if field == "birth_date" and isinstance(value, date):
        if value > clock.today():
            return _("birth date is in the future")
        if refusal := date_refusal(value):
            return refusal.message()
    if field == "preferences":
        if not isinstance(value, dict):
            return _("preferences must be an object")
        if refusal := json_refusal(value):
            return refusal.message()
    return None


def _joined_at_problem(joined_at: datetime) -> str | None:
    if refusal := instant_refusal(joined_at):
        return refusal.message()
    if joined_at > clock.now() + FUTURE_GRACE:
        return _("joined_at is in the future")
    return None
