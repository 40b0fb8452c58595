"""The registry of every table that can hold a person's data, and how erasure scrubs each of its fields.

Each app lists its own tables, in AppConfig.ready(): `personal_data(PersonalTable(...))` for a table whose
rows can hold a person's data (every text, JSON and date field of it named, each with its Scrub), or
`no_personal_data("app.Model", why)` for one that cannot. A test walks every installed model and fails
on one that is in neither list, so a new table or field cannot be forgotten by erasure.

How a field is scrubbed:
- DELETE: the rows go (a person's identities, notes, consents, scores, login).
- WIPE: emptied ("" / None / {}) on the person's own rows (the file's name, address, birth date).
- REDACT: free text and JSON keep their words, with every value known about the person replaced by
  "[erased]" (a ledger reason "goodwill for Alice Kim, 010-1234-5678" becomes "goodwill for [erased],
  [erased]").
- REKEY: a unique key (an idempotency key) that names the person becomes a digest: still unique.
- DROP_RECORDS: JSON lists of per-customer records lose the person's records ({"member": id, ...}).
- KEEP: codes, statuses, amounts: nothing personal, kept so that totals stay true.

Rows are reached two ways (Reach): the person's own rows (by their member ids), searched for every value
known about them; and rows of anyone that may mention them (the audit log, import reports), searched only
for the values that identify on their own (see members.redact).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import CharField, Field, Model, Q, QuerySet
from django.db.models.functions import Cast

from patronage.core.models import AccountKind, AuditEntry, OutboxEvent, User
from patronage.members.models import (
    Consent,
    ConsentEvent,
    DuplicateDismissal,
    Identity,
    IdentityKind,
    ImportJob,
    Member,
    Note,
    Tag,
    TimelineEvent,
)
from patronage.members.redact import Redactor, Traits, json_forms
from patronage.members.timeline import personal_kinds


class Scrub(StrEnum):
    DELETE = "delete"
    WIPE = "wipe"
    REDACT = "redact"
    REKEY = "rekey"
    DROP_RECORDS = "drop_records"
    KEEP = "keep"


class Reach(StrEnum):
    OWN = "own"  # rows that belong to the person: every value known about them is scrubbed
    MENTIONS = "mentions"  # anyone's rows that may name them: only the values that identify on their own


@dataclass(frozen=True)
class Subject:
    """Whom an erasure is about: the member, the duplicate files merged into them, their logins, and what
    the files knew about them (gathered before anything is wiped)."""

    member_ids: tuple[int, ...]
    user_ids: tuple[int, ...]
    traits: Traits
    own: Redactor = field(repr=False)
    mentions: Redactor = field(repr=False)


@dataclass(frozen=True)
class PersonalTable:
    """A table that can hold a person's data: which of its rows are theirs, and how each field is scrubbed."""

    model: str  # "app_label.ModelName"
    rows: Callable[[Subject], QuerySet[Any]]
    fields: Mapping[str, Scrub] = field(default_factory=dict)
    delete: bool = False  # the rows are deleted (every field goes with them)
    reach: Reach = Reach.OWN
    why: str = ""

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


_TABLES: list[PersonalTable] = []
_CLEAN: dict[str, str] = {}


def personal_data(table: PersonalTable) -> PersonalTable:
    """Registers a table erasure scrubs; tables are scrubbed in the order they are registered, deletions
    last (so that the audit log still finds the rows its entries are about)."""
    _TABLES.append(table)
    return table


def no_personal_data(model: str, why: str) -> None:
    """Declares a table that holds nothing about a person, and why."""
    _CLEAN[model] = why


def personal_tables() -> list[PersonalTable]:
    return list(_TABLES)


def clean_tables() -> dict[str, str]:
    return dict(_CLEAN)


# The erasure


def personal_data_erase(*, member: Member) -> Subject:
    """Scrubs every registered table of the member's data (in the caller's transaction); returns whom it
    erased, whose redactor the caller uses on what it writes next (the audit entry's reason)."""
    subject = subject_gather(member=member)
    ordered = [table for table in _TABLES if not table.delete] + [table for table in _TABLES if table.delete]
    for table in ordered:
        _table_scrub(table, subject)
    return subject


