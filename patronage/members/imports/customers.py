"""The customers file: one row per customer, matched to the customer file by any of its identities.

A row that matches nobody creates a member; a row that matches one member fills in what changed
(an empty cell never erases anything); a row whose identities belong to two members is an error.
A customer appears once per file, so a row that leads to a member or identity an earlier row
already claimed is an error on the later line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop

from patronage.core.errors import ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.core.sql import ids_reserve, rows_insert
from patronage.members import timeline_kinds as kinds
from patronage.members.cards import card_numbers_new
from patronage.members.imports.base import (
    CARD,
    EMAIL,
    PHONE,
    Column,
    CsvFile,
    IdentityKey,
    ImportContext,
    Importer,
    Row,
    RowError,
    RowIdentity,
    RowInvalid,
    RowProblems,
    identity_owner,
    identity_owners,
    parse_bool,
    parse_date,
    parse_datetime,
    row_identities,
)
from patronage.members.imports.bulk import timeline_row
from patronage.members.imports.messages import Message
from patronage.members.models import (
    Consent,
    ConsentEvent,
    ConsentMethod,
    ConsentPurpose,
    Identity,
    IdentityKind,
    Member,
    MemberStatus,
    Tag,
    TimelineEvent,
)
from patronage.members.normalise import name_key, name_latin
from patronage.members.services import IDENTITY_FIELDS, notify, profile_clean

BULK_BATCH = 5_000
EMPTY_PROFILE = {
    "name": "",
    "birth_date": None,
    "locale": "en",
    "time_zone": "UTC",
    "address": "",
    "city": "",
    "postal_code": "",
    "country": "",
}
PROFILE_COLUMNS = tuple(EMPTY_PROFILE)
CONSENT_COLUMNS = {
    "consent_email_marketing": ConsentPurpose.EMAIL_MARKETING,
    "consent_sms_marketing": ConsentPurpose.SMS_MARKETING,
}
IDENTITY_COLUMNS = {column: str(kind) for column, kind in IDENTITY_FIELDS.items()}
DEFAULT_SOURCE = "import"

COLUMNS = (
    Column(
        "external_id",
        ("customer_id", "customer_no", "customer_number", "member_id", "member_no", "client_id", "id"),
    ),
    EMAIL,
    PHONE,
    CARD,
    Column("name", ("full_name", "customer_name", "member_name", "display_name")),
    Column("first_name", ("firstname", "given_name")),
    Column("last_name", ("lastname", "surname", "family_name")),
    Column("birth_date", ("birthday", "date_of_birth", "dob", "birthdate")),
    Column("locale", ("language", "lang")),
    Column("time_zone", ("timezone", "tz")),
    Column("address", ("address1", "address_1", "street", "street_address", "address_line_1")),
    Column("city", ("town",)),
    Column("postal_code", ("zip", "zip_code", "postcode", "post_code")),
    Column("country", ("country_code",)),
    Column("joined_at", ("created_at", "signup_date", "registered_at", "join_date", "member_since")),
    Column("source", ("channel", "signup_channel")),
    Column("tags", ("tag", "segments")),
    Column("consent_email_marketing", ("accepts_email_marketing", "email_opt_in", "email_marketing")),
    Column("consent_sms_marketing", ("accepts_sms_marketing", "sms_opt_in", "sms_marketing")),
    Column("namespace", ("id_namespace", "external_id_namespace")),
)


@dataclass(slots=True)
class CustomerRow:
    """A row parsed and cleaned: only the cells that were filled in."""

    line: int
    identities: list[RowIdentity]
    profile: dict[str, Any]
    joined_at: datetime | None
    source: str
    tags: list[str]
    consents: dict[str, bool]


def customer_row_parse(row: Row, *, namespace: str) -> CustomerRow:
    """Reads and checks one row without the database; raises RowInvalid naming each bad column."""
    problems = RowProblems()
    identities = problems.read(lambda: _identities(row, namespace))
    if identities == []:
        problems.found.append(
            RowInvalid("", gettext_noop("the row has none of external_id, email, phone, card_number"))
        )
    joined_at = row.get("joined_at")
    source = row.get("source")
    if len(source) > 32:
        problems.found.append(RowInvalid("source", gettext_noop("source is longer than 32 characters")))
    profile = problems.read(lambda: _profile(row))
    joined = problems.read(lambda: parse_datetime(joined_at, "joined_at") if joined_at else None)
    tags = problems.read(lambda: _tags(row.get("tags")))
    consents = problems.read(lambda: _consents(row))
    problems.refuse_any()
    return CustomerRow(  # past refuse_any every part was read: the `or` only tells the type checker so
        line=row.line,
        identities=identities or [],
        profile=profile or {},
        joined_at=joined,
        source=source,
        tags=tags or [],
        consents=consents or {},
    )


def _identities(row: Row, namespace: str) -> list[RowIdentity]:
    row_namespace = row.get("namespace") or namespace
    if len(row_namespace) > 32:
        raise RowInvalid("namespace", gettext_noop("namespace is longer than 32 characters"))
    return row_identities(row, IDENTITY_COLUMNS, row_namespace)


def _profile(row: Row) -> dict[str, Any]:
    profile: dict[str, Any] = {column: row.get(column) for column in PROFILE_COLUMNS if row.get(column)}
    if "name" not in profile and (
        name := " ".join(filter(None, (row.get("first_name"), row.get("last_name"))))
    ):
        profile["name"] = name
    problems = RowProblems()
    if "birth_date" in profile:
        birth_date = problems.read(lambda: parse_date(profile.pop("birth_date"), "birth_date"))
        if birth_date is not None:
            profile["birth_date"] = birth_date
    if "locale" in profile:
        profile["locale"] = profile["locale"].lower()
    try:
        cleaned = profile_clean(profile)
    except ValidationFailed as exc:
        problems.found.extend(RowInvalid.from_validation(exc, "").each())
    problems.refuse_any()
    return cleaned


def _tags(cell: str) -> list[str]:
    tags = sorted({tag.strip().lower() for tag in cell.replace(";", "|").split("|") if tag.strip()})
    if any(len(tag) > 64 for tag in tags):
        raise RowInvalid("tags", gettext_noop("a tag is at most 64 characters"))
    return tags


def _consents(row: Row) -> dict[str, bool]:
    answers = {purpose: parse_bool(row.get(column), column) for column, purpose in CONSENT_COLUMNS.items()}
    return {str(purpose): granted for purpose, granted in answers.items() if granted is not None}


class CustomerImporter(Importer):
    columns = COLUMNS

    def __init__(self, context: ImportContext):
        super().__init__(context)
        self.namespace = self.context.options.get("namespace", "")
        # What the check pass remembers of earlier rows: the line that claimed each identity and member.
        # Identities are kept by hash to bound memory on million-row files.
        self._identity_lines: dict[int, int] = {}
        self._member_lines: dict[int, int] = {}
        self._tag_ids: dict[str, int] = {}

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        if not any(csv_file.has(column) for column in IDENTITY_COLUMNS):
            message = Message.of(
                gettext_noop("the header names none of external_id, email, phone, card_number")
            )
            return [RowError(1, "", message)]
        return []

    # The check pass

    def check(self, batch: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        parsed: list[CustomerRow] = []
        for row in batch:
            try:
                parsed.append(customer_row_parse(row, namespace=self.namespace))
            except RowInvalid as exc:
                errors.extend(RowError(row.line, problem.field, problem.message) for problem in exc.each())
        owners = identity_owners(identity.key for customer in parsed for identity in customer.identities)
        for customer in parsed:
            try:
                self._claims_check(customer, identity_owner(customer.identities, owners))
            except RowInvalid as exc:
                errors.append(RowError(customer.line, exc.field, exc.message))
        return errors

    def _claims_check(self, customer: CustomerRow, owner: int | None) -> None:
        for identity in customer.identities:
            earlier = self._identity_lines.setdefault(hash(identity.key), customer.line)
            if earlier != customer.line:
                raise RowInvalid(
                    identity.column,
                    gettext_noop("%(column)s '%(value)s' is already on line %(line)d"),
                    {"column": identity.column, "value": identity.key.value, "line": earlier},
                )
        if owner is not None:
            earlier = self._member_lines.setdefault(owner, customer.line)
            if earlier != customer.line:
                raise RowInvalid(
                    "",
                    gettext_noop("customer #%(member)d is already on line %(line)d"),
                    {"member": owner, "line": earlier},
                )

    # The write pass

    def write(self, batch: list[Row]) -> None:
        parsed = [customer_row_parse(row, namespace=self.namespace) for row in batch]
        owners = identity_owners(identity.key for customer in parsed for identity in customer.identities)
        new, matched = [], []
        for customer in parsed:
            owner = identity_owner(customer.identities, owners)
            if owner is None:
                new.append(customer)
            else:
                matched.append((customer, owner))
        self._members_create(new)
        self._members_update(matched, owners)

    def _members_create(self, customers: list[CustomerRow]) -> None:
        if not customers:
            return
        ids = ids_reserve(Member, len(customers))
        members = [
            self._member_row(member_id, customer) for member_id, customer in zip(ids, customers, strict=True)
        ]
        rows_insert(Member, members)
        pending = _Pending(self.context)
        # A customer the file gives no card number of the business's own is issued a random one.
        cards = iter(_card_numbers_unused(sum(not _has_card(customer) for customer in customers)))
        for customer, member in zip(customers, members, strict=True):
            member_id = member["id"]
            pending.identities.extend(
                _identity_row(self.context, member_id, i, primary=True) for i in customer.identities
            )
            if not _has_card(customer):
                key = IdentityKey(IdentityKind.CARD.value, "", next(cards))
                pending.identities.append(
                    _identity_row(self.context, member_id, RowIdentity(key, "card_number"), primary=True)
                )
            for purpose, granted in customer.consents.items():
                pending.consent_add(member_id, purpose, granted, current=None)
            pending.tags.extend((member_id, tag) for tag in customer.tags)
            pending.event_add(member_id, kinds.JOINED.code, member["source"], occurred_at=member["joined_at"])
            pending.member_created(member_id, member["source"], member["joined_at"])
        self._pending_save(pending)
        self.counts.created += len(members)

    def _member_row(self, member_id: int, customer: CustomerRow) -> dict[str, Any]:
        now = self.context.started_at
        profile = {**EMPTY_PROFILE, **customer.profile}
        return {
            "id": member_id,
            **profile,
            "name_key": name_key(profile["name"]),  # what Member.save() sets, which a bulk insert skips
            "name_latin": name_latin(profile["name"]),
            "preferences": {},
            "source": customer.source or DEFAULT_SOURCE,
            "status": MemberStatus.ACTIVE.value,
            "joined_at": customer.joined_at or now,
            "created_at": now,
            "updated_at": now,
        }

    def _members_update(self, matched: list[tuple[CustomerRow, int]], owners: dict[IdentityKey, int]) -> None:
        if not matched:
            return
        state = _MemberState.load([owner for _customer, owner in matched])
        pending = _Pending(self.context)
        changed_members: list[Member] = []
        for customer, owner in matched:
            member = state.members[owner]
            profile_changed = _profile_apply(member, customer.profile)
            added = [i for i in customer.identities if i.key not in owners]
            kinds_held = state.kinds.get(owner, set())
            pending.identities.extend(
                _identity_row(self.context, owner, i, primary=i.key.kind not in kinds_held) for i in added
            )
            tags_added = [tag for tag in customer.tags if tag not in state.tags.get(owner, set())]
            pending.tags.extend((owner, tag) for tag in tags_added)
            consents_changed = self._consents_apply(pending, owner, customer.consents, state)
            if profile_changed:
                changed_members.append(member)
            described = sorted(
                {*profile_changed, *(i.column for i in added), *(["tags"] if tags_added else [])}
            )
            if described:
                pending.event_add(
                    owner, kinds.PROFILE_CHANGED.code, ", ".join(described), {"fields": described}
                )
            if described or consents_changed:
                pending.member_updated(owner, [*described, *(["consents"] if consents_changed else [])])
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
        self._members_save(changed_members)
        self._pending_save(pending)

    def _members_save(self, members: list[Member]) -> None:
        for member in members:
            member.name_key, member.updated_at = name_key(member.name), self.context.started_at
            member.name_latin = name_latin(member.name)
        fields = [*PROFILE_COLUMNS, "name_key", "name_latin", "updated_at"]
        Member.objects.bulk_update(members, fields, batch_size=BULK_BATCH)

    def _consents_apply(
        self, pending: _Pending, member_id: int, consents: dict[str, bool], state: _MemberState
    ) -> bool:
        changed = False
        for purpose, granted in consents.items():
            current = state.consents.get((member_id, purpose))
            if current is None or current.granted != granted:
                pending.consent_add(member_id, purpose, granted, current=current)
                changed = True
        return changed

    def _pending_save(self, pending: _Pending) -> None:
        rows_insert(Identity, pending.identities)
        rows_insert(Consent, pending.consents_new)
        Consent.objects.bulk_update(
            pending.consents_changed, ["granted", "updated_at"], batch_size=BULK_BATCH
        )
        rows_insert(ConsentEvent, pending.consent_events)
        rows_insert(TimelineEvent, pending.events)
        rows_insert(OutboxEvent, pending.outbox)
        self._tags_save(pending.tags)

    def _tags_save(self, member_tags: list[tuple[int, str]]) -> None:
        names = {tag for _member_id, tag in member_tags} - set(self._tag_ids)
        if names:
            Tag.objects.bulk_create([Tag(name=name) for name in sorted(names)], ignore_conflicts=True)
            self._tag_ids.update(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        rows = [{"member_id": member_id, "tag_id": self._tag_ids[tag]} for member_id, tag in member_tags]
        rows_insert(Member.tags.through, rows)


def _has_card(customer: CustomerRow) -> bool:
    return any(identity.key.kind == IdentityKind.CARD for identity in customer.identities)


def _card_numbers_unused(count: int) -> list[str]:
    """`count` random card numbers that no stored identity holds (drawn again for the rare one taken);
    the unique constraint on identities still has the last word."""
    numbers: dict[str, None] = {}
    while len(numbers) < count:
        drawn = [IdentityKey(IdentityKind.CARD.value, "", n) for n in card_numbers_new(count - len(numbers))]
        taken = identity_owners(drawn)
        numbers.update(dict.fromkeys(key.value for key in drawn if key not in taken))
    return list(numbers)


def _profile_apply(member: Member, profile: dict[str, Any]) -> list[str]:
    """Sets the filled-in fields that differ; returns their names."""
    changed = [name for name, value in profile.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, profile[name])
    return changed


def _identity_row(
    context: ImportContext, member_id: int, identity: RowIdentity, *, primary: bool
) -> dict[str, Any]:
    key = identity.key
    return {
        "member_id": member_id,
        "kind": key.kind,
        "namespace": key.namespace,
        "value": key.value,
        "is_primary": primary,
        "created_at": context.started_at,
    }


@dataclass
class _MemberState:
    """What a batch's matched members already have, loaded in one query per table."""

    members: dict[int, Member]
    kinds: dict[int, set[str]]
    consents: dict[tuple[int, str], Consent]
    tags: dict[int, set[str]]

    @classmethod
    def load(cls, ids: list[int]) -> _MemberState:
        kinds_held: dict[int, set[str]] = {}
        for member_id, kind in Identity.objects.filter(member_id__in=ids).values_list("member_id", "kind"):
            kinds_held.setdefault(member_id, set()).add(kind)
        tags: dict[int, set[str]] = {}
        through = Member.tags.through
        for member_id, tag in through.objects.filter(member_id__in=ids).values_list("member_id", "tag__name"):
            tags.setdefault(member_id, set()).add(tag)
        return cls(
            members=Member.objects.in_bulk(ids),
            kinds=kinds_held,
            consents={(c.member_id, c.purpose): c for c in Consent.objects.filter(member_id__in=ids)},
            tags=tags,
        )


