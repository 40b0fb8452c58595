"""A change of a customer file in words: "changed country from KR to JP and e-mail" (no database).

Profile changes are stored as field names (`fields: ["country"]`) and, for the fields that identify no
one, their values before and after (`changes: {"country": ["KR", "JP"]}`, members.services.files); the
timeline and the audit log read them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from patronage.members.models import IdentityKind, Member

# Values that name no one: kept with the change in the audit log, which outlives an erasure (decision
# 0016 keeps these columns of an erased file too).
SHAREABLE_FIELDS = frozenset({"country", "locale", "time_zone"})
_IDENTITY_FIELDS = {
    "email": IdentityKind.EMAIL,
    "phone": IdentityKind.PHONE,
    "card_number": IdentityKind.CARD,
}


def field_label(name: str) -> str:
    """A profile field as the reader names it ('country', 'e-mail')."""
    if name in _IDENTITY_FIELDS:
        return str(_IDENTITY_FIELDS[name].label).lower()
    try:
        field = Member._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name))


def shareable_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[str]]:
    """The before and after values of the changed fields that identify no one, for the audit log."""
    return {
        name: [str(before.get(name) or ""), str(after[name] or "")]
        for name in sorted(after)
        if name in SHAREABLE_FIELDS
    }


def changes_words(fields: Iterable[str], changes: Mapping[str, Sequence[str]] | None = None) -> str:
    """'changed country from KR to JP and e-mail': each field, with its values where they were kept."""
    changes = changes or {}
    parts = []
    for name in fields:
        label, values = field_label(name), changes.get(name)
        if values and len(values) == 2 and values[0]:
            parts.append(
                _("%(field)s from %(old)s to %(new)s") % {"field": label, "old": values[0], "new": values[1]}
            )
        elif values and len(values) == 2:
            parts.append(_("%(field)s to %(new)s") % {"field": label, "new": values[1]})
        else:
            parts.append(label)
    if not parts:
        return _("changed the profile")
    return _("changed %(fields)s") % {"fields": get_text_list(parts, _("and"))}
