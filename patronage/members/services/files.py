"""Opening and changing customer files: identities, consents, notes, tags, account managers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change, audit_record
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AccountKind, User
from patronage.members import hooks
from patronage.members import timeline_kinds as kinds
from patronage.members.cards import card_number_new
from patronage.members.change_words import shareable_changes
from patronage.members.models import (
    Consent,
    ConsentEvent,
    ConsentMethod,
    ConsentPurpose,
    Identity,
    IdentityKind,
    Member,
    MemberStatus,
    Note,
    Tag,
)
from patronage.members.services import notify
from patronage.members.services.profile import (
    IDENTITY_FIELDS,
    IdentityInput,
    identity_normalise,
    profile_clean,
)
from patronage.members.services.timeline import timeline_record

# Tries at drawing a free card number before giving up (see _card_issue).
CARD_ATTEMPTS = 5


def _identity_attach(*, member: Member, identity: IdentityInput, primary: bool) -> Identity:
    value = identity_normalise(kind=identity.kind, value=identity.value)
    owner = Identity.objects.filter(kind=identity.kind, namespace=identity.namespace, value=value).first()
    if owner is not None:
        if owner.member_id == member.pk:
            return owner
        raise Conflict(
            _("%(kind)s '%(value)s' already belongs to member #%(id)s")
            % {"kind": IdentityKind(identity.kind).label, "value": value, "id": owner.member_id},
            field=_field_of(identity.kind),
        )
    if primary:
        member.identities.filter(kind=identity.kind, namespace=identity.namespace).update(is_primary=False)
    try:
        with transaction.atomic():
            return Identity.objects.create(
                member=member,
                kind=identity.kind,
                namespace=identity.namespace,
                value=value,
                is_primary=primary,
            )
    except IntegrityError as exc:  # another request attached the same value first
        raise Conflict(
            _("'%(value)s' was just taken by another member") % {"value": value},
            field=_field_of(identity.kind),
        ) from exc


def _card_issue(*, member: Member) -> Identity:
    """Issues a member who has no card a random card number, as their primary card (in the caller's
    transaction)."""
    for _attempt in range(CARD_ATTEMPTS):
        try:
            with transaction.atomic():
                return Identity.objects.create(
                    member=member, kind=IdentityKind.CARD, value=card_number_new(), is_primary=True
                )
        except IntegrityError:
            # The unique constraint, not a look-up first, keeps numbers apart: draw again. At ten million
            # members one draw in a hundred thousand is taken; five in a row means something else is wrong.
            continue
    raise Conflict(_("no free card number was found: try again"), field="card_number")


def _field_of(kind: str) -> str:
    return next(field for field, field_kind in IDENTITY_FIELDS.items() if field_kind == kind)


def _consent_apply(
    *, member: Member, purpose: str, granted: bool, method: str, evidence: str, actor: User | None
) -> ConsentEvent | None:
    """Records the answer; returns None (and writes nothing) when it repeats the current one."""
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed(
            _("unknown consent purpose '%(purpose)s'") % {"purpose": purpose}, field="purpose"
        )
    if method not in ConsentMethod.values:
        raise ValidationFailed(_("unknown consent method '%(method)s'") % {"method": method}, field="method")
    now = clock.now()
    current = Consent.objects.select_for_update().filter(member=member, purpose=purpose).first()
    if current is not None and current.granted == granted:
        return None
    Consent.objects.update_or_create(
        member=member, purpose=purpose, defaults={"granted": granted, "updated_at": now}
    )
    event = ConsentEvent.objects.create(
        member=member,
        purpose=purpose,
        granted=granted,
        method=method,
        evidence=evidence,
        recorded_by=actor,
        at=now,
    )
    label = ConsentPurpose(purpose).label
    timeline_record(
        member=member,
        kind=kinds.CONSENT_CHANGED.code,
        summary=f"{label}: {'granted' if granted else 'withdrawn'} ({method})",
        data={"purpose": purpose, "granted": granted, "method": method},
        actor=actor,
    )
    return event


def member_create(
    *,
    actor: User | None,
    identities: list[IdentityInput],
    profile: dict[str, Any] | None = None,
    consents: dict[str, bool] | None = None,
    consent_method: str = ConsentMethod.CONSOLE,
    source: str = "",
    joined_at: datetime | None = None,
    user: User | None = None,
) -> Member:
    """Opens a customer file with its identities and first consents; without a card number of the
    business's own, the member is issued a random one."""
    with transaction.atomic(durable=True):
        return _member_open(
            actor=actor,
            identities=identities,
            profile=profile or {},
            consents=consents or {},
            consent_method=consent_method,
            source=source,
            joined_at=joined_at,
            user=user,
        )


