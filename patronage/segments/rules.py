"""A segment's rules: a tree of conditions, read from the JSON the console and the API send, checked against
the fields' kinds, every problem named by its path (`rules.all.1.value`). Pure: no database.

    {"all": [{"field": "city", "op": "eq", "value": "Seoul"},
             {"any": [{"field": "tier", "op": "in", "value": ["gold", "vip"]},
                      {"field": "purchase_count", "op": "gte", "value": 3, "days": 90}]},
             {"not": {"field": "tags", "op": "contains", "value": "staff"}}]}

A group is {"all": [...]} (every condition), {"any": [...]} (at least one) or {"not": node}. A condition
names a field, an operator and a value; purchase fields take a window in `days` (the last N days).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from patronage.core.errors import ValidationFailed

# Bounds on what a person can build: wide for any real one-to-one class, narrow enough that no rule set
# compiles into a query the database chokes on.
CONDITIONS_MAX = 60
DEPTH_MAX = 6
LIST_MAX = 200
TEXT_MAX = 200
DAYS_MAX = 3660
NUMBER_MAX = 1e12


class Kind(StrEnum):
    """What a field's values are, which decides its operators and the type of their value."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    SET = "set"  # a member has several values (tags, categories bought): "contains one", "in: any of"
    BOOL = "bool"


OPERATORS: dict[Kind, tuple[str, ...]] = {
    Kind.TEXT: ("eq", "ne", "in", "contains"),
    Kind.NUMBER: ("eq", "ne", "gt", "gte", "lt", "lte", "between"),
    Kind.DATE: ("gt", "gte", "lt", "lte", "between", "within_days"),
    Kind.CHOICE: ("eq", "ne", "in"),
    Kind.SET: ("contains", "in"),
    Kind.BOOL: ("eq",),
}


@dataclass(frozen=True)
class FieldShape:
    """What the checking needs to know of a field: its kind, whether it takes a window, its choices."""

    kind: Kind
    windowed: bool = False
    choices: Callable[[], Sequence[str]] | None = None


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # str, float, bool, date, a list of str, a (low, high) pair, or an int of days
    days: int | None = None


@dataclass(frozen=True)
class Group:
    op: str  # "all" or "any"
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Condition | Group | Not


def conditions(node: Node) -> Iterator[Condition]:
    """Every condition of the tree, in order."""
    if isinstance(node, Condition):
        yield node
    elif isinstance(node, Group):
        for child in node.children:
            yield from conditions(child)
    else:
        yield from conditions(node.child)


