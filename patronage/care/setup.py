"""Setting up the desk: business calendars, SLA policies in their order, the category tree, root causes and
teams. Each change is checked whole (every bad field named), audited, and leaves nothing half-written.

A calendar is stored as the CAL.json document care.sla reads (and `patronage sla` and the editor's import
and export use), written back in sla's own form so the stored, exported and checked shapes are one. The
default policy matches every case no other policy matched: it is always last, has no conditions and is
never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Max, TextChoices
from django.utils.translation import gettext as _

from patronage.care import reply_text, sla
from patronage.care.models import (
    BusinessCalendar,
    CaseChannel,
    CaseType,
    Category,
    ReplyTemplate,
    RootCause,
    Severity,
    SlaPolicy,
    Team,
)
from patronage.care.selectors import case_workers
from patronage.care.services import REPLY_MAX
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.loyalty.models import Tier

NAME_MAX = 100
# Categories nest at most this deep ("Delivery / Late / Courier"): the queue's filter looks this far down.
CATEGORY_DEPTH = 3
# A target longer than a year of business time is a typing mistake, not a promise.
TARGET_MAX = 366 * 86_400
TARGET_FIELDS = ("first_response_seconds", "next_response_seconds", "resolution_seconds", "follow_up_seconds")
UP, DOWN = "up", "down"
_Switchable = TypeVar("_Switchable", Category, RootCause, ReplyTemplate)


def _refuse(problems: list[tuple[str, str]]) -> None:
    """One ValidationFailed naming every bad field; nothing when there is none."""
    if problems:
        raise ValidationFailed.every(problems)


def _name(value: str, problems: list[tuple[str, str]], field_name: str = "name") -> str:
    name = " ".join((value or "").split())
    if not name:
        problems.append((field_name, _("give a name")))
    elif len(name) > NAME_MAX:
        problems.append((field_name, _("at most %(max)d characters") % {"max": NAME_MAX}))
    return name


def _translations(texts: Mapping[str, str] | None, problems: list[tuple[str, str]]) -> dict[str, str]:
    kept, found = translations_clean(
        texts, field="name_translations", languages=business_languages(), max_length=NAME_MAX
    )
    problems += found
    return kept


def _translations_write(obj: Category | RootCause, given: dict[str, str]) -> None:
    obj.name_translations = translations_merge(
        obj.name_translations, given, main_language=business_languages()[0]
    )


# --- calendars ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarInput:
    name: str
    document: Mapping[str, Any]  # CAL.json: {"timezone": ..., "hours": {...}, "holidays": [...], ...}


def calendar_check(document: Mapping[str, Any]) -> sla.Calendar:
    """The calendar a document describes; refused naming the place in it that is wrong (`hours.mon[1]`)."""
    try:
        return sla.calendar_from_dict(document)
    except sla.CalendarError as error:
        raise ValidationFailed(error.message, field=error.field) from error


def calendar_save(
    *, data: CalendarInput, calendar: BusinessCalendar | None = None, actor: User | None
) -> BusinessCalendar:
    """Creates a calendar, or changes `calendar`, from its CAL.json document."""
    problems: list[tuple[str, str]] = []
    name = _name(data.name, problems)
    try:
        document = sla.calendar_to_dict(sla.calendar_from_dict(data.document))
    except sla.CalendarError as error:
        problems.append((error.field, error.message))
    _refuse(problems)
    with transaction.atomic(durable=True):
        taken = BusinessCalendar.objects.filter(name=name)
        if calendar is not None:
            taken = taken.exclude(pk=calendar.pk)
        if taken.exists():
            raise Conflict(_("another calendar has this name"), field="name")
        saved = calendar or BusinessCalendar()
        created = saved.pk is None
        saved.name, saved.document = name, document
        saved.save()
        audit_change(
            actor=actor,
            action="calendar.created" if created else "calendar.changed",
            target=saved,
            name=name,
            document=document,
        )
    return saved


def calendar_import(*, data: CalendarInput, actor: User | None) -> BusinessCalendar:
    """A CAL.json document saved under its name: the calendar of that name is replaced, else one is made."""
    existing = BusinessCalendar.objects.filter(name=" ".join(data.name.split())).first()
    return calendar_save(data=data, calendar=existing, actor=actor)


def calendar_delete(*, calendar: BusinessCalendar, actor: User | None) -> None:
    """Deletes a calendar no policy uses."""
    with transaction.atomic(durable=True):
        users = list(SlaPolicy.objects.filter(calendar=calendar).values_list("name", flat=True))
        if users:
            raise Conflict(
                _("the policies %(names)s use this calendar: give them another one first")
                % {"names": ", ".join(users)},
                field="calendar",
            )
        audit_change(actor=actor, action="calendar.deleted", target=calendar, name=calendar.name)
        calendar.delete()


# --- SLA policies ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyInput:
    name: str
    calendar_id: int | None = None
    case_types: Sequence[str] = ()
    severities: Sequence[str] = ()
    channels: Sequence[str] = ()
    category_ids: Sequence[int] = ()
    tiers: Sequence[str] = ()
    min_predicted_value: Decimal | None = None
    # Business seconds; None: the leg is not measured.
    first_response_seconds: int | None = None
    next_response_seconds: int | None = None
    resolution_seconds: int | None = None
    follow_up_seconds: int | None = None
    warn_percents: Sequence[int] = field(default=())


def tier_codes() -> list[str]:
    """The tier codes of every program: a policy's tier condition matches a member in any program's tier."""
    return sorted(set(Tier.objects.values_list("code", flat=True)))


def _choices(
    field_name: str, given: Sequence[str], choices: type[TextChoices], problems: list[Any]
) -> list[str]:
    chosen = sorted(set(given))
    wrong = [value for value in chosen if value not in choices.values]
    if wrong:
        problems.append(
            (
                field_name,
                _("%(wrong)s: choose among %(choices)s")
                % {"wrong": ", ".join(wrong), "choices": ", ".join(str(label) for label in choices.labels)},
            )
        )
    return chosen


def _policy_checked(data: PolicyInput, *, is_default: bool) -> tuple[dict[str, Any], list[Category]]:
    """The policy's columns and categories as they will be written, or every problem at once."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {"name": _name(data.name, problems)}
    values["case_types"] = _choices("case_types", data.case_types, CaseType, problems)
    values["severities"] = _choices("severities", data.severities, Severity, problems)
    values["channels"] = _choices("channels", data.channels, CaseChannel, problems)
    known_tiers = set(tier_codes())
    tiers = sorted(set(data.tiers))
    if unknown := [code for code in tiers if code not in known_tiers]:
        problems.append(("tiers", _("no program has the tier %(codes)s") % {"codes": ", ".join(unknown)}))
    values["tiers"] = tiers
    categories = list(Category.objects.filter(pk__in=set(data.category_ids)))
    if len(categories) != len(set(data.category_ids)):
        problems.append(("categories", _("a chosen category no longer exists")))
    value = data.min_predicted_value
    if value is not None and (not value.is_finite() or value < 0 or value >= Decimal("1e12")):
        problems.append(("min_predicted_value", _("give an amount of zero or more")))
    values["min_predicted_value"] = value
    values["calendar_id"] = data.calendar_id
    if data.calendar_id is not None and not BusinessCalendar.objects.filter(pk=data.calendar_id).exists():
        problems.append(("calendar", _("the chosen calendar no longer exists")))
    for name in TARGET_FIELDS:
        seconds = getattr(data, name)
        if seconds is not None and (isinstance(seconds, bool) or not 0 < seconds <= TARGET_MAX):
            problems.append((name, _("give a time above zero and at most a year, or leave it empty")))
        values[name] = seconds
    percents = sorted(set(data.warn_percents))
    if any(isinstance(p, bool) or not 1 <= p <= 99 for p in percents):
        problems.append(("warn_percents", _("each warning is a percentage from 1 to 99")))
    values["warn_percents"] = percents
    conditions = (values["case_types"], values["severities"], values["channels"], tiers, categories)
    if is_default and (any(conditions) or value is not None):
        problems.append(
            (
                "case_types",
                _("the default policy takes every case the others do not, so it has no conditions"),
            )
        )
    _refuse(problems)
    return values, categories


