"""The kinds of earn rule and the settings (`params`) each kind takes, checked field by field.

A rule's params are stored as JSON, so amounts arrive as strings ("1000", "1.5") or numbers; they are read
as Decimal here and nowhere else. `rule_params_check` names every bad field so the console and the API can
refuse a rule with a clear message, and the evaluator skips (with the reason) a stored rule that fails it.

Kinds and their params (one of the forms separated by "or"):
- spend:           points, per                  points per `per` of eligible spend
- product:         skus, and points + per or points_per_unit
- category:        categories, and points + per or points_per_unit
- channel / store: channels / stores, and points + per or multiplier
- tier_multiplier: tiers ({"gold": "1.5", ...})
- campaign:        multiplier or points + per or bonus; min_spend optional (needs active_from and active_to)
- segment:         segment (a segment's code), and multiplier or points + per or bonus; min_spend optional:
                   a campaign's terms for the members of one segment, for as long as they are in it
- event:           event ("signup", "birthday", "referral", "survey_answered" or "custom:<name>"), points
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext_noop

from patronage.core.inputs import CODE_PATTERN
from patronage.loyalty.explanation import Explanation


class RuleKind(StrEnum):
    SPEND = "spend"
    PRODUCT = "product"
    CATEGORY = "category"
    CHANNEL = "channel"
    STORE = "store"
    TIER_MULTIPLIER = "tier_multiplier"
    CAMPAIGN = "campaign"
    SEGMENT = "segment"
    EVENT = "event"


STANDARD_EVENTS = frozenset({"signup", "birthday", "referral", "survey_answered"})
_CUSTOM_EVENT = re.compile(r"custom:[a-z0-9][a-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class ParamError:
    field: str
    message: Explanation


@dataclass(frozen=True)
class _Schema:
    required: tuple[str, ...] = ()
    forms: tuple[tuple[str, ...], ...] = ()  # exactly one of these groups of fields must be given
    optional: tuple[str, ...] = ()

    def allowed(self) -> frozenset[str]:
        return frozenset(self.required + self.optional + tuple(f for form in self.forms for f in form))


_RATE = ("points", "per")
_TERMS = (("multiplier",), _RATE, ("bonus",))
_SCHEMAS: dict[RuleKind, _Schema] = {
    RuleKind.SPEND: _Schema(required=_RATE),
    RuleKind.PRODUCT: _Schema(required=("skus",), forms=(_RATE, ("points_per_unit",))),
    RuleKind.CATEGORY: _Schema(required=("categories",), forms=(_RATE, ("points_per_unit",))),
    RuleKind.CHANNEL: _Schema(required=("channels",), forms=(_RATE, ("multiplier",))),
    RuleKind.STORE: _Schema(required=("stores",), forms=(_RATE, ("multiplier",))),
    RuleKind.TIER_MULTIPLIER: _Schema(required=("tiers",)),
    RuleKind.CAMPAIGN: _Schema(forms=_TERMS, optional=("min_spend",)),
    RuleKind.SEGMENT: _Schema(required=("segment",), forms=_TERMS, optional=("min_spend",)),
    RuleKind.EVENT: _Schema(required=("event", "points")),
}


def as_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a stored value (Decimal, int, numeric string, JSON float), else None."""
    if isinstance(value, bool):
        return None  # JSON true is not the number 1 to a person filling in a form
    try:
        if isinstance(value, Decimal | int | str):
            number = Decimal(value.strip() if isinstance(value, str) else value)
        elif isinstance(value, float):
            number = Decimal(str(value))  # str() first: Decimal(0.1) is not 0.1
        else:
            return None
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal_param(params: Mapping[str, object], name: str) -> Decimal:
    """A Decimal setting of a rule already checked by rule_params_check."""
    number = as_decimal(params[name])
    if number is None:
        raise ValueError(f"rule setting {name} is not a number; check the rule first")
    return number


def int_param(params: Mapping[str, object], name: str) -> int:
    value = params[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"rule setting {name} is not a whole number; check the rule first")
    return value


def names_param(params: Mapping[str, object], name: str) -> frozenset[str]:
    value = params[name]
    return frozenset(value) if isinstance(value, list | tuple | frozenset | set) else frozenset()


def tier_multipliers(params: Mapping[str, object]) -> dict[str, Decimal]:
    tiers = params["tiers"]
    if not isinstance(tiers, Mapping):
        return {}
    return {str(code): number for code, raw in tiers.items() if (number := as_decimal(raw)) is not None}


