"""Earn rules in people's words: "2× points for Silver members", "1 point per 1,000 KRW".

No database here: the caller reads the names people know a rule's codes by (its tiers, products, categories,
channels, stores and segments) and passes them in; a code with no name is shown as it is. The sentence is translated
into the reader's language when it is made, so call it while rendering a page, never in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from patronage.loyalty.explanation import decimal_text
from patronage.loyalty.rules_params import (
    RuleKind,
    decimal_param,
    int_param,
    rule_params_check,
    tier_multipliers,
)
from patronage.loyalty.rules_types import Rule

# A rule naming many products reads "Green tea, Oolong, Jasmine and 9 more" rather than a paragraph.
NAMES_SHOWN = 3


@dataclass(frozen=True)
class RuleNames:
    """The names people know codes by; tiers in rank order, which is the order a tier rule lists them in."""

    tiers: Mapping[str, str] = field(default_factory=dict)
    products: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    stores: Mapping[str, str] = field(default_factory=dict)
    segments: Mapping[str, str] = field(default_factory=dict)


NO_NAMES = RuleNames()


@dataclass(frozen=True)
class _Words:
    params: Mapping[str, object]
    currency: str
    names: RuleNames

    def points(self, name: str) -> tuple[int, str]:
        """A whole number of points, for ngettext, and as the reader writes it."""
        points = int_param(self.params, name)
        return points, number_text(points)

    def amount(self, name: str) -> str:
        return number_text(decimal_param(self.params, name))

    def listed(self, name: str, names: Mapping[str, str]) -> str:
        codes = [str(code) for code in _sequence(self.params[name])]
        shown = ", ".join(names.get(code, code) for code in codes[:NAMES_SHOWN])
        more = len(codes) - NAMES_SHOWN
        if more <= 0:
            return shown
        return ngettext("%(names)s and %(count)d more", "%(names)s and %(count)d more", more) % {
            "names": shown,
            "count": more,
        }


def number_text(value: Decimal | int) -> str:
    """A number as the reader writes it: 1,000 and 1.5 in English, never 1E+3 or 2.50."""
    return number_format(Decimal(decimal_text(Decimal(value))), force_grouping=True)


def rule_describe(rule: Rule, *, currency: str, names: RuleNames = NO_NAMES) -> str:
    """What the rule gives, as one sentence in the reader's language."""
    if rule_params_check(rule.kind, rule.params):
        # The evaluator skips such a rule; saying what it would give would promise points it never gives.
        return gettext("Gives nothing until its settings are corrected.")
    return _DESCRIBE[RuleKind(rule.kind)](_Words(rule.params, currency, names))


