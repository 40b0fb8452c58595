"""A segment's rules in the reader's language, for people: "City is Seoul and (Tier is one of gold, vip or
Number of purchases in the last 90 days is at least 3)". Pages and guides show these words, never the JSON.

Field labels come from the registered catalogue, and a choice's name from its field (a tier's name in the
reader's language for its code: one query); numbers and dates are written the
reader's locale's way. Each piece is a whole sentence fragment with named places, so a language can put the
field, the operator and the value in its own order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patronage.core.errors import ValidationFailed
from patronage.segments.fields import field_shapes, fields_all
from patronage.segments.rules import Condition, Kind, Node, Not, rules_read


def rules_words(data: Any) -> str:
    """Stored or sent rules in words; a short note when they cannot be read (a field since removed)."""
    if not data:
        return ""
    try:
        node = rules_read(data, field_shapes(), choices_checked=False)
    except ValidationFailed:
        return _("(rules that no longer read: a field they name is unknown)")
    return node_words(node)


def node_words(node: Node, *, nested: bool = False) -> str:
    """One node in words; a group inside another (or under not) is put in brackets when it has several parts."""
    if isinstance(node, Condition):
        return condition_words(node)
    if isinstance(node, Not):
        return _("not: %(rule)s") % {"rule": node_words(node.child, nested=True)}
    parts = [node_words(child, nested=True) for child in node.children]
    joined = parts[0]
    for part in parts[1:]:
        if node.op == "all":
            joined = _("%(first)s and %(then)s") % {"first": joined, "then": part}
        else:
            joined = _("%(first)s or %(then)s") % {"first": joined, "then": part}
    return f"({joined})" if nested and len(parts) > 1 else joined


def _field_words(condition: Condition) -> str:
    known = fields_all().get(condition.field)
    label = str(known.label) if known is not None else condition.field
    if condition.days is None:
        return label
    return ngettext("%(field)s in the last day", "%(field)s in the last %(days)s days", condition.days) % {
        "field": label,
        "days": number_format(condition.days),
    }


def value_words(value: Any) -> str:
    """A single value as the reader writes it: dates and numbers in the locale's way, yes or no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, float):
        return number_format(int(value) if value.is_integer() else value)
    if isinstance(value, int):
        return number_format(value)
    return str(value)


def _list_words(values: Any, labels: Mapping[str, str]) -> str:
    return _(", ").join(labels.get(value, value_words(value)) for value in values)


def condition_words(condition: Condition) -> str:
    """'City is Seoul', 'Last purchase in the last 30 days', 'Age is between 30 and 39'."""
    known = fields_all().get(condition.field)
    kind = known.shape.kind if known is not None else Kind.TEXT
    field, op, value = _field_words(condition), condition.op, condition.value
    places = {"field": field}
    # A tier, store or segment by the name a person reads, not its code.
    labels = known.labels() if known is not None and known.labels is not None else {}
    if op == "within_days":
        return ngettext("%(field)s in the last day", "%(field)s in the last %(days)s days", value) % {
            **places,
            "days": number_format(value),
        }
    if op == "between":
        low, high = value
        between = _("%(field)s between %(low)s and %(high)s") if kind == Kind.DATE else None
        between = between or _("%(field)s is between %(low)s and %(high)s")
        return between % {**places, "low": value_words(low), "high": value_words(high)}
    if op == "in":
        if kind == Kind.SET:
            return _("%(field)s contains one of %(values)s") % {
                **places,
                "values": _list_words(value, labels),
            }
        return _("%(field)s is one of %(values)s") % {**places, "values": _list_words(value, labels)}
    words = _DATE_WORDS if kind == Kind.DATE else _WORDS
    return words[op]() % {**places, "value": labels.get(value, value_words(value))}


# Each a function, so the words are looked up in the reader's language when used, not when imported.
_WORDS = {
    "eq": lambda: _("%(field)s is %(value)s"),
    "ne": lambda: _("%(field)s is not %(value)s"),
    "contains": lambda: _("%(field)s contains %(value)s"),
    "gt": lambda: _("%(field)s is more than %(value)s"),
    "gte": lambda: _("%(field)s is at least %(value)s"),
    "lt": lambda: _("%(field)s is less than %(value)s"),
    "lte": lambda: _("%(field)s is at most %(value)s"),
}
_DATE_WORDS = {
    **_WORDS,
    "gt": lambda: _("%(field)s after %(value)s"),
    "gte": lambda: _("%(field)s on or after %(value)s"),
    "lt": lambda: _("%(field)s before %(value)s"),
    "lte": lambda: _("%(field)s on or before %(value)s"),
}


def operator_words() -> dict[str, str]:
    """Each operator as the builder offers it, in the reader's language."""
    return {
        "eq": _("is"),
        "ne": _("is not"),
        "in": _("is one of"),
        "contains": _("contains"),
        "gt": _("more than"),
        "gte": _("at least"),
        "lt": _("less than"),
        "lte": _("at most"),
        "between": _("between"),
        "within_days": _("in the last … days"),
    }


def date_operator_words() -> dict[str, str]:
    """A date field's comparisons read as before and after."""
    return {
        "gt": _("after"),
        "gte": _("on or after"),
        "lt": _("before"),
        "lte": _("on or before"),
    }
