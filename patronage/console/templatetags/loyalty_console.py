"""Template helpers for the loyalty pages: role checks inside templates, translated explanations, money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy

from patronage.core.words import money_words
from patronage.loyalty.explanation import Explanation

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_can(context: template.Context, permission: str) -> bool:
    """Whether the signed-in user's groups hold `permission` (usable in tags' own contexts too)."""
    request = getattr(context, "request", None)
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.has_staff_perm(permission))


@register.filter
def explain(value: Explanation | Mapping[str, Any] | None) -> str:
    """An explanation (or one stored as {"template", "params"}) in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, Explanation):
        return gettext(value.template) % _readable(value.params)
    template_text = str(value.get("template", ""))
    params = value.get("params") or {}
    try:
        return gettext(template_text) % _readable(params) if params else gettext(template_text)
    except (KeyError, TypeError, ValueError):
        return str(value.get("message", template_text))


def _readable(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as the page shows them: an instant (kept as ISO 8601 with its offset, so that the API and
    stored explanations stay exact) on the reader's clock, in the reader's format."""
    return {
        name: _instant_words(value) if isinstance(value, str) else value for name, value in params.items()
    }


def _instant_words(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) < 16 or moment.tzinfo is None:  # a plain day or number-like text, not an instant
        return text
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


_CAP_PERIODS = {
    "day": pgettext_lazy("a cap", "per day"),
    "month": pgettext_lazy("a cap", "per month"),
    "year": pgettext_lazy("a cap", "per year"),
    "lifetime": pgettext_lazy("a cap", "in all"),
}


@register.filter
def cap_period_label(period: str) -> str:
    """A rule's cap period as the reader says it ("per month"); an unknown code as it is stored."""
    return str(_CAP_PERIODS.get(period, period))


@register.filter
def money(amount: Decimal | int | None, currency: str) -> str:
    """An amount with the reader's thousands separators, rounded to the currency's unit, then its code."""
    return "—" if amount is None else money_words(amount, currency)
