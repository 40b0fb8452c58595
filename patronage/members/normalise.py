"""Normalisation of identities and names: pure functions, so matching is the same everywhere."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from patronage.core.errors import ValidationFailed
from patronage.members import search_keys

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NON_DIGIT = re.compile(r"[^\d+]")
_SPACES = re.compile(r"\s+")
_CARD = re.compile(r"^[A-Z0-9-]{4,40}$")


def email(value: str, *, field: str = "email") -> str:
    """Lower-cased, trimmed e-mail address; raises when it is not one."""
    cleaned = unicodedata.normalize("NFKC", value).strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise ValidationFailed(_("'%(value)s' is not a valid e-mail address") % {"value": value}, field=field)
    return cleaned


def phone(value: str, *, field: str = "phone", region: str | None = None) -> str:
    """A phone number in E.164 (+821012345678), read in `region` (the business's) when typed without
    its country; a number that is not a possible one there keeps its digits (and '+'), as before.

    6 to 16 digits are accepted, as they always were: an odd number is kept rather than refused, and is
    found by the same rule in the search.
    """
    cleaned = phone_digits(value, field=field)
    return search_keys.phone_e164(cleaned, region or default_region()) or cleaned


def phone_digits(value: str, *, field: str = "phone") -> str:
    """Digits with an optional leading '+', separators removed; 6 to 16 digits (the stored form until 0006)."""
    cleaned = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", value).strip())
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    digits = cleaned.lstrip("+")
    if "+" in digits or not 6 <= len(digits) <= 16:
        raise ValidationFailed(
            _("'%(value)s' is not a valid phone number (6 to 16 digits)") % {"value": value}, field=field
        )
    return cleaned


def default_region() -> str:
    """Where a phone number typed without its country is from: the business's country (ISO 3166)."""
    return str(getattr(settings, "PATRONAGE_DEFAULT_REGION", "KR") or "KR").upper()


def card(value: str, *, field: str = "card_number") -> str:
    """Upper-case card number without spaces; letters, digits and dashes."""
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not _CARD.match(cleaned):
        raise ValidationFailed(
            _("'%(value)s' is not a valid card number (4 to 40 letters, digits or dashes)")
            % {"value": value},
            field=field,
        )
    return cleaned


def external_id(value: str, *, field: str = "external_id") -> str:
    cleaned = unicodedata.normalize("NFKC", value).strip()
    if not cleaned or len(cleaned) > 128:
        raise ValidationFailed(_("an external id must be 1 to 128 characters"), field=field)
    return cleaned


def name_latin(name: str) -> str:
    """The romanised words a name is searched by (members.search_keys)."""
    return search_keys.name_latin(name)


def name_key(name: str) -> str:
    """A key under which spellings of one name collide: case, accents, spaces and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] in {"L", "N"})
    return letters[:150]


def email_key(address: str) -> str:
    """The mailbox an address delivers to: '+tags' and, for Gmail, dots ignored."""
    local, _at, domain = address.partition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