def member_signup(*, email: str, password: str, name: str, locale: str, consents: dict[str, bool]) -> Member:
    """A member opens their own portal login and customer file: both or neither."""
    address = identity_normalise(kind=IdentityKind.EMAIL, value=email)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=address, email=address, password=password, kind=AccountKind.MEMBER
                )
        except IntegrityError as exc:
            raise Conflict(
                _("an account for '%(address)s' already exists") % {"address": address}, field="email"
            ) from exc
        member = _member_open(
            actor=None,
            identities=[IdentityInput(IdentityKind.EMAIL, address)],
            profile={"name": name, "locale": locale},
            consents=consents,
            consent_method=ConsentMethod.PORTAL,
            source="portal",
            joined_at=None,
            user=user,
        )
        for handler in hooks.signup_handlers:
            handler(member)
        return member


def _member_open(
    *,
    actor: User | None,
    identities: list[IdentityInput],
    profile: dict[str, Any],
    consents: dict[str, bool],
    consent_method: str,
    source: str,
    joined_at: datetime | None,
    user: User | None,
) -> Member:
    cleaned = profile_clean(profile, identities=identities, joined_at=joined_at)
    cleaned.setdefault("locale", "en")
    cleaned.setdefault("time_zone", "UTC")
    member = Member.objects.create(
        **cleaned, source=source, joined_at=joined_at or clock.now(), user=user, status=MemberStatus.ACTIVE
    )
    seen: set[str] = set()
    for identity in identities:
        _identity_attach(member=member, identity=identity, primary=identity.kind not in seen)
        seen.add(identity.kind)
    if IdentityKind.CARD not in seen:
        _card_issue(member=member)
    for purpose, granted in consents.items():
        _consent_apply(
            member=member, purpose=purpose, granted=granted, method=consent_method, evidence="", actor=actor
        )
    timeline_record(
        member=member, kind=kinds.JOINED.code, occurred_at=member.joined_at, summary=source, actor=actor
    )
    notify.member_created(member=member)
    audit_change(actor=actor, action="member.created", target=member)
    return member


def member_update(
    *,
    member: Member,
    actor: User | None,
    profile: dict[str, Any] | None = None,
    identities: Sequence[IdentityInput] = (),
) -> Member:
    """Changes profile fields and primary identities; an identity given replaces the primary of its kind."""
    cleaned = profile_clean(profile or {}, identities=identities)
    with transaction.atomic(durable=True):
        locked = Member.objects.select_for_update().get(pk=member.pk)
        require_active(locked)
        changed = {field: value for field, value in cleaned.items() if getattr(locked, field) != value}
        before = {field: getattr(locked, field) for field in changed}
        for field, value in changed.items():
            setattr(locked, field, value)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        for identity in identities:
            if _identity_make_primary(member=locked, identity=identity):
                changed[_field_of(identity.kind)] = identity.value
        if changed:
            event = timeline_record(
                member=locked,
                kind=kinds.PROFILE_CHANGED.code,
                summary=", ".join(sorted(changed)),
                data={"fields": sorted(changed), "changes": shareable_changes(before, changed)},
                actor=actor,
            )
            # The timeline event is this change's own row: it keys the event, so a retry writes none.
            notify.member_updated(member=locked, fields=changed, cause=f"timeline:{event.pk}")
            audit_change(
                actor=actor,
                action="member.updated",
                target=locked,
                fields=sorted(changed),
                changes=shareable_changes(before, changed),
            )
    return locked