class _Reader:
    def __init__(self, fields: Mapping[str, FieldShape], *, choices_checked: bool) -> None:
        self.fields = fields
        self.choices_checked = choices_checked
        self.problems: list[tuple[str, str]] = []
        self.count = 0

    def node(self, data: Any, path: str, depth: int) -> Node | None:
        if not isinstance(data, dict) or len(data) == 0:
            return self._refuse(path, _("a rule is an object: a condition, or all, any or not"))
        if depth > DEPTH_MAX:
            return self._refuse(path, _("rules nest at most %(max)d deep") % {"max": DEPTH_MAX})
        if "field" in data or "op" in data:
            return self.condition(data, path)
        if len(data) != 1 or next(iter(data)) not in ("all", "any", "not"):
            return self._refuse(path, _("a group is written as all, any or not"))
        op, inner = next(iter(data.items()))
        if op == "not":
            child = self.node(inner, f"{path}.not", depth + 1)
            return Not(child) if child is not None else None
        if not isinstance(inner, list) or not inner:
            return self._refuse(f"{path}.{op}", _("a group needs a list of at least one rule"))
        children = [self.node(item, f"{path}.{op}.{index}", depth + 1) for index, item in enumerate(inner)]
        if any(child is None for child in children):
            return None
        return Group(op, tuple(child for child in children if child is not None))

    def condition(self, data: dict[str, Any], path: str) -> Condition | None:
        self.count += 1
        if self.count == CONDITIONS_MAX + 1:
            self._refuse(path, _("a segment has at most %(max)d conditions") % {"max": CONDITIONS_MAX})
        unknown = sorted(set(data) - {"field", "op", "value", "days"})
        if unknown:
            return self._refuse(f"{path}.{unknown[0]}", _("a condition has only field, op, value and days"))
        name = data.get("field")
        shape = self.fields.get(name) if isinstance(name, str) else None
        if shape is None:
            return self._refuse(
                f"{path}.field",
                _("unknown field '%(field)s'; known fields: %(known)s")
                % {"field": name, "known": ", ".join(sorted(self.fields))},
            )
        op = data.get("op")
        if op not in OPERATORS[shape.kind]:
            return self._refuse(
                f"{path}.op",
                _("the field %(field)s takes the operators %(known)s")
                % {"field": name, "known": ", ".join(OPERATORS[shape.kind])},
            )
        days = self.days(data.get("days"), shape, f"{path}.days")
        value = self.value(data.get("value"), shape, op, f"{path}.value")
        if value is None or days is False:
            return None
        return Condition(str(name), op, value, days if isinstance(days, int) and days is not True else None)

    def days(self, data: Any, shape: FieldShape, path: str) -> int | bool | None:
        if data is None:
            return None
        if not shape.windowed:
            self._refuse(path, _("only purchase fields take a window of days"))
            return False
        if not _is_int(data) or not 1 <= data <= DAYS_MAX:
            self._refuse(path, _("a whole number of days from 1 to %(max)d") % {"max": DAYS_MAX})
            return False
        return int(data)

    def value(self, data: Any, shape: FieldShape, op: str, path: str) -> Any:
        if op == "within_days":
            if not _is_int(data) or not 0 <= data <= DAYS_MAX:
                return self._refuse(path, _("a whole number of days from 0 to %(max)d") % {"max": DAYS_MAX})
            return int(data)
        if op == "between":
            if not isinstance(data, list) or len(data) != 2:
                return self._refuse(path, _("between takes two values, the lowest and the highest"))
            low, high = (self.scalar(item, shape, f"{path}.{index}") for index, item in enumerate(data))
            if low is None or high is None:
                return None
            if low > high:
                return self._refuse(path, _("the first value of between must not be above the second"))
            return (low, high)
        if op == "in":
            if not isinstance(data, list) or not data or len(data) > LIST_MAX:
                return self._refuse(path, _("in takes a list of 1 to %(max)d values") % {"max": LIST_MAX})
            items = [self.scalar(item, shape, f"{path}.{index}") for index, item in enumerate(data)]
            return None if any(item is None for item in items) else tuple(items)
        return self.scalar(data, shape, path)

    def scalar(self, data: Any, shape: FieldShape, path: str) -> Any:
        if shape.kind == Kind.NUMBER:
            if isinstance(data, bool) or not isinstance(data, int | float) or not math.isfinite(data):
                return self._refuse(path, _("must be a number"))
            if abs(data) > NUMBER_MAX:
                return self._refuse(path, _("must be a number"))
            return float(data)
        if shape.kind == Kind.BOOL:
            return data if isinstance(data, bool) else self._refuse(path, _("must be true or false"))
        if shape.kind == Kind.DATE:
            try:
                return date.fromisoformat(data) if isinstance(data, str) else self._refuse_date(path)
            except ValueError:
                return self._refuse_date(path)
        if not isinstance(data, str) or not data.strip() or len(data) > TEXT_MAX:
            return self._refuse(path, _("must be text of 1 to %(max)d characters") % {"max": TEXT_MAX})
        if shape.choices is not None and self.choices_checked:
            known = shape.choices()
            if data not in known:
                return self._refuse(
                    path, _("must be one of: %(known)s") % {"known": ", ".join(known) or _("(none yet)")}
                )
        return data.strip()

    def _refuse_date(self, path: str) -> Any:
        return self._refuse(path, _("must be a date written YYYY-MM-DD"))

    def _refuse(self, path: str, message: str) -> Any:
        """Notes the problem; None, so a caller can return it as the node or value it could not read."""
        self.problems.append((path, message))
        return None


def _is_int(value: Any) -> bool:
    """A whole number as JSON writes it: 90, or 90.0 (JSON does not tell them apart); never true or "90"."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def rules_read(data: Any, fields: Mapping[str, FieldShape], *, choices_checked: bool = True) -> Node:
    """The checked tree of `data`; every problem is named at once by its path under `rules`.

    Stored rules are read without checking choices: a tier renamed since still reads (and matches no one).
    """
    reader = _Reader(fields, choices_checked=choices_checked)
    node = reader.node(data, "rules", 1)
    if reader.problems or node is None:
        raise ValidationFailed.every(reader.problems or [("rules", _("the rules are empty"))])
    return node


def rules_json(node: Node) -> dict[str, Any]:
    """The tree as stored and sent: the same shape it was read from, values in JSON's types."""
    if isinstance(node, Group):
        return {node.op: [rules_json(child) for child in node.children]}
    if isinstance(node, Not):
        return {"not": rules_json(node.child)}
    value = [_plain(item) for item in node.value] if isinstance(node.value, tuple) else _plain(node.value)
    condition: dict[str, Any] = {"field": node.field, "op": node.op, "value": value}
    if node.days is not None:
        condition["days"] = node.days
    return condition


def _plain(value: Any) -> Any:
    """A value as JSON writes it: dates as YYYY-MM-DD, 3.0 as 3."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