def rule_params_check(kind: RuleKind | str, params: Mapping[str, object]) -> list[ParamError]:
    """Every problem with a rule's settings, each naming its field; an empty list means the rule is usable."""
    try:
        schema = _SCHEMAS[RuleKind(kind)]
    except ValueError:
        return [_error("kind", gettext_noop("%(value)s is not a kind of earn rule"), value=str(kind))]
    if not isinstance(params, Mapping):
        return [_error("params", gettext_noop("the settings must be a set of named values"))]
    errors = [
        _error(name, gettext_noop("%(field)s is not a setting of this kind of rule"), field=name)
        for name in sorted(set(params) - schema.allowed())
    ]
    errors += _missing(schema.required, params)
    errors += _forms_check(schema.forms, params)
    for name in sorted(set(params) & schema.allowed()):
        problem = _FIELD_CHECKS[name](params[name])
        if problem is not None:
            errors.append(ParamError(name, problem))
    return errors


def _missing(names: tuple[str, ...], params: Mapping[str, object]) -> list[ParamError]:
    return [
        _error(name, gettext_noop("%(field)s is required"), field=name)
        for name in names
        if name not in params
    ]


def _forms_check(forms: tuple[tuple[str, ...], ...], params: Mapping[str, object]) -> list[ParamError]:
    if not forms:
        return []
    given = [form for form in forms if any(name in params for name in form)]
    choices = " | ".join(" + ".join(form) for form in forms)
    if not given:
        return [_error(forms[0][0], gettext_noop("give one of: %(choices)s"), choices=choices)]
    if len(given) > 1:
        extra = next(name for name in given[1] if name in params)
        return [_error(extra, gettext_noop("give only one of: %(choices)s"), choices=choices)]
    return _missing(given[0], params)


def _positive_int(value: object) -> Explanation | None:
    # bool is an int to Python, but JSON true is not a number of points to a person.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return Explanation(gettext_noop("must be a whole number greater than zero"))
    return None


def _positive_decimal(value: object) -> Explanation | None:
    number = as_decimal(value)
    if number is None or number <= 0:
        return Explanation(gettext_noop("must be a number greater than zero"))
    return None


def _non_negative_decimal(value: object) -> Explanation | None:
    number = as_decimal(value)
    if number is None or number < 0:
        return Explanation(gettext_noop("must be a number, zero or more"))
    return None


def _names(value: object) -> Explanation | None:
    if not isinstance(value, list | tuple) or not value:
        return Explanation(gettext_noop("must list at least one code"))
    if not all(isinstance(name, str) and name.strip() for name in value):
        return Explanation(gettext_noop("every code must be a non-empty text"))
    return None


def _tiers(value: object) -> Explanation | None:
    if not isinstance(value, Mapping) or not value:
        return Explanation(gettext_noop("must give at least one tier code with its multiplier"))
    for code, multiplier in value.items():
        if not isinstance(code, str) or not code.strip():
            return Explanation(gettext_noop("every tier code must be a non-empty text"))
        if _positive_decimal(multiplier) is not None:
            return Explanation(
                gettext_noop("the multiplier of %(tier)s must be a number greater than zero"), {"tier": code}
            )
    return None


def _event(value: object) -> Explanation | None:
    if isinstance(value, str) and (value in STANDARD_EVENTS or _CUSTOM_EVENT.fullmatch(value)):
        return None
    return Explanation(
        gettext_noop(
            "must be signup, birthday, referral, survey_answered or custom:<name> "
            "(lower-case letters, digits, _ . -)"
        )
    )


def _segment(value: object) -> Explanation | None:
    if isinstance(value, str) and CODE_PATTERN.match(value):
        return None
    return Explanation(gettext_noop("must be a segment's code (lower-case letters, digits, _ and -)"))


_FIELD_CHECKS: dict[str, Callable[[object], Explanation | None]] = {
    "points": _positive_int,
    "per": _positive_decimal,
    "points_per_unit": _positive_int,
    "multiplier": _positive_decimal,
    "bonus": _positive_int,
    "min_spend": _non_negative_decimal,
    "skus": _names,
    "categories": _names,
    "channels": _names,
    "stores": _names,
    "tiers": _tiers,
    "event": _event,
    "segment": _segment,
}


def _error(field: str, template: str, /, **params: str) -> ParamError:
    return ParamError(field, Explanation(template, params))
