"""Sentences the pure loyalty calculations give people: a translatable template and its parameters.

The calculations run without a reader (a worker, the API), so they never translate: they keep the English
template (marked with gettext_noop where it is written, so makemessages extracts it) and plain parameters,
and the page or the API translates when it shows them (`Message.of(e.template, e.params)` or `render`).
Parameters are plain JSON values, amounts as formatted strings, so an explanation can be stored as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

Param = str | int

# Parameters must be plain JSON values, never a Decimal or a datetime: they are stored and sent as they are.
Params = Mapping[str, Param]


@dataclass(frozen=True, slots=True)
class Explanation:
    template: str
    params: Params = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = str) -> str:
        """The sentence, its template passed through `translate` first (gettext on a page)."""
        return translate(self.template) % dict(self.params)

    def as_dict(self) -> dict[str, object]:
        return {"template": self.template, "params": dict(self.params), "message": self.render()}


def decimal_text(value: Decimal) -> str:
    """An amount as people write it: 1000, 2.5, never 1E+3 or 2.50."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
