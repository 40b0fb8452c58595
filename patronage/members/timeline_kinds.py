from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.members.change_words import changes_words
from patronage.members.models import ConsentMethod, ConsentPurpose, IdentityKind
from patronage.members.timeline import register


def _label(
    choices: type[ConsentPurpose] | type[ConsentMethod] | type[IdentityKind], code: object
) -> str | None:
    return str(choices(code).label) if isinstance(code, str) and code in choices.values else None


def _joined(data: Mapping[str, Any], summary: str) -> str | None:
    """The file's source ('portal', 'import', ...), written as the summary."""
    where = _label(ConsentMethod, summary)
    return _("via %(source)s") % {"source": where} if where else None


def _profile_changed(data: Mapping[str, Any], summary: str) -> str | None:
    fields = data.get("fields")
    return changes_words(fields, data.get("changes")) if isinstance(fields, list) else None


def _identity_added(data: Mapping[str, Any], summary: str) -> str | None:
    """'email: kim@example.com' as 'E-mail: kim@example.com'."""
    kind, _sep, value = summary.partition(": ")
    label = _label(IdentityKind, kind)
    return _("%(kind)s: %(value)s") % {"kind": label, "value": value} if label and value else None


def _consent_changed(data: Mapping[str, Any], summary: str) -> str | None:
    purpose, method = _label(ConsentPurpose, data.get("purpose")), _label(ConsentMethod, data.get("method"))
    if purpose is None or method is None or not isinstance(data.get("granted"), bool):
        return None
    if data["granted"]:
        return _("%(purpose)s: given (%(method)s)") % {"purpose": purpose, "method": method}
    return _("%(purpose)s: withdrawn (%(method)s)") % {"purpose": purpose, "method": method}


def _note_added(data: Mapping[str, Any], summary: str) -> str | None:
    """The note's text as its author wrote it (its first 120 characters are the summary)."""
    # Translators: a staff note's text quoted as written; use your language's quotation marks.
    return _("“%(text)s”") % {"text": summary} if summary else None


def _merged(data: Mapping[str, Any], summary: str) -> str | None:
    duplicate = data.get("duplicate_id")
    if not isinstance(duplicate, int) or isinstance(duplicate, bool):
        return None
    return _("Merged customer #%(id)s into this file") % {"id": duplicate}


JOINED = register("joined", gettext_lazy("Joined"), "★", "good", render=_joined)
PROFILE_CHANGED = register(
    "profile_changed", gettext_lazy("Profile changed"), "✎", personal=True, render=_profile_changed
)
IDENTITY_ADDED = register(
    "identity_added", gettext_lazy("Identity added"), "@", personal=True, render=_identity_added
)
CONSENT_CHANGED = register(
    "consent_changed", gettext_lazy("Consent changed"), "✓", "info", personal=True, render=_consent_changed
)


def _tags_changed(data: Mapping[str, Any], summary: str) -> str | None:
    tags = data.get("tags")
    if not isinstance(tags, list):
        return None
    return _("Tags: %(tags)s") % {"tags": ", ".join(map(str, tags))} if tags else _("Tags removed")


TAGS_CHANGED = register(
    "tags_changed", gettext_lazy("Tags changed"), "#", personal=True, staff_only=True, render=_tags_changed
)
NOTE_ADDED = register(
    "note_added", gettext_lazy("Note"), "✉", personal=True, staff_only=True, render=_note_added
)
MERGED = register("merged", gettext_lazy("Duplicate merged in"), "⇄", "info", render=_merged)
DATA_EXPORTED = register("data_exported", gettext_lazy("Personal data exported"), "⇩", "info", personal=True)