def policy_save(*, data: PolicyInput, policy: SlaPolicy | None = None, actor: User | None) -> SlaPolicy:
    """Creates a policy (placed last before the default), or changes `policy`."""
    values, categories = _policy_checked(data, is_default=policy is not None and policy.is_default)
    with transaction.atomic(durable=True):
        taken = SlaPolicy.objects.filter(name=values["name"])
        if policy is not None:
            taken = taken.exclude(pk=policy.pk)
        if taken.exists():
            raise Conflict(_("another policy has this name"), field="name")
        saved = policy or SlaPolicy(position=_next_position())
        created = saved.pk is None
        for name, value in values.items():
            setattr(saved, name, value)
        saved.save()
        saved.categories.set(categories)
        audit_change(
            actor=actor,
            action="sla_policy.created" if created else "sla_policy.changed",
            target=saved,
            **{name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()},
            categories=sorted(c.pk for c in categories),
        )
    return saved


def _next_position() -> int:
    highest = SlaPolicy.objects.filter(is_default=False).aggregate(top=Max("position"))["top"]
    return 0 if highest is None else highest + 1


def policy_move(*, policy: SlaPolicy, direction: str, actor: User | None) -> None:
    """Moves a policy one place up or down the order; the default stays last."""
    if policy.is_default:
        raise Conflict(_("the default policy is always last: it takes the cases no other policy matched"))
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("move up or down"), field="direction")
    with transaction.atomic(durable=True):
        ordered = list(
            SlaPolicy.objects.select_for_update().filter(is_default=False).order_by("position", "pk")
        )
        index = next((i for i, p in enumerate(ordered) if p.pk == policy.pk), None)
        if index is None:
            raise Conflict(_("the policy no longer exists"))
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        # Numbered afresh, so equal positions (written by hand or by an old version) never tie again.
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        audit_change(actor=actor, action="sla_policy.moved", target=policy, direction=direction)


