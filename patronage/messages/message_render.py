"""Rendering a message's parts from Django template text, and checking which variables a text uses. Pure:
no database; the caller activates the message's language and the recipient's time zone."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.template import Context, Template
from django.template.base import FilterExpression, Node, VariableNode
from django.template.defaulttags import ForNode, IfNode, WithNode


def part_render(source: str, context: Mapping[str, Any], *, html: bool) -> str:
    """One part (subject, text or HTML) with the context's values; HTML escapes them, text does not."""
    return _compiled(source).render(Context(dict(context), autoescape=html))


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template text compiled once (a campaign renders the same texts for every member); a compiled
    template keeps no state between renders, so one serves every caller."""
    return Template(source)


def template_variables(source: str) -> set[str]:
    """The top-level names a template text reads ({{ points }}, {% if upgraded %}, ...), for checking a
    text against its kind's variables. A syntax error raises TemplateSyntaxError."""
    found: set[str] = set()
    bound: set[str] = set()
    _walk(Template(source).nodelist, found, bound)
    return found - bound


def _walk(nodes: Any, found: set[str], bound: set[str]) -> None:
    for node in nodes:
        _node_names(node, found, bound)
        for attr in getattr(node, "child_nodelists", ()):
            _walk(getattr(node, attr, None) or [], found, bound)


def _node_names(node: Node, found: set[str], bound: set[str]) -> None:
    if isinstance(node, VariableNode):
        _expression(node.filter_expression, found)
    elif isinstance(node, IfNode):
        for condition, nodelist in node.conditions_nodelists:
            _condition(condition, found)
            _walk(nodelist or [], found, bound)
    elif isinstance(node, ForNode):
        if isinstance(node.sequence, FilterExpression):
            _expression(node.sequence, found)
        bound.update(node.loopvars)
        bound.add("forloop")
    elif isinstance(node, WithNode):
        for value in node.extra_context.values():
            if isinstance(value, FilterExpression):
                _expression(value, found)
        bound.update(node.extra_context)


def _condition(condition: Any, found: set[str]) -> None:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _expression(value, found)
    for side in ("first", "second"):
        if (part := getattr(condition, side, None)) is not None:
            _condition(part, found)


def _expression(expression: FilterExpression, found: set[str]) -> None:
    variable = getattr(expression.var, "var", None)
    if isinstance(variable, str) and getattr(expression.var, "lookups", None):
        found.add(variable.split(".")[0])
    for _function, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable and isinstance(getattr(argument, "var", None), str) and argument.lookups:
                found.add(argument.var.split(".")[0])
