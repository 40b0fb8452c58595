"""Numbers and clocks as people read them in the active language: money with its currency, signed points,
time zones by their place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import UnknownLocaleError
from babel.dates import get_timezone_location
from babel.numbers import get_currency_precision
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, to_locale
from django.utils.translation import gettext as _


def money_words(amount: Decimal | int | str, currency: str) -> str:
    """'36,980 KRW': the reader's thousands separators, rounded to the currency's unit, then its code."""
    places = get_currency_precision(currency.upper())  # ISO 4217's minor unit: 0 for KRW and JPY, 2 for USD
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    number = number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)
    return _("%(amount)s %(currency)s") % {"amount": number, "currency": currency}


def points_words(points: int, *, signed: bool = True) -> str:
    """'+1,200 points', '-50 points' (or without the sign)."""
    number = number_format(abs(points) if not signed else points, use_l10n=True, force_grouping=True)
    if signed and points > 0:
        number = f"+{number}"
    return ngettext("%(points)s point", "%(points)s points", abs(points)) % {"points": number}


def decimal_or_none(value: object) -> Decimal | None:
    """A stored amount ('36980.00') as a Decimal; None when it is missing or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def zone_words(zone: str) -> str:
    """A time zone by its place in the reader's language, as CLDR names it: 'South Korea Time', '한국 시간'."""
    if zone in {"UTC", "Etc/UTC", "GMT", "Etc/GMT"}:
        # CLDR has no place for UTC and would say "Unknown Region (UTC) Time".
        return _("Coordinated Universal Time (UTC)")
    try:
        return get_timezone_location(zone, locale=to_locale(get_language() or "en"))
    except (LookupError, UnknownLocaleError, ValueError):
        return zone