def subject_gather(*, member: Member) -> Subject:
    """The member and every duplicate merged into them (merges of merges too), with all they were known by."""
    member_ids, frontier = [member.pk], [member.pk]
    while frontier:
        frontier = [
            pk
            for pk in Member.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            if pk not in member_ids
        ]
        member_ids += frontier
    files = list(
        Member.objects.filter(pk__in=member_ids).values(
            "name", "address", "postal_code", "birth_date", "user_id"
        )
    )
    identities: dict[str, list[str]] = {kind: [] for kind in IdentityKind.values}
    for kind, value in Identity.objects.filter(member_id__in=member_ids).values_list("kind", "value"):
        identities[kind].append(value)
    users = list(_logins(member_ids, identities[IdentityKind.EMAIL]))
    names = [row["name"] for row in files]
    names += [" ".join(filter(None, (user.first_name, user.last_name))) for user in users]
    emails = [*identities[IdentityKind.EMAIL], *(user.email for user in users)]
    emails += [user.username for user in users if "@" in user.username]
    external_ids = [*identities[IdentityKind.EXTERNAL]]
    external_ids += [user.username for user in users if "@" not in user.username]
    traits = Traits(
        names=tuple(names),
        emails=tuple(email.lower() for email in emails if email),
        phones=tuple(identities[IdentityKind.PHONE]),
        cards=tuple(identities[IdentityKind.CARD]),
        external_ids=tuple(external_ids),
        addresses=tuple(row["address"] for row in files),
        postal_codes=tuple(row["postal_code"] for row in files),
        birth_dates=tuple(row["birth_date"] for row in files if row["birth_date"] is not None),
    )
    return Subject(
        member_ids=tuple(member_ids),
        user_ids=tuple(user.pk for user in users),
        traits=traits,
        own=Redactor(traits),
        mentions=Redactor(traits, identifying_only=True),
    )


def _logins(member_ids: list[int], emails: list[str]) -> Iterable[User]:
    """The files' portal logins, and member logins left without a file by a merge (their username is the
    duplicate's e-mail, and the merge only deactivated them)."""
    linked = Q(member__pk__in=member_ids)
    orphans = Q(pk__in=[])
    for email in emails:
        orphans |= Q(username__iexact=email) | Q(email__iexact=email)
    return User.objects.filter(
        linked | (orphans & Q(kind=AccountKind.MEMBER, member__isnull=True))
    ).distinct()


def _table_scrub(table: PersonalTable, subject: Subject) -> None:
    rows = table.rows(subject)
    if table.delete:
        rows.delete()
        return
    model = table.model_class()
    wiped = {name: _empty(model, name) for name, how in table.fields.items() if how == Scrub.WIPE}
    if wiped:
        rows.update(**wiped)
    work = [name for name, how in table.fields.items() if how in _ROW_BY_ROW]
    if not work:
        return
    redactor = subject.own if table.reach == Reach.OWN else subject.mentions
    changed: list[Model] = []
    for row in rows.only("pk", *work).iterator(chunk_size=1000):
        dirty = False
        for name in work:
            before = getattr(row, name)
            after = _scrubbed(model, name, table.fields[name], before, redactor, subject)
            if after != before:
                setattr(row, name, after)
                dirty = True
        if dirty:
            changed.append(row)
    if changed:
        model._default_manager.bulk_update(changed, work, batch_size=500)


_ROW_BY_ROW = (Scrub.REDACT, Scrub.REKEY, Scrub.DROP_RECORDS)


def _empty(model: type[Model], name: str) -> Any:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, Field)
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


def _scrubbed(
    model: type[Model], name: str, how: Scrub, value: Any, redactor: Redactor, subject: Subject
) -> Any:
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if how == Scrub.REKEY:
        return redactor.key(value, limit=limit)
    if how == Scrub.DROP_RECORDS:
        return _records_dropped(value, set(subject.member_ids))
    if isinstance(value, str):
        return redactor.text(value, limit=limit)
    return redactor.json(value)


def _records_dropped(value: Any, member_ids: set[int]) -> Any:
    """The JSON without the records (objects) that name one of the members by id ("member": id)."""
    if isinstance(value, dict):
        return {key: _records_dropped(item, member_ids) for key, item in value.items()}
    if isinstance(value, list):
        return [
            _records_dropped(item, member_ids)
            for item in value
            if not (isinstance(item, dict) and item.get("member") in member_ids)
        ]
    return value


