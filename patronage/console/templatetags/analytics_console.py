"""Template helpers for the analytics pages: shares as percentages, numbers with separators."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.834 -> "83.4%"; empty for a missing value."""
    if value is None or value == "":
        return "—"
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def num(value: Any, digits: int = 0) -> str:
    """A number with thousands separators in the reader's locale and `digits` decimals."""
    if value is None or value == "":
        return "—"
    return str(intcomma(f"{float(value):.{int(digits)}f}"))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
