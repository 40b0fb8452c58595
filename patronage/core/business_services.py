"""Changing the business's settings: its name, clock, languages and brand (one row, pk=1)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from zoneinfo import available_timezones

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.brand import LOGO_TYPE, colour_refusal, logo_clean
from patronage.core.business import business_forget
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import text_refusal
from patronage.core.models import Business, User

NAME_MAX = Business._meta.get_field("name").max_length or 100


def business_update(
    *,
    actor: User | None,
    name: str,
    time_zone: str,
    languages: Sequence[str],
    colour: str,
    logo: bytes | None,
    logo_remove: bool,
) -> Business:
    """Saves the business's settings; refuses with one ValidationFailed naming every bad field, and then
    changes nothing. `logo` None keeps the logo there is, unless `logo_remove`."""
    name, colour = name.strip(), colour.strip().lower()
    problems: list[tuple[str, str]] = []
    if problem := _name_problem(name):
        problems.append(("name", problem))
    if time_zone not in available_timezones():
        problems.append(("time_zone", _("'%(zone)s' is not a time zone we know") % {"zone": time_zone}))
    if problem := _languages_problem(languages):
        problems.append(("languages", problem))
    if refusal := colour_refusal(colour):
        problems.append(("colour", refusal.message()))
    cleaned = logo_clean(logo) if logo is not None and not logo_remove else None
    if cleaned is not None and not isinstance(cleaned, bytes):
        problems.append(("logo", cleaned.message()))
    if problems:
        raise ValidationFailed.every(problems)
    with transaction.atomic(durable=True):
        row = Business.objects.select_for_update().filter(pk=1).first() or Business(pk=1)
        before = _described(row)
        row.name, row.time_zone, row.languages, row.colour = name, time_zone, list(languages), colour
        if logo_remove:
            row.logo, row.logo_type = None, ""
        elif isinstance(cleaned, bytes):
            row.logo, row.logo_type = cleaned, LOGO_TYPE
        row.updated_at = clock.now()
        row.save()
        after = _described(row)
        changed = sorted(field for field in after if after[field] != before[field])
        audit_record(
            actor=actor,
            action="business.updated",
            target=row,
            fields=changed,
            changes={field: [before[field], after[field]] for field in changed if field != "logo"},
        )
    business_forget()
    return row


def _name_problem(name: str) -> str | None:
    if not name:
        return _("the business needs a name")
    if refusal := text_refusal(name):
        return refusal.message()
    if len(name) > NAME_MAX:
        return _("the name is longer than %(limit)d characters") % {"limit": NAME_MAX}
    return None


def _languages_problem(languages: Sequence[str]) -> str | None:
    known = [code for code, _label in settings.LANGUAGES]
    if not languages:
        return _("choose at least one language")
    unknown = [code for code in languages if code not in known]
    if unknown:
        return _("'%(code)s' is not one of the languages offered: %(languages)s") % {
            "code": unknown[0],
            "languages": ", ".join(known),
        }
    if len(set(languages)) != len(languages):
        return _("each language may be chosen once")
    return None


def _described(row: Business) -> dict[str, object]:
    """What the audit entry compares: the logo by a digest of its bytes, which the entry does not keep."""
    return {
        "name": row.name,
        "time_zone": row.time_zone,
        "languages": list(row.languages),
        "colour": row.colour,
        "logo": hashlib.sha256(bytes(row.logo)).hexdigest() if row.logo else "",
    }
