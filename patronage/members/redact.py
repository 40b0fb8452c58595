"""Finding a person's values in free text and JSON, and replacing them with "[erased]" (no database).

Erasure wipes the fields that hold a person's data, but staff and integrations also type them into free
text ("goodwill for Alice Kim, 010-1234-5678"). What the file knew about them is gathered first (Traits);
a Redactor then replaces each value wherever it appears, in the spellings people type: any case, phone
numbers with or without separators and trunk or country prefix, card numbers with spaces or dashes,
birth dates in the usual formats.

Two strengths: rows that belong to the person are searched for every value, down to a name part or a
postal code; rows of anyone that only may mention them (the audit log, import reports) only for the values
that identify on their own (full name, e-mail, phone, card, external id, address), so that erasing Alice
Kim does not blank "Kim" in another customer's records.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

ERASED = "[erased]"
KEY_PREFIX = "erased:"

_SEPARATORS = r"[\s\-./()]*"  # what people put between the digits of a phone number
_CARD_SEPARATORS = r"[\s\-]*"
_NAME_SPLIT = re.compile(r"[\s,.\-·・]+")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Values shorter than this match only as whole words; longer ones also inside words and codes ("KIM10").
_WHOLE_WORD_BELOW = 5


@dataclass(frozen=True)
class Traits:
    """What the customer file knew about a person, gathered before it is wiped."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    cards: tuple[str, ...] = ()
    external_ids: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    postal_codes: tuple[str, ...] = ()
    birth_dates: tuple[date, ...] = ()

    def identifying(self) -> list[str]:
        """The values that identify the person on their own, as stored: what a database search looks for."""
        values = [name for name in self.names if _name_identifies(name)]
        values += [*self.emails, *self.phones, *(phone.lstrip("+") for phone in self.phones)]
        values += [value for value in (*self.cards, *self.external_ids) if len(value) >= 6]
        values += [address for address in self.addresses if len(address) >= 6]
        return sorted({value for value in values if value.strip()})


@dataclass(frozen=True)
class _Pattern:
    regex: str
    strong: bool
    length: int  # of the value it was made from: longer values are tried first