def mentioning(model: type[Model], fields: Iterable[str], subject: Subject) -> Q:
    """Rows whose text or JSON fields contain one of the values that identify the person, as stored:
    the database narrows the search, the redactor then decides (and replaces)."""
    query = Q(pk__in=[])
    for value in subject.traits.identifying():
        for form in json_forms(value):
            for name in fields:
                query |= Q(**{f"{name}__icontains": form})
    return query


def _own_targets(subject: Subject) -> Q:
    """Audit entries about a row of the person's (the file, an account, a benefit grant, ...) or made by
    their login."""
    query = Q(target_type=Member._meta.label_lower, target_id__in=[str(pk) for pk in subject.member_ids])
    query |= Q(actor_id__in=subject.user_ids)
    for table in _TABLES:
        if table.reach != Reach.OWN or table.model_class() in (AuditEntry, Member):
            continue
        if table.model_class()._meta.auto_created:
            continue
        ids = table.rows(subject).order_by().annotate(_target=Cast("pk", CharField())).values("_target")
        query |= Q(target_type=table.model_class()._meta.label_lower, target_id__in=ids)
    return query


# The customer file's own tables, and those of core (which imports no other app, so is listed here).

_MEMBER_TEXT = {
    "name": Scrub.WIPE,
    "name_key": Scrub.WIPE,
    "name_latin": Scrub.WIPE,
    "birth_date": Scrub.WIPE,
    "address": Scrub.WIPE,
    "city": Scrub.WIPE,
    "postal_code": Scrub.WIPE,
    "preferences": Scrub.WIPE,
    "locale": Scrub.KEEP,
    "time_zone": Scrub.KEEP,
    "country": Scrub.KEEP,
    "source": Scrub.KEEP,
    "status": Scrub.KEEP,
}
_TIMELINE_TEXT = {
    "kind": Scrub.KEEP,
    "summary": Scrub.REDACT,
    "data": Scrub.REDACT,
    "source_type": Scrub.KEEP,
    "source_id": Scrub.KEEP,
    "dedupe_key": Scrub.REKEY,
}
_AUDIT_TEXT = {
    "actor_label": Scrub.REDACT,
    "action": Scrub.KEEP,
    "target_type": Scrub.KEEP,
    "target_id": Scrub.KEEP,
    "detail": Scrub.REDACT,
}
_IMPORT_TEXT = {
    "kind": Scrub.KEEP,
    "file_name": Scrub.REDACT,
    "file_path": Scrub.KEEP,
    "sha256": Scrub.KEEP,
    "status": Scrub.KEEP,
    "errors": Scrub.REDACT,
    "options": Scrub.KEEP,
    "notes": Scrub.REDACT,
}


def _files(subject: Subject) -> QuerySet[Member]:
    return Member.objects.filter(pk__in=subject.member_ids)


def _named_tags(subject: Subject) -> QuerySet[Tag]:
    worn = Tag.objects.filter(members__pk__in=subject.member_ids).distinct()
    return Tag.objects.filter(pk__in=[tag.pk for tag in worn if subject.own.mentions(tag.name)])