def policy_delete(*, policy: SlaPolicy, actor: User | None) -> None:
    """Deletes a policy that is not the default; its cases keep the due times they have."""
    if policy.is_default:
        raise Conflict(
            _("the default policy cannot be deleted: it takes every case the others do not match"),
            field="policy",
        )
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="sla_policy.deleted", target=policy, name=policy.name)
        policy.delete()


# --- categories and root causes --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    name: str
    name_translations: Mapping[str, str] | None = None
    parent_id: int | None = None
    position: int = 0


def _depth(category: Category | None) -> int:
    """How many levels from the root down to `category` (a root is 1; none is 0)."""
    depth, seen = 0, set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        depth += 1
        category = category.parent
    return depth


def _height(category: Category) -> int:
    """Levels in the subtree under `category`, itself included."""
    children = list(Category.objects.filter(parent=category))
    return 1 + max((_height(child) for child in children), default=0)


def category_save(*, data: CategoryInput, category: Category | None = None, actor: User | None) -> Category:
    """Creates a category, or changes `category` (its name, languages, place in the tree)."""
    problems: list[tuple[str, str]] = []
    name = _name(data.name, problems)
    translations = _translations(data.name_translations, problems)
    if isinstance(data.position, bool) or not 0 <= data.position <= 10_000:
        problems.append(("position", _("give a whole number from 0 to 10,000")))
    parent = None
    if data.parent_id is not None:
        parent = Category.objects.select_related("parent__parent").filter(pk=data.parent_id).first()
        if parent is None:
            problems.append(("parent", _("the chosen parent no longer exists")))
    if parent is not None and category is not None and category.pk is not None:
        ancestor: Category | None = parent
        while ancestor is not None:
            if ancestor.pk == category.pk:
                problems.append(("parent", _("a category cannot sit under itself or one of its own")))
                break
            ancestor = ancestor.parent
    _refuse(problems)
    height = _height(category) if category is not None and category.pk is not None else 1
    if _depth(parent) + height > CATEGORY_DEPTH:
        _refuse([("parent", _("categories nest at most %(depth)d levels deep") % {"depth": CATEGORY_DEPTH})])
    with transaction.atomic(durable=True):
        taken = Category.objects.filter(parent=parent, name=name)
        if category is not None:
            taken = taken.exclude(pk=category.pk)
        if taken.exists():
            raise Conflict(_("another category here has this name"), field="name")
        saved = category or Category()
        created = saved.pk is None
        saved.name, saved.parent, saved.position = name, parent, data.position
        _translations_write(saved, translations)
        saved.save()
        audit_change(
            actor=actor,
            action="category.created" if created else "category.changed",
            target=saved,
            name=name,
            parent=parent.pk if parent else None,
        )
    return saved


