"""`{{ tier|in_reader_language:"name" }}`: a program's, tier's, benefit's or reward's name (or
description) in the reader's language, else in the business's main language (decision 0021)."""

from __future__ import annotations

from typing import Any

from django import template

from patronage.core.names import in_reader_language as _in_reader_language

register = template.Library()


@register.filter
def in_reader_language(obj: Any, field: str = "name") -> str:
    """'' for no object, so `|default:` can say what a missing tier means."""
    return _in_reader_language(obj, field)
