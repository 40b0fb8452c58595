"""The parameters each analysis takes: defaults, and checks whose errors name the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from patronage.analytics.whatif import TARP_MINOR, WhatIfInputs
from patronage.core.errors import ValidationFailed

KINDS = ("clv", "churn", "loyalty", "deal_seekers", "service", "whatif")
Check = Callable[[str, Any], Any]


def _choice(*options: str) -> Check:
    def check(name: str, value: Any) -> Any:
        if value not in options:
            raise ValidationFailed(
                _("%(name)s must be one of: %(options)s") % {"name": name, "options": ", ".join(options)},
                field=name,
            )
        return value

    return check


def _number(low: float | None = None, high: float | None = None, *, whole: bool = False) -> Check:
    def check(name: str, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValidationFailed(_("%(name)s must be a number") % {"name": name}, field=name)
        try:
            number = float(value)
        except ValueError:
            raise ValidationFailed(_("%(name)s must be a number") % {"name": name}, field=name) from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationFailed(
                _("%(name)s must lie between %(low)s and %(high)s")
                % {
                    "name": name,
                    "low": "-∞" if low is None else f"{low:g}",
                    "high": "∞" if high is None else f"{high:g}",
                },
                field=name,
            )
        if whole:
            if number != int(number):
                raise ValidationFailed(_("%(name)s must be a whole number") % {"name": name}, field=name)
            return int(number)
        return number

    return check


def _day(name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationFailed(
            _("%(name)s must be a date (YYYY-MM-DD)") % {"name": name}, field=name
        ) from None


def _flag(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if str(value).lower() in {"1", "true", "yes", "on"}:
        return True
    if str(value).lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValidationFailed(_("%(name)s must be true or false") % {"name": name}, field=name)


_WINDOW: dict[str, tuple[Any, Check]] = {"window_start": (None, _day), "window_end": (None, _day)}
_FRACTION = _number(0, 1)
SPECS: dict[str, dict[str, tuple[Any, Check]]] = {
    "clv": {
        **_WINDOW,
        "model": ("bgnbd", _choice("bgnbd", "pareto")),
        "time_unit": ("W", _choice("D", "W", "M")),
        "calibration_end": (None, _day),
        "horizon_days": (365, _number(1, 3650, whole=True)),
        "margin": (1.0, _number(0, 1)),
        "discount_rate": (0.01, _number(0, 1)),
    },
    "churn": {
        **_WINDOW,
        "horizon_days": (90, _number(7, 730, whole=True)),
        "method": ("logistic", _choice("logistic", "boosting")),
        "period": ("M", _choice("W", "M", "Q")),
        "active_within_days": (90, _number(1, 3650, whole=True)),
    },
    "loyalty": {
        **_WINDOW,
        "half_life_days": (90, _number(1, 3650)),
        "full_tenure_days": (730, _number(1, 7300)),
    },
    "deal_seekers": {
        **_WINDOW,
        "share_threshold": (0.5, _FRACTION),
        "min_purchases": (1, _number(1, 1000, whole=True)),
        "horizon_days": (180, _number(7, 730, whole=True)),
    },
    "service": {
        **_WINDOW,
        "repurchase_days": (364, _number(7, 1460, whole=True)),
        "quick_hours": (24, _number(0.1, 720)),
    },
    "whatif": {
        **_WINDOW,
        "calibrate": (False, _flag),
        "change": (0.10, _number(0.01, 0.99)),
        "repurchase_days": (364, _number(7, 1460, whole=True)),
        "quick_hours": (24, _number(0.1, 720)),
        **{
            field.name: (
                getattr(TARP_MINOR, field.name),
                _number(0) if field.name in ("customers", "value") else _FRACTION,
            )
            for field in fields(WhatIfInputs)
        },
    },
}


def params_clean(*, kind: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters with defaults filled in and each value checked; an unknown name is an error."""
    if kind not in SPECS:
        raise ValidationFailed(
            _("unknown analysis %(kind)s: use one of %(kinds)s") % {"kind": kind, "kinds": ", ".join(KINDS)},
            field="kind",
        )
    given = dict(params or {})
    spec = SPECS[kind]
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise ValidationFailed(
            _("unknown parameter %(name)s for %(kind)s") % {"name": unknown[0], "kind": kind},
            field=unknown[0],
        )
    cleaned = {}
    for name, (default, check) in spec.items():
        value = given.get(name, default)
        cleaned[name] = default if value is None else check(name, value)
    # Both days are inclusive: a window of one day (start = end) is a window, not a mistake.
    if cleaned["window_start"] and cleaned["window_end"] and cleaned["window_start"] > cleaned["window_end"]:
        raise ValidationFailed(_("window_end must come after window_start"), field="window_end")
    calibration = cleaned.get("calibration_end")
    if calibration and cleaned["window_end"] and calibration >= cleaned["window_end"]:
        raise ValidationFailed(_("calibration_end must come before window_end"), field="calibration_end")
    return cleaned


def whatif_inputs(params: Mapping[str, Any]) -> WhatIfInputs:
    """The what-if inputs among the parameters (already checked)."""
    return WhatIfInputs(**{field.name: float(params[field.name]) for field in fields(WhatIfInputs)})