def _sequence(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()


def _rate(words: _Words) -> str:
    points, text = words.points("points")
    return ngettext(
        "%(points)s point per %(per)s %(currency)s",
        "%(points)s points per %(per)s %(currency)s",
        points,
    ) % {"points": text, "per": words.amount("per"), "currency": words.currency}


def _spend(words: _Words) -> str:
    return _rate(words)


def _product(words: _Words) -> str:
    products = words.listed("skus", words.names.products)
    if "points_per_unit" in words.params:
        points, text = words.points("points_per_unit")
        return ngettext(
            "%(points)s point per unit of %(products)s",
            "%(points)s points per unit of %(products)s",
            points,
        ) % {"points": text, "products": products}
    return gettext("%(rate)s spent on %(products)s") % {"rate": _rate(words), "products": products}


def _category(words: _Words) -> str:
    categories = words.listed("categories", words.names.categories)
    if "points_per_unit" in words.params:
        points, text = words.points("points_per_unit")
        return ngettext(
            "%(points)s point per unit of anything in %(categories)s",
            "%(points)s points per unit of anything in %(categories)s",
            points,
        ) % {"points": text, "categories": categories}
    return gettext("%(rate)s spent in %(categories)s") % {"rate": _rate(words), "categories": categories}


def _channel(words: _Words) -> str:
    channels = words.listed("channels", words.names.channels)
    if "multiplier" in words.params:
        return gettext("%(multiplier)s× points on purchases through %(channels)s") % {
            "multiplier": words.amount("multiplier"),
            "channels": channels,
        }
    return gettext("%(rate)s on purchases through %(channels)s") % {
        "rate": _rate(words),
        "channels": channels,
    }


def _store(words: _Words) -> str:
    stores = words.listed("stores", words.names.stores)
    if "multiplier" in words.params:
        return gettext("%(multiplier)s× points on purchases at %(stores)s") % {
            "multiplier": words.amount("multiplier"),
            "stores": stores,
        }
    return gettext("%(rate)s on purchases at %(stores)s") % {"rate": _rate(words), "stores": stores}


def _tier_multiplier(words: _Words) -> str:
    multipliers = tier_multipliers(words.params)
    rank = list(words.names.tiers)
    # Tiers in rank order, so the sentence reads like the tier table; a tier since removed comes last.
    ordered = sorted(multipliers, key=lambda code: rank.index(code) if code in rank else len(rank))
    return "; ".join(
        gettext("%(multiplier)s× points for %(tier)s members")
        % {"multiplier": number_text(multipliers[code]), "tier": words.names.tiers.get(code, code)}
        for code in ordered
    )


def _campaign(words: _Words) -> str:
    minimum = decimal_param(words.params, "min_spend") if "min_spend" in words.params else Decimal(0)
    if minimum > 0:
        return _campaign_from(words, number_text(minimum))
    if "multiplier" in words.params:
        return gettext("%(multiplier)s× points on every purchase") % {
            "multiplier": words.amount("multiplier")
        }
    if "bonus" in words.params:
        points, text = words.points("bonus")
        return ngettext(
            "+%(points)s point on every purchase", "+%(points)s points on every purchase", points
        ) % {"points": text}
    return gettext("%(rate)s on every purchase") % {"rate": _rate(words)}


def _campaign_from(words: _Words, minimum: str) -> str:
    values = {"minimum": minimum, "currency": words.currency}
    if "multiplier" in words.params:
        return gettext("%(multiplier)s× points on purchases of %(minimum)s %(currency)s or more") % {
            **values,
            "multiplier": words.amount("multiplier"),
        }
    if "bonus" in words.params:
        points, text = words.points("bonus")
        return ngettext(
            "+%(points)s point on purchases of %(minimum)s %(currency)s or more",
            "+%(points)s points on purchases of %(minimum)s %(currency)s or more",
            points,
        ) % {**values, "points": text}
    return gettext("%(rate)s on purchases of %(minimum)s %(currency)s or more") % {
        **values,
        "rate": _rate(words),
    }


def _segment(words: _Words) -> str:
    code = str(words.params["segment"])
    return gettext("For members of %(segment)s: %(terms)s") % {
        "segment": words.names.segments.get(code, code),
        "terms": _campaign(words),
    }


def _event(words: _Words) -> str:
    points, text = words.points("points")
    event = str(words.params["event"])
    sentences = {
        "signup": ngettext("+%(points)s point on signing up", "+%(points)s points on signing up", points),
        "birthday": ngettext(
            "+%(points)s point on the member's birthday",
            "+%(points)s points on the member's birthday",
            points,
        ),
        "referral": ngettext("+%(points)s point for a referral", "+%(points)s points for a referral", points),
        "survey_answered": ngettext(
            "+%(points)s point for answering a survey", "+%(points)s points for answering a survey", points
        ),
    }
    custom = ngettext(
        "+%(points)s point for the “%(event)s” event", "+%(points)s points for the “%(event)s” event", points
    )
    return sentences.get(event, custom) % {"points": text, "event": event.removeprefix("custom:")}


_DESCRIBE: dict[RuleKind, Callable[[_Words], str]] = {
    RuleKind.SPEND: _spend,
    RuleKind.PRODUCT: _product,
    RuleKind.CATEGORY: _category,
    RuleKind.CHANNEL: _channel,
    RuleKind.STORE: _store,
    RuleKind.TIER_MULTIPLIER: _tier_multiplier,
    RuleKind.CAMPAIGN: _campaign,
    RuleKind.SEGMENT: _segment,
    RuleKind.EVENT: _event,
}