@dataclass
class _Pending:
    """Rows a batch will insert, gathered so that each table gets one bulk insert."""

    context: ImportContext
    identities: list[dict[str, Any]] = field(default_factory=list)
    consents_new: list[dict[str, Any]] = field(default_factory=list)
    consents_changed: list[Consent] = field(default_factory=list)
    consent_events: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def member_created(self, member_id: int, source: str, joined_at: datetime) -> None:
        """`member.created` of a file this import opened: its id is new, so its key is too."""
        at = self.context.started_at
        payload = notify.member_created_payload(member_id, source=source, joined_at=joined_at, at=at)
        self.outbox.append(
            notify.outbox_row(
                topic="member.created", key=f"member.created:{member_id}", payload=payload, at=at
            )
        )

    def member_updated(self, member_id: int, fields: list[str]) -> None:
        """`member.updated` of a file this import changed, keyed by the job: a customer is on one line of a
        file, and a job that failed and runs again rolled its first events back with it."""
        at = self.context.started_at
        key = f"member.updated:import:{self.context.job_id or at.isoformat()}:{member_id}"
        payload = {"member": member_id, "fields": sorted(fields), "at": at.isoformat()}
        self.outbox.append(notify.outbox_row(topic="member.updated", key=key, payload=payload, at=at))

    def consent_add(self, member_id: int, purpose: str, granted: bool, *, current: Consent | None) -> None:
        at = self.context.started_at
        if current is None:
            self.consents_new.append(
                {"member_id": member_id, "purpose": purpose, "granted": granted, "updated_at": at}
            )
        else:
            current.granted, current.updated_at = granted, at
            self.consents_changed.append(current)
        self.consent_events.append(
            {
                "member_id": member_id,
                "purpose": purpose,
                "granted": granted,
                "method": ConsentMethod.IMPORT.value,
                "evidence": "",
                "recorded_by_id": self.context.actor_id,
                "at": at,
            }
        )
        state = "granted" if granted else "withdrawn"
        summary = f"{ConsentPurpose(purpose).label}: {state} ({ConsentMethod.IMPORT.value})"
        data = {"purpose": purpose, "granted": granted, "method": ConsentMethod.IMPORT.value}
        self.event_add(member_id, kinds.CONSENT_CHANGED.code, summary, data)

    def event_add(
        self,
        member_id: int,
        kind: str,
        summary: str,
        data: dict[str, Any] | None = None,
        *,
        occurred_at: Any = None,
    ) -> None:
        self.events.append(
            timeline_row(self.context, member_id, kind, summary, data, occurred_at=occurred_at)
        )