def category_deactivate(*, category: Category, actor: User | None) -> Category:
    """No new case can be filed under it; the cases filed under it keep it."""
    return _active_set(category, False, actor)


def category_activate(*, category: Category, actor: User | None) -> Category:
    return _active_set(category, True, actor)


@dataclass(frozen=True)
class RootCauseInput:
    name: str
    name_translations: Mapping[str, str] | None = None


def root_cause_save(
    *, data: RootCauseInput, root_cause: RootCause | None = None, actor: User | None
) -> RootCause:
    """Creates a root cause, or changes the name and languages of `root_cause`."""
    problems: list[tuple[str, str]] = []
    name = _name(data.name, problems)
    translations = _translations(data.name_translations, problems)
    _refuse(problems)
    with transaction.atomic(durable=True):
        saved = root_cause or RootCause()
        created = saved.pk is None
        saved.name = name
        _translations_write(saved, translations)
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError as error:
            raise Conflict(_("another root cause has this name"), field="name") from error
        audit_change(
            actor=actor,
            action="root_cause.created" if created else "root_cause.changed",
            target=saved,
            name=name,
        )
    return saved


def root_cause_deactivate(*, root_cause: RootCause, actor: User | None) -> RootCause:
    """Agents no longer choose it; the cases that have it keep it."""
    return _active_set(root_cause, False, actor)


def root_cause_activate(*, root_cause: RootCause, actor: User | None) -> RootCause:
    return _active_set(root_cause, True, actor)


def _active_set(item: _Switchable, active: bool, actor: User | None) -> _Switchable:
    with transaction.atomic(durable=True):
        item.active = active
        item.save(update_fields=["active"])
        kind = str(type(item)._meta.model_name)
        action = {"rootcause": "root_cause", "replytemplate": "reply_template"}.get(kind, kind)
        audit_change(actor=actor, action=f"{action}.{'activated' if active else 'deactivated'}", target=item)
    return item


# --- teams -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamInput:
    name: str
    lead_id: int | None = None
    member_ids: Sequence[int] = ()


def team_save(*, data: TeamInput, team: Team | None = None, actor: User | None) -> Team:
    """Creates a team, or changes `team`: its name, its lead and its agents (staff who may work cases)."""
    problems: list[tuple[str, str]] = []
    name = _name(data.name, problems)
    wanted = set(data.member_ids) | ({data.lead_id} if data.lead_id is not None else set())
    workers = {user.pk: user for user in case_workers().filter(pk__in=wanted)}
    if any(pk not in workers for pk in data.member_ids):
        problems.append(("members", _("each member must be active staff who may work cases")))
    if data.lead_id is not None and data.lead_id not in workers:
        problems.append(("lead", _("the lead must be active staff who may work cases")))
    _refuse(problems)
    with transaction.atomic(durable=True):
        saved = team or Team()
        created = saved.pk is None
        saved.name = name
        saved.lead = workers.get(data.lead_id) if data.lead_id is not None else None
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError as error:
            raise Conflict(_("another team has this name"), field="name") from error
        saved.members.set([workers[pk] for pk in set(data.member_ids)])
        audit_change(
            actor=actor,
            action="team.created" if created else "team.changed",
            target=saved,
            name=name,
            lead=data.lead_id,
            members=sorted(set(data.member_ids)),
        )
    return saved


