"""The standard most tests measure: "Phone answered within 2 rings"."""

from __future__ import annotations

from typing import Any

from patronage.core.models import User
from patronage.standards.models import Standard
from patronage.standards.services import StandardInput, standard_create


def rings_standard(*, actor: User | None = None, code: str = "phone-rings", **given: Any) -> Standard:
    """At most 2 rings for 95% of calls, never more than 4 (lower is better); `given` overrides a field."""
    fields: dict[str, Any] = {
        "code": code,
        "name": "Phone answered within 2 rings",
        "unit": "rings",
        "direction": "lower",
        "target": 2,
        "minimum": 4,
        **given,
    }
    return standard_create(data=StandardInput(**fields), actor=actor)
