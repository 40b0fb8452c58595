"""What care writes on a member's timeline: their cases, each step, compensation and their rating."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patronage.care.models import CaseStatus, CaseType, CompensationKind
from patronage.core.names import text_in_language
from patronage.core.words import decimal_or_none, money_words
from patronage.members.timeline import register


def _label(choices: type[CaseStatus] | type[CaseType] | type[CompensationKind], code: object) -> str:
    return str(choices(code).label) if isinstance(code, str) and code in choices.values else ""


def _opened(data: Mapping[str, Any], summary: str) -> str | None:
    """'C-2026-000123, complaint: The sofa arrived scratched'."""
    reference, kind = data.get("reference"), _label(CaseType, data.get("type"))
    if not isinstance(reference, str) or not kind:
        return None
    return _("%(reference)s, %(type)s: %(summary)s") % {
        "reference": reference,
        "type": kind,
        "summary": summary,
    }


def _status(data: Mapping[str, Any], summary: str) -> str | None:
    """'C-2026-000123: solution proposed'."""
    reference, to = data.get("reference"), _label(CaseStatus, data.get("to"))
    if not isinstance(reference, str) or not to:
        return None
    return _("%(reference)s: %(status)s") % {"reference": reference, "status": to}


def _compensated(data: Mapping[str, Any], summary: str) -> str | None:
    """'C-2026-000123: points worth 5,000 KRW'."""
    reference, kind = data.get("reference"), _label(CompensationKind, data.get("kind"))
    value, currency = decimal_or_none(data.get("value")), data.get("currency")
    if not isinstance(reference, str) or not kind or value is None or not isinstance(currency, str):
        return None
    return _("%(reference)s: %(kind)s worth %(value)s") % {
        "reference": reference,
        "kind": kind,
        "value": money_words(value, currency),
    }


def _rated(data: Mapping[str, Any], summary: str) -> str | None:
    reference, rating = data.get("reference"), data.get("rating")
    if not isinstance(reference, str) or not isinstance(rating, int):
        return None
    return _("%(reference)s: rated %(rating)d out of 5") % {"reference": reference, "rating": rating}


def _notice(data: Mapping[str, Any], summary: str) -> str | None:
    """The notice's title, in the reader's language when it was written in it."""
    title, titles = data.get("title"), data.get("titles")
    if not isinstance(title, str):
        return None
    return text_in_language(title, titles if isinstance(titles, Mapping) else None, get_language())


CASE_OPENED = register("case_opened", gettext_lazy("Case filed"), "☎", "bad", personal=True, render=_opened)
CASE_STATUS = register("case_status", gettext_lazy("Case moved on"), "☎", "info", render=_status)
CASE_COMPENSATED = register(
    "case_compensated", gettext_lazy("Compensation given"), "🎁", "good", render=_compensated
)
CASE_RATED = register("case_rated", gettext_lazy("Case rated"), "★", "info", render=_rated)
NOTICE_RECEIVED = register(
    "notice_received", gettext_lazy("Told of a problem on our side"), "📣", "info", render=_notice
)