class Redactor:
    """Replaces a person's values with "[erased]": in text, in JSON, and in unique keys."""

    def __init__(self, traits: Traits, *, identifying_only: bool = False) -> None:
        patterns = [pattern for pattern in _patterns(traits) if pattern.strong or not identifying_only]
        patterns.sort(key=lambda pattern: -pattern.length)
        unique = list(dict.fromkeys(pattern.regex for pattern in patterns))
        self._regex = (
            re.compile("|".join(f"(?:{regex})" for regex in unique), re.IGNORECASE) if unique else None
        )

    def mentions(self, value: str) -> bool:
        return self._regex is not None and self._regex.search(value) is not None

    def text(self, value: str, *, limit: int | None = None) -> str:
        """The text with each of the person's values replaced; cut to `limit` characters (the column's)."""
        if self._regex is None or not value:
            return value
        redacted = self._regex.sub(ERASED, value)
        return redacted[:limit] if limit is not None else redacted

    def json(self, value: Any) -> Any:
        """Every string (keys too) redacted; a number that is one of the values (a phone) becomes "[erased]"."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            return ERASED if self._regex is not None and self._regex.fullmatch(str(value)) else value
        if isinstance(value, dict):
            return {self.text(str(key)): self.json(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.json(item) for item in value]
        return value

    def key(self, value: str | None, *, limit: int | None = None) -> str | None:
        """A unique key that names the person becomes a digest of itself: still unique, no longer readable."""
        if value is None or not self.mentions(value):
            return value
        digest = KEY_PREFIX + hashlib.sha256(value.encode()).hexdigest()
        return digest[:limit] if limit is not None else digest


def _name_identifies(name: str) -> bool:
    # "Kim" alone is half a country; "Alice Kim", "Nakamura" or 김민지 is a person.
    return len(name) >= 4 or (len(name) >= 2 and not name.isascii())


def _patterns(traits: Traits) -> Iterator[_Pattern]:
    traits = _stripped(traits)
    for name in traits.names:
        yield _Pattern(_text(name), _name_identifies(name), len(name))
        for part in _NAME_SPLIT.split(name):
            if len(part) >= 2 and part.casefold() != name.casefold():
                yield _Pattern(_text(part), False, len(part))
    for email in traits.emails:
        yield _Pattern(_text(email), True, len(email))
        local = email.partition("@")[0]
        if len(local) >= 3:
            yield _Pattern(_text(local), False, len(local))
    for phone in traits.phones:
        if sum(ch.isdigit() for ch in phone) < 6:
            continue
        yield from (_Pattern(regex, True, len(phone)) for regex in _phone(phone))
    for value in (*traits.cards, *traits.external_ids):
        if any(ch.isalnum() for ch in value):
            yield _Pattern(_card(value), len(value) >= 6, len(value))
    for address in traits.addresses:
        yield _Pattern(_text(address), len(address) >= 6, len(address))
    for code in traits.postal_codes:
        yield _Pattern(_text(code), False, len(code))
    for born in traits.birth_dates:
        yield from (_Pattern(regex, False, 10) for regex in _dates(born))


def _stripped(traits: Traits) -> Traits:
    """The traits without blank values, each trimmed."""

    def kept(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value.strip() for value in values if value and value.strip()))

    return Traits(
        names=kept(traits.names),
        emails=kept(traits.emails),
        phones=kept(traits.phones),
        cards=kept(traits.cards),
        external_ids=kept(traits.external_ids),
        addresses=kept(traits.addresses),
        postal_codes=kept(traits.postal_codes),
        birth_dates=traits.birth_dates,
    )


def _guarded(regex: str, value: str) -> str:
    """The regex, kept from matching inside a longer number, or inside a word when the value is short."""
    first, last = value[0], value[-1]
    return _edge_before(first, len(value)) + regex + _edge_after(last, len(value))


def _edge_before(char: str, length: int) -> str:
    if char.isdigit():
        return r"(?<!\d)"
    if char.isascii() and char.isalpha() and length < _WHOLE_WORD_BELOW:
        return r"(?<![^\W\d_])"  # no letter before it
    return ""


def _edge_after(char: str, length: int) -> str:
    if char.isdigit():
        return r"(?!\d)"
    if char.isascii() and char.isalpha() and length < _WHOLE_WORD_BELOW:
        return r"(?![^\W\d_])"
    return ""


def _text(value: str) -> str:
    """A literal value; a run of spaces in it matches any run of spaces."""
    value = value.strip()
    parts = [re.escape(part) for part in value.split()]
    return _guarded(r"\s+".join(parts), value)


def _spaced(characters: Iterable[str], separators: str) -> str:
    return separators.join(re.escape(ch) for ch in characters)


def _phone(stored: str) -> list[str]:
    """A stored phone (digits, maybe a leading '+') as typed: with separators, and with the trunk '0'
    or a country code in front of the national number."""
    digits = stored.lstrip("+")
    nationals = {digits[1:]} if digits.startswith("0") else {digits}
    if stored.startswith("+") or stored.startswith("00"):
        # The country code is one to three digits; the number may be written without it, with a '0'.
        nationals |= {digits[size:] for size in (1, 2, 3) if len(digits) - size >= 6}
    prefix = r"(?:(?:\+|00)\d{1,3}" + _SEPARATORS + r"(?:\(0\)" + _SEPARATORS + r")?|0)?"
    found = [
        r"(?<![\d+])\(?" + prefix + _spaced(national, _SEPARATORS) + r"(?!\d)"
        for national in sorted(nationals)
        if len(national) >= 6
    ]
    return found or [_guarded(_spaced(digits, _SEPARATORS), digits)]


def _card(value: str) -> str:
    """A card number or external id, with or without the spaces and dashes people put in it."""
    compact = [ch for ch in value if ch not in " -"]
    return _guarded(_spaced(compact, _CARD_SEPARATORS), value)


def _dates(born: date) -> list[str]:
    """A birth date in the formats people write: ISO, day or month first, compact, two-digit years,
    Korean, Japanese and Chinese, and English month names."""
    year, short_year = str(born.year), f"{born.year % 100:02d}"
    month, day = rf"0?{born.month}", rf"0?{born.day}"
    sep = r"[\-/. ]"
    name = _MONTHS[born.month - 1]
    month_name = rf"(?:{name}|{name[:3]})\.?"
    ordinal = rf"{day}(?:st|nd|rd|th)?"
    forms = [
        rf"{year}{sep}\s*{month}{sep}\s*{day}",
        rf"{day}{sep}\s*{month}{sep}\s*{year}",
        rf"{month}{sep}\s*{day}{sep}\s*{year}",
        rf"{year}{born.month:02d}{born.day:02d}",
        rf"{short_year}{born.month:02d}{born.day:02d}",
        rf"{short_year}[\-/.]{month}[\-/.]{day}",
        rf"{year}\s*[년年]\s*{month}\s*[월月]\s*{day}\s*[일日]",
        rf"{ordinal}\s+{month_name},?\s+{year}",
        rf"{month_name}\s+{ordinal},?\s+{year}",
    ]
    return [rf"(?<!\d){form}(?!\d)" for form in forms]


def json_forms(value: str) -> list[str]:
    """The value, and how it reads inside JSON text that escapes non-ASCII (SQLite stores JSON so)."""
    escaped = json.dumps(value)[1:-1]
    return [value] if escaped == value else [value, escaped]
