"""A segment's treatment, the one-to-one class's own offer: a benefit and a welcome message for each member
who enters it, and bonus points through an earn rule of the "segment" kind (decision 0028).

The benefit and the welcome go to those who enter after the treatment was set (`treatment_since`): the
members already in when it was set are an audience for a campaign, not newcomers to greet. Each stay in
the segment is treated once (a SegmentTreatment row per member and entry, the benefit's and the message's
own keys under it), so a retried or concurrent run gives nothing twice, and a member who leaves and comes
back is welcomed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import texts_problems
from patronage.core.message_kinds import InLanguages
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.loyalty.benefit_words import SEGMENT_PREFIX
from patronage.loyalty.models import Account, Benefit
from patronage.loyalty.services.benefits import benefit_give
from patronage.messages.message_services import message_queue
from patronage.segments.campaign_services import BODY_MAX, SUBJECT_MAX
from patronage.segments.message_kinds import CAMPAIGN
from patronage.segments.models import Segment, SegmentMember, SegmentTreatment

TREAT_BATCH = 500  # entries treated in one run of the job, each in its own transaction


@dataclass
class TreatmentInput:
    """A segment's benefit (None: none) and welcome message; an empty message: no welcome."""

    benefit: Benefit | None = None
    welcome_subject: str = ""
    welcome_body: str = ""
    welcome_subject_translations: Mapping[str, str] = field(default_factory=dict)
    welcome_body_translations: Mapping[str, str] = field(default_factory=dict)


def _checked(data: TreatmentInput) -> tuple[dict[str, str], dict[str, str]]:
    problems = texts_problems(
        data, (("welcome_subject", SUBJECT_MAX, False), ("welcome_body", BODY_MAX, False))
    )
    subject, body = data.welcome_subject.strip(), data.welcome_body.strip()
    if body and not subject:
        problems.append(("welcome_subject", _("a welcome message needs a subject")))
    if subject and not body:
        problems.append(("welcome_body", _("write the welcome message, or leave the subject empty")))
    if data.benefit is not None and not data.benefit.active:
        problems.append(("benefit", _("the benefit '%(code)s' is retired") % {"code": data.benefit.code}))
    languages = business_languages()
    subjects, subject_problems = translations_clean(
        data.welcome_subject_translations,
        field="welcome_subject_translations",
        languages=languages,
        max_length=SUBJECT_MAX,
    )
    bodies, body_problems = translations_clean(
        data.welcome_body_translations,
        field="welcome_body_translations",
        languages=languages,
        max_length=BODY_MAX,
    )
    problems += subject_problems + body_problems
    if problems:
        raise ValidationFailed.every(problems)
    return subjects, bodies


def segment_treatment_set(*, segment: Segment, data: TreatmentInput, actor: User | None) -> Segment:
    """Sets what each member entering the segment from now on gets; every problem named."""
    subjects, bodies = _checked(data)
    main = business_languages()[0]
    with transaction.atomic(durable=True):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        had_treatment = _treats(segment)
        segment.benefit = data.benefit
        segment.welcome_subject, segment.welcome_body = (
            data.welcome_subject.strip(),
            data.welcome_body.strip(),
        )
        segment.welcome_subject_translations = translations_merge(
            segment.welcome_subject_translations, subjects, main_language=main
        )
        segment.welcome_body_translations = translations_merge(
            segment.welcome_body_translations, bodies, main_language=main
        )
        if not _treats(segment):
            segment.treatment_since = None
        elif not had_treatment:
            segment.treatment_since = clock.now()
        segment.save()
        audit_change(
            actor=actor,
            action="segment.treatment_set",
            target=segment,
            benefit=data.benefit.code if data.benefit else "",
            welcome=bool(segment.welcome_body),
        )
    return segment


def _treats(segment: Segment) -> bool:
    return segment.benefit_id is not None or bool(segment.welcome_body)


def segment_treatments_give(*, now: datetime | None = None, limit: int = TREAT_BATCH) -> int:
    """Treats up to `limit` entries not yet treated, oldest first; returns how many were treated."""
    now = now or clock.now()
    treated = 0
    for segment in Segment.objects.filter(active=True, treatment_since__isnull=False).select_related(
        "benefit__program"
    ):
        for membership in _untreated(segment)[: limit - treated]:
            treated += _treat(segment, membership, now)
        if treated >= limit:
            break
    return treated


def _untreated(segment: Segment) -> QuerySet[SegmentMember]:
    done = SegmentTreatment.objects.filter(
        segment=segment, member=OuterRef("member"), entered_at=OuterRef("entered_at")
    )
    return (
        SegmentMember.objects.filter(segment=segment, entered_at__gte=segment.treatment_since)
        .exclude(Exists(done))
        .select_related("member")
        .order_by("entered_at", "pk")
    )


def _treat(segment: Segment, membership: SegmentMember, now: datetime) -> int:
    """One entry's benefit and welcome, with the row saying it was treated, in one transaction: 0 when
    another run treated it first."""
    stay = f"{segment.pk}:{membership.member_id}:{membership.entered_at.timestamp():.6f}"
    try:
        with transaction.atomic(durable=True):
            treatment = SegmentTreatment.objects.create(
                segment=segment,
                member_id=membership.member_id,
                entered_at=membership.entered_at,
                given_at=now,
            )
            treatment.benefit_granted = _benefit(segment, membership, stay, now)
            treatment.welcomed = _welcome(segment, membership, stay, now)
            treatment.save(update_fields=["benefit_granted", "welcomed"])
    except IntegrityError:
        return 0  # a concurrent run treated this stay: the unique row refused the second
    return 1


def _benefit(segment: Segment, membership: SegmentMember, stay: str, now: datetime) -> bool:
    benefit = segment.benefit
    if benefit is None or not benefit.active:
        return False
    account = Account.objects.filter(program_id=benefit.program_id, member_id=membership.member_id).first()
    if account is None:
        return False  # not a member of the benefit's program: there is nothing to hold the grant
    benefit_give(
        account=account,
        benefit=benefit,
        key=f"segment:{stay}",
        source=f"{SEGMENT_PREFIX}{segment.code}",
        reason=segment.name,
        actor=None,
        at=now,
    )
    return True


def _welcome(segment: Segment, membership: SegmentMember, stay: str, now: datetime) -> bool:
    if not segment.welcome_body:
        return False
    message = message_queue(
        kind=CAMPAIGN.code,
        member=membership.member,
        context={
            "subject": InLanguages(segment.welcome_subject, segment.welcome_subject_translations),
            "body": InLanguages(segment.welcome_body, segment.welcome_body_translations),
        },
        key=f"segment:{stay}:welcome",
        occurred_at=membership.entered_at,
    )
    return message is not None
