"""A checked rule tree as a database condition on members, and what it reads: the one place rules meet SQL.

The whole tree becomes one `Q` on `Member`, so counting a segment, listing a sample and re-checking a
handful of members are each one query, whatever the number of conditions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from patronage.members.models import Member, MemberStatus
from patronage.segments.fields import field_shapes, fields_all
from patronage.segments.rules import Condition, Node, Not, conditions, rules_read

# Events every segment answers to: a file opened can meet any rule; a merge moves a history to another file.
ALWAYS_READ = frozenset({"joined", "merged"})


def rules_tree(data: Any) -> Node:
    """The checked tree of the rules a person or integrator sent, against the fields known now."""
    return rules_read(data, field_shapes())


def rules_stored(data: Any) -> Node:
    """A segment's saved rules as a tree; values no longer among a field's choices still read."""
    return rules_read(data, field_shapes(), choices_checked=False)


def rules_condition(node: Node, now: datetime) -> Q:
    """The members the tree selects, as a condition on Member."""
    if isinstance(node, Condition):
        return fields_all()[node.field].condition(node, now)
    if isinstance(node, Not):
        return ~rules_condition(node.child, now)
    parts = [rules_condition(child, now) for child in node.children]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if node.op == "all" else combined | part
    return combined


def rules_members(node: Node, now: datetime) -> QuerySet[Member]:
    """Active members (not merged away nor erased) that meet the rules."""
    return Member.objects.filter(status=MemberStatus.ACTIVE).filter(rules_condition(node, now))


def rules_reads(node: Node) -> frozenset[str]:
    """The timeline kinds (and other segments, `segment:<code>`) whose changes can move a member."""
    known = fields_all()
    reads = set(ALWAYS_READ)
    for condition in conditions(node):
        reads |= known[condition.field].reads_for(condition)
    return frozenset(reads)


def rules_tick(node: Node) -> bool:
    """Whether time alone can move a member in or out."""
    known = fields_all()
    return any(known[condition.field].ticks(condition) for condition in conditions(node))


def rules_crossing(node: Node, since: datetime, until: datetime) -> set[int]:
    """Members whose standing time alone may have changed between the two instants."""
    known = fields_all()
    crossed: set[int] = set()
    for condition in conditions(node):
        found = known[condition.field]
        if found.ticks(condition) and found.crossing is not None:
            crossed.update(found.crossing(condition, since, until))
    return crossed