personal_data(
    PersonalTable(
        "core.AuditEntry",
        rows=lambda subject: AuditEntry.objects.filter(_own_targets(subject)),
        fields=_AUDIT_TEXT,
        why="who did what to the person's rows stays, as 'erased member #N': their values leave the detail",
    )
)
personal_data(
    PersonalTable(
        "core.AuditEntry",
        rows=lambda subject: AuditEntry.objects.filter(mentioning(AuditEntry, ("detail",), subject)),
        fields=_AUDIT_TEXT,
        reach=Reach.MENTIONS,
        # Not searched by actor: a staff member who is also a customer keeps their name on what they did.
        why="entries about other rows whose detail names the person (an e-mail quoted in an import's)",
    )
)
personal_data(
    PersonalTable(
        "members.ImportJob",
        rows=lambda subject: ImportJob.objects.filter(
            mentioning(ImportJob, ("file_name", "errors", "notes"), subject)
        ),
        fields=_IMPORT_TEXT,
        reach=Reach.MENTIONS,
        why="a file's name and problem report can quote the person; the files themselves are deleted by "
        "the erasure (members.imports.jobs.import_files_sweep)",
    )
)
personal_data(
    PersonalTable(
        "core.OutboxEvent",
        rows=lambda subject: OutboxEvent.objects.filter(payload__member__in=subject.member_ids),
        fields={"topic": Scrub.KEEP, "payload": Scrub.REDACT, "key": Scrub.REKEY},
        why="events about the member keep their numbers; any of their values in a payload goes",
    )
)
personal_data(
    PersonalTable(
        "members.Member",
        rows=_files,
        fields=_MEMBER_TEXT,
        why="the file stays, emptied, so that orders and points keep an owner for the totals",
    )
)
personal_data(
    PersonalTable(
        "members.TimelineEvent",
        rows=lambda subject: TimelineEvent.objects.filter(member_id__in=subject.member_ids).exclude(
            kind__in=personal_kinds()
        ),
        fields=_TIMELINE_TEXT,
        why="events that count (a purchase, points) stay, without the person's values in their words",
    )
)
personal_data(
    PersonalTable(
        "members.TimelineEvent",
        rows=lambda subject: TimelineEvent.objects.filter(
            member_id__in=subject.member_ids, kind__in=personal_kinds()
        ),
        delete=True,
        why="kinds registered as personal (profile changes, identities, consents, notes, exports)",
    )
)
personal_data(
    PersonalTable(
        "members.Identity",
        rows=lambda subject: Identity.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="the e-mails, phones, cards and external ids the person is recognised by",
    )
)
personal_data(
    PersonalTable(
        "members.Consent",
        rows=lambda subject: Consent.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="the person's current answers",
    )
)
personal_data(
    PersonalTable(
        "members.ConsentEvent",
        rows=lambda subject: ConsentEvent.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="the history of their answers, with the evidence typed (a form id, a call)",
    )
)
personal_data(
    PersonalTable(
        "members.Note",
        rows=lambda subject: Note.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="staff notes on the file",
    )
)
personal_data(
    PersonalTable(
        "members.DuplicateDismissal",
        rows=lambda subject: DuplicateDismissal.objects.filter(
            Q(first_id__in=subject.member_ids) | Q(second_id__in=subject.member_ids)
        ),
        delete=True,
        why="staff's word that the person's file and another are two people: ids only, gone with the file",
    )
)
personal_data(
    PersonalTable(
        "members.Tag",
        rows=_named_tags,
        delete=True,
        why="a tag the person wore that names them (shared tags such as 'vip' stay)",
    )
)
personal_data(
    PersonalTable(
        Member.tags.through._meta.label,
        rows=lambda subject: Member.tags.through.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="the links to the person's tags",
    )
)
personal_data(
    PersonalTable(
        "core.User",
        rows=lambda subject: User.objects.filter(pk__in=subject.user_ids),
        delete=True,
        why="the person's portal logins, and those a merge left deactivated",
    )
)


def _login_attempts(model: str) -> Callable[[Subject], QuerySet[Any]]:
    def rows(subject: Subject) -> QuerySet[Any]:
        logins = {*subject.traits.emails, *subject.traits.external_ids}
        named = Q(pk__in=[])
        for login in logins:
            named |= Q(username__iexact=login)
        return apps.get_model(model).objects.filter(named)

    return rows


if apps.is_installed(
    "axes"
):  # login throttling keeps failed logins: the name typed, the address, the browser
    for _model in ("axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"):
        personal_data(
            PersonalTable(
                _model,
                rows=_login_attempts(_model),
                delete=True,
                why="failed (or, when logged, successful) logins with the person's e-mail as the username",
            )
        )

no_personal_data("core.ApiKey", "an integration's name, key hash and scopes, set by staff")
no_personal_data("core.Business", "the business's own name, clock, languages and brand")
no_personal_data("auth.Group", "the staff roles")
no_personal_data("auth.Permission", "the rights staff roles carry")
no_personal_data("contenttypes.ContentType", "the names of the tables")
no_personal_data(
    "sessions.Session",
    "a browser's sign-in: the user's id and a hash, never their details; it dies with the deleted login",
)
