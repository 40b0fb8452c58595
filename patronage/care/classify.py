"""Classifying a case: what it is about (category, product, tags), how bad it is (severity) and why it
happened (root cause), so that problems are counted, and fixed, at their source (care.causes).

One durable transaction on the locked case: the change, an entry naming what changed, and case.updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from patronage.care.models import Case, CaseEntry, Category, EntryKind, RootCause, Severity
from patronage.care.notify import case_event
from patronage.commerce.models import Product
from patronage.core import clock
from patronage.core.errors import NotFound, ValidationFailed
from patronage.core.models import User

TAGS_MAX = 10
TAG_MAX = 40
# The fields a classification sets, in the order the entry names them.
FIELDS = ("category", "root_cause", "severity", "product", "tags")


def tags_normalised(tags: Sequence[str]) -> list[str]:
    """The tags as kept: spaces collapsed, lower case, each once, in the order given; too many or too long
    refused naming the field."""
    kept: list[str] = []
    for tag in tags:
        written = " ".join(str(tag).split())
        # Measured as written: lower case can lengthen a word ("İ" is two characters lowered).
        if len(written) > TAG_MAX:
            raise ValidationFailed(_("a tag is at most %(max)d characters") % {"max": TAG_MAX}, field="tags")
        if (name := written.lower()) and name not in kept:
            kept.append(name)
    if len(kept) > TAGS_MAX:
        raise ValidationFailed(_("at most %(max)d tags") % {"max": TAGS_MAX}, field="tags")
    return kept


def case_classify(
    *,
    case: Case,
    category: int | None,
    root_cause: int | None,
    severity: str,
    product: int | None,
    tags: Sequence[str],
    actor: User | None,
) -> Case:
    """Sets the case's category, root cause, severity, product (each by id; None clears it) and tags. A root
    cause no longer in use is refused (one the case has already stays); an unknown id is not found, naming
    its field."""
    if severity not in Severity.values:
        raise ValidationFailed(
            _("choose one of: %(choices)s") % {"choices": ", ".join(Severity.values)}, field="severity"
        )
    wanted: dict[str, Any] = {
        "category": _found(Category, category, "category"),
        "root_cause": _found(RootCause, root_cause, "root_cause"),
        "severity": severity,
        "product": _found(Product, product, "product"),
        "tags": tags_normalised(tags),
    }
    now = clock.now()
    with transaction.atomic(durable=True):
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "assignee")
            .get(pk=case.pk)
        )
        cause = wanted["root_cause"]
        if cause is not None and not cause.active and cause.pk != case.root_cause_id:
            raise ValidationFailed(
                _("this root cause is no longer in use: choose another"), field="root_cause"
            )
        changed = {
            name: [_code(getattr(case, name)), _code(value)]
            for name, value in wanted.items()
            if _code(getattr(case, name)) != _code(value)
        }
        if not changed:
            return case
        for name, value in wanted.items():
            setattr(case, name, value)
        case.updated_at = now
        case.save(update_fields=[*FIELDS, "updated_at"])
        entry = CaseEntry.objects.create(
            case=case, kind=EntryKind.CLASSIFIED, at=now, actor=actor, data={"changed": changed}
        )
        case_event(case, topic="case.updated", key=f"classified:{entry.pk}", at=now, change=changed)
    return case


def _found(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(
            _("no %(what)s with id %(id)s") % {"what": field.replace("_", " "), "id": pk}, field=field
        )
    return found


def _code(value: Any) -> Any:
    """What the entry and the event keep of a value: an id for a record, the value itself otherwise."""
    return getattr(value, "pk", value)