# --- saved replies -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTemplateInput:
    name: str
    body: str
    name_translations: Mapping[str, str] | None = None
    body_translations: Mapping[str, str] | None = None
    category_id: int | None = None
    position: int = 0
    active: bool = True


def _placeholders_checked(field_name: str, text: str, problems: list[tuple[str, str]]) -> None:
    if unknown := reply_text.placeholders_unknown(text):
        known = ", ".join(f"{{{name}}}" for name in reply_text.PLACEHOLDERS)
        problems.append(
            (
                field_name,
                _("%(unknown)s is not a placeholder: use %(known)s")
                % {"unknown": ", ".join(unknown), "known": known},
            )
        )


def _reply_body(data: ReplyTemplateInput, problems: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The text and its translations as they will be written; each unknown placeholder named in its field."""
    body = (data.body or "").strip()
    if not body:
        problems.append(("body", _("write the text of the reply")))
    elif len(body) > REPLY_MAX:
        problems.append(("body", _("at most %(max)s characters") % {"max": f"{REPLY_MAX:,}"}))
    elif "\x00" in body:
        problems.append(("body", _("must not contain a NUL character")))
    else:
        _placeholders_checked("body", body, problems)
    translations, found = translations_clean(
        data.body_translations,
        field="body_translations",
        languages=business_languages(),
        max_length=REPLY_MAX,
    )
    problems += found
    for code, text in translations.items():
        _placeholders_checked(f"body_translations.{code}", text, problems)
    return body, translations


def reply_template_save(
    *, data: ReplyTemplateInput, reply_template: ReplyTemplate | None = None, actor: User | None
) -> ReplyTemplate:
    """Creates a saved reply, or changes `reply_template`: its name and text in each language, its category,
    place in the list and whether it is offered."""
    problems: list[tuple[str, str]] = []
    name = _name(data.name, problems)
    names = _translations(data.name_translations, problems)
    body, bodies = _reply_body(data, problems)
    if isinstance(data.position, bool) or not 0 <= data.position <= 10_000:
        problems.append(("position", _("give a whole number from 0 to 10,000")))
    category = None
    if data.category_id is not None:
        category = Category.objects.filter(pk=data.category_id).first()
        if category is None:
            problems.append(("category", _("the chosen category no longer exists")))
    _refuse(problems)
    main = business_languages()[0]
    with transaction.atomic(durable=True):
        saved = reply_template or ReplyTemplate()
        created = saved.pk is None
        saved.name, saved.body, saved.category = name, body, category
        saved.position, saved.active, saved.updated_at = data.position, data.active, clock.now()
        saved.name_translations = translations_merge(saved.name_translations, names, main_language=main)
        saved.body_translations = translations_merge(saved.body_translations, bodies, main_language=main)
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError as error:
            raise Conflict(_("another saved reply has this name"), field="name") from error
        audit_change(
            actor=actor,
            action="reply_template.created" if created else "reply_template.changed",
            target=saved,
            name=name,
            category=category.pk if category else None,
            active=data.active,
        )
    return saved


def reply_template_deactivate(*, reply_template: ReplyTemplate, actor: User | None) -> ReplyTemplate:
    """Agents are no longer offered it; the replies written with it stay as they were sent."""
    return _active_set(reply_template, False, actor)


def reply_template_activate(*, reply_template: ReplyTemplate, actor: User | None) -> ReplyTemplate:
    return _active_set(reply_template, True, actor)