def _identity_make_primary(*, member: Member, identity: IdentityInput) -> bool:
    """Makes the value the member's primary of its kind; False when it already was."""
    value = identity_normalise(kind=identity.kind, value=identity.value)
    mine = member.identities.filter(kind=identity.kind, namespace=identity.namespace)
    if mine.filter(value=value, is_primary=True).exists():
        return False
    attached = _identity_attach(member=member, identity=identity, primary=True)
    if not attached.is_primary:
        mine.update(is_primary=False)
        Identity.objects.filter(pk=attached.pk).update(is_primary=True)
    return True


def identity_add(
    *, member: Member, actor: User | None, kind: str, value: str, namespace: str = ""
) -> Identity:
    """Adds another way to recognise the member (a second e-mail, a new card)."""
    with transaction.atomic(durable=True):
        require_active(member)
        identity = _identity_attach(
            member=member, identity=IdentityInput(kind=kind, value=value, namespace=namespace), primary=False
        )
        timeline_record(
            member=member, kind=kinds.IDENTITY_ADDED.code, summary=f"{kind}: {identity.value}", actor=actor
        )
        audit_change(actor=actor, action="identity.added", target=member, kind=kind)
    return identity


def identity_remove(*, identity: Identity, actor: User) -> None:
    """Removes an identity that is not the member's last one."""
    with transaction.atomic(durable=True):
        if identity.member.identities.count() <= 1:
            raise ValidationFailed(_("a member keeps at least one identity"), field="identity")
        identity.delete()
        audit_record(actor=actor, action="identity.removed", target=identity.member, kind=identity.kind)


def consent_set(
    *, member: Member, actor: User | None, purpose: str, granted: bool, method: str, evidence: str = ""
) -> bool:
    """Records a grant or withdrawal with how it was given; a repeat of the current answer changes nothing."""
    with transaction.atomic(durable=True):
        require_active(member)
        event = _consent_apply(
            member=member, purpose=purpose, granted=granted, method=method, evidence=evidence, actor=actor
        )
        if event is not None:
            notify.member_updated(member=member, fields=["consents"], cause=f"consent:{event.pk}")
            audit_change(
                actor=actor, action="consent.changed", target=member, purpose=purpose, granted=granted
            )
    return event is not None


def note_add(*, member: Member, actor: User, body: str) -> Note:
    """A staff note on the customer file."""
    body = body.strip()
    if not body:
        raise ValidationFailed(_("a note cannot be empty"), field="body")
    with transaction.atomic(durable=True):
        note = Note.objects.create(member=member, author=actor, body=body, created_at=clock.now())
        timeline_record(
            member=member, kind=kinds.NOTE_ADDED.code, summary=body[:120], source=note, actor=actor
        )
        audit_record(actor=actor, action="note.added", target=member)
    return note


def member_tags_set(*, member: Member, actor: User, names: list[str]) -> list[str]:
    """Replaces the member's tags; new tag names are created."""
    cleaned = sorted({name.strip().lower() for name in names if name.strip()})
    if any(len(name) > 64 for name in cleaned):
        raise ValidationFailed(_("a tag is at most 64 characters"), field="tags")
    with transaction.atomic(durable=True):
        before = sorted(member.tags.values_list("name", flat=True))
        tags = [Tag.objects.get_or_create(name=name)[0] for name in cleaned]
        member.tags.set(tags)
        audit_record(actor=actor, action="member.tagged", target=member, tags=cleaned)
        if before != cleaned:
            # On the timeline like any change to the file, so what reads tags (segments) hears of it.
            timeline_record(
                member=member,
                kind=kinds.TAGS_CHANGED.code,
                summary=", ".join(cleaned)[:300],
                data={"tags": cleaned, "before": before},
                actor=actor,
            )
    return cleaned


def member_assign_manager(*, member: Member, actor: User, manager: User | None) -> None:
    """Assigns (or clears) the account manager who looks after this customer."""
    if manager is not None and not manager.is_staff_member:
        raise ValidationFailed(_("an account manager must be an active staff user"), field="account_manager")
    with transaction.atomic(durable=True):
        Member.objects.filter(pk=member.pk).update(account_manager=manager, updated_at=clock.now())
        audit_record(
            actor=actor, action="member.manager_assigned", target=member, manager=getattr(manager, "pk", None)
        )


def require_active(member: Member) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(
            _("member #%(id)s is %(status)s and cannot change")
            % {"id": member.pk, "status": str(member.get_status_display()).lower()}
        )
