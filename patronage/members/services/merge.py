"""Folding a duplicate customer file into the surviving one, or remembering that two files are two people."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.members import hooks
from patronage.members import timeline_kinds as kinds
from patronage.members.models import (
    Consent,
    ConsentEvent,
    DuplicateDismissal,
    Identity,
    IdentityKind,
    Member,
    MemberStatus,
    Note,
    TimelineEvent,
)
from patronage.members.services import notify
from patronage.members.services.files import require_active
from patronage.members.services.timeline import timeline_record


def member_merge(*, survivor: Member, duplicate: Member, actor: User | None) -> Member:
    """Folds a duplicate file into the survivor: every identity, consent, note, event and order moves over."""
    if survivor.pk == duplicate.pk:
        raise ValidationFailed(_("a member cannot be merged into itself"), field="duplicate")
    with transaction.atomic(durable=True):
        # Lock both files in primary-key order so two merges of the same pair cannot deadlock.
        locked = {
            m.pk: m
            for m in Member.objects.select_for_update()
            .filter(pk__in=[survivor.pk, duplicate.pk])
            .order_by("pk")
        }
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        require_active(survivor)
        require_active(duplicate)
        _merge_profile(survivor, duplicate)
        _merge_identities(survivor, duplicate)
        _merge_consents(survivor, duplicate)
        Note.objects.filter(member=duplicate).update(member=survivor)
        TimelineEvent.objects.filter(member=duplicate).update(member=survivor)
        survivor.tags.add(*duplicate.tags.all())
        for handler in hooks.merge_handlers:
            handler(duplicate, survivor)
        duplicate_user = duplicate.user
        Member.objects.filter(pk=duplicate.pk).update(
            status=MemberStatus.MERGED, merged_into=survivor, user=None, updated_at=clock.now()
        )
        if duplicate_user is not None:
            if survivor.user_id is None:
                survivor.user = duplicate_user
            else:
                User.objects.filter(pk=duplicate_user.pk).update(is_active=False)
        survivor.save()
        timeline_record(
            member=survivor,
            kind=kinds.MERGED.code,
            summary=f"#{duplicate.pk} {duplicate.name}",
            data={"duplicate_id": duplicate.pk},
            actor=actor,
        )
        # The duplicate's file is closed and never listed again: its "not a duplicate" marks go with it.
        DuplicateDismissal.objects.filter(Q(first=duplicate) | Q(second=duplicate)).delete()
        notify.member_merged(survivor=survivor, duplicate=duplicate)
        audit_record(actor=actor, action="member.merged", target=survivor, duplicate_id=duplicate.pk)
    return survivor


def duplicate_dismiss(*, first: Member, second: Member, actor: User) -> DuplicateDismissal:
    """Remembers that two files are different people, so the duplicate finder no longer pairs them.
    Dismissing a pair again changes nothing."""
    if first.pk == second.pk:
        raise ValidationFailed(_("a customer cannot be a duplicate of themselves"), field="second")
    lower, higher = sorted((first, second), key=lambda member: member.pk)
    with transaction.atomic(durable=True):
        require_active(lower)
        require_active(higher)
        # The unique pair decides, not a look-up first: two staff dismissing at once store it once.
        dismissal, created = DuplicateDismissal.objects.get_or_create(
            first=lower, second=higher, defaults={"dismissed_by": actor, "dismissed_at": clock.now()}
        )
        if created:
            audit_record(actor=actor, action="member.duplicate_dismissed", target=lower, other_id=higher.pk)
    return dismissal


def _merge_profile(survivor: Member, duplicate: Member) -> None:
    for field in ("name", "birth_date", "address", "city", "postal_code", "country"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    survivor.preferences = {**duplicate.preferences, **survivor.preferences}
    survivor.joined_at = min(survivor.joined_at, duplicate.joined_at)
    if survivor.account_manager_id is None:
        survivor.account_manager_id = duplicate.account_manager_id


def _merge_identities(survivor: Member, duplicate: Member) -> None:
    Identity.objects.filter(member=duplicate).update(member=survivor, is_primary=False)
    for kind in IdentityKind.values:
        identities = survivor.identities.filter(kind=kind)
        if identities.exists() and not identities.filter(is_primary=True).exists():
            Identity.objects.filter(pk=identities.order_by("pk").first().pk).update(is_primary=True)  # type: ignore[union-attr]


def _merge_consents(survivor: Member, duplicate: Member) -> None:
    kept = {consent.purpose: consent for consent in survivor.consents.all()}
    for consent in duplicate.consents.all():
        mine = kept.get(consent.purpose)
        if mine is None:
            Consent.objects.filter(pk=consent.pk).update(member=survivor)
        else:
            # The latest answer stands, whichever file it was given on.
            if consent.updated_at > mine.updated_at:
                Consent.objects.filter(pk=mine.pk).update(
                    granted=consent.granted, updated_at=consent.updated_at
                )
            consent.delete()
    ConsentEvent.objects.filter(member=duplicate).update(member=survivor)
