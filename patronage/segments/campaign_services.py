"""Campaigns: one message to a segment, measured against a hold-out (decision 0029).

A campaign is written (draft), scheduled, then started by the job when its time comes: the segment's
members at that moment become its audience, each held out or not by the salted hash (campaign_stats), in
one transaction with the change of status, so a crash leaves either no audience or the whole of it. The
send job then queues the message to the treated members in batches, each batch one transaction that marks
the recipients queued and writes their messages: killed mid-send, the next pass carries on where it
stopped, and the message's key (`campaign:<id>:<member>`) makes a member's message once whatever happens.
Consent, unsubscribe, quiet hours in the member's zone and the weekly cap are the messages app's (decided
when queued; consent checked again when sent).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import code_refusal, texts_problems
from patronage.core.message_kinds import InLanguages
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.core.sql import rows_insert_batch, rows_update
from patronage.messages.message_services import messages_queue_many
from patronage.messages.models import MessageChannel
from patronage.segments.campaign_stats import held_out
from patronage.segments.message_kinds import CAMPAIGN
from patronage.segments.models import (
    Campaign,
    CampaignGoal,
    CampaignRecipient,
    CampaignStatus,
    Segment,
    SegmentMember,
)

SUBJECT_MAX, BODY_MAX = 200, 10_000
GOAL_DAYS_MAX = 365
HOLDOUT_MAX = 0.5
SEND_BATCH = 200  # recipients queued in one transaction
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.MISSED)


@dataclass
class CampaignInput:
    """What a campaign says, as the console or the API gives it."""

    code: str
    name: str
    segment: str  # the segment's code
    subject: str
    body: str
    goal: str = CampaignGoal.PURCHASE
    goal_days: int = 30
    holdout_share: float = 0.10
    offer_cost: str | Decimal | None = None
    subject_translations: Mapping[str, str] = field(default_factory=dict)
    body_translations: Mapping[str, str] = field(default_factory=dict)


def _problems(data: CampaignInput) -> tuple[list[tuple[str, str]], Segment | None, Decimal | None]:
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    problems += texts_problems(
        data, (("name", 100, True), ("subject", SUBJECT_MAX, True), ("body", BODY_MAX, True))
    )
    segment = Segment.objects.filter(code=data.segment, active=True).first()
    if segment is None:
        problems.append(("segment", _("no active segment has the code '%(code)s'") % {"code": data.segment}))
    if data.goal not in CampaignGoal.values:
        problems.append(("goal", _("must be one of: %(known)s") % {"known": ", ".join(CampaignGoal.values)}))
    if (
        not isinstance(data.goal_days, int)
        or isinstance(data.goal_days, bool)
        or not 1 <= data.goal_days <= GOAL_DAYS_MAX
    ):
        problems.append(("goal_days", _("a whole number of days from 1 to %(max)d") % {"max": GOAL_DAYS_MAX}))
    if not isinstance(data.holdout_share, int | float) or not 0 <= data.holdout_share <= HOLDOUT_MAX:
        problems.append(("holdout_share", _("a share from 0 to 0.5, such as 0.1 for 10%")))
    cost = None
    if data.offer_cost not in (None, ""):
        try:
            cost = Decimal(str(data.offer_cost))
        except InvalidOperation:
            cost = None
        if cost is None or not cost.is_finite() or cost < 0 or cost >= Decimal("1e12"):
            problems.append(("offer_cost", _("an amount of money, 0 or more")))
            cost = None
    return problems, segment, cost


def _checked(data: CampaignInput) -> tuple[Segment, Decimal | None, dict[str, str], dict[str, str]]:
    problems, segment, cost = _problems(data)
    languages = business_languages()
    subjects, subject_problems = translations_clean(
        data.subject_translations, field="subject_translations", languages=languages, max_length=SUBJECT_MAX
    )
    bodies, body_problems = translations_clean(
        data.body_translations, field="body_translations", languages=languages, max_length=BODY_MAX
    )
    problems += subject_problems + body_problems
    if problems or segment is None:
        raise ValidationFailed.every(problems)
    return segment, cost, subjects, bodies


def _fill(
    campaign: Campaign,
    data: CampaignInput,
    checked: tuple[Segment, Decimal | None, dict[str, str], dict[str, str]],
) -> None:
    segment, cost, subjects, bodies = checked
    main = business_languages()[0]
    campaign.name, campaign.segment = data.name.strip(), segment
    campaign.subject, campaign.body = data.subject.strip(), data.body.strip()
    campaign.subject_translations = translations_merge(
        campaign.subject_translations, subjects, main_language=main
    )
    campaign.body_translations = translations_merge(campaign.body_translations, bodies, main_language=main)
    campaign.goal, campaign.goal_days = data.goal, data.goal_days
    campaign.holdout_share, campaign.offer_cost = float(data.holdout_share), cost


def campaign_create(*, data: CampaignInput, actor: User | None) -> Campaign:
    """A new draft campaign; every problem named at once, a code in use refused."""
    checked = _checked(data)
    campaign = Campaign(
        code=data.code,
        channel=MessageChannel.EMAIL,
        salt=secrets.token_hex(16),
        created_by=actor,
        created_at=clock.now(),
    )
    _fill(campaign, data, checked)
    try:
        with transaction.atomic(durable=True):
            campaign.save()
            audit_change(actor=actor, action="campaign.created", target=campaign, code=campaign.code)
    except IntegrityError as error:
        if Campaign.objects.filter(code=data.code).exists():
            raise Conflict(
                _("a campaign with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    return campaign


def campaign_update(*, campaign: Campaign, data: CampaignInput, actor: User | None) -> Campaign:
    """Changes a campaign not yet started; its code stays."""
    data.code = campaign.code
    checked = _checked(data)
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in EDITABLE:
            raise Conflict(
                _("a campaign scheduled or sent cannot be changed; cancel it first"), field="status"
            )
        _fill(campaign, data, checked)
        campaign.save()
        audit_change(actor=actor, action="campaign.changed", target=campaign, code=campaign.code)
    return campaign


def campaign_schedule(*, campaign: Campaign, send_at: datetime | None, actor: User | None) -> Campaign:
    """Schedules a draft to start at `send_at` (now when None); it may still be cancelled until it starts."""
    now = clock.now()
    when = send_at or now
    if when < now - settings.MESSAGES_LATE_AFTER:
        raise ValidationFailed(_("the time to send is long past"), field="send_at")
    with transaction.atomic(durable=True):
        changed = Campaign.objects.filter(pk=campaign.pk, status__in=EDITABLE).update(
            status=CampaignStatus.SCHEDULED, send_at=when
        )
        if not changed:
            raise Conflict(_("only a draft can be scheduled"), field="status")
        audit_change(actor=actor, action="campaign.scheduled", target=campaign, send_at=when.isoformat())
    campaign.refresh_from_db()
    return campaign


def campaign_cancel(*, campaign: Campaign, actor: User | None) -> Campaign:
    """Stops a scheduled or sending campaign: no more messages are queued (those queued may still go)."""
    with transaction.atomic(durable=True):
        changed = Campaign.objects.filter(
            pk=campaign.pk, status__in=[CampaignStatus.SCHEDULED, CampaignStatus.SENDING]
        ).update(status=CampaignStatus.CANCELLED, finished_at=clock.now())
        if not changed:
            raise Conflict(_("only a scheduled or sending campaign can be cancelled"), field="status")
        audit_change(actor=actor, action="campaign.cancelled", target=campaign)
    campaign.refresh_from_db()
    return campaign


# --- the jobs ----------------------------------------------------------------------------------------


def campaigns_start_due(*, now: datetime | None = None) -> list[Campaign]:
    """Starts the scheduled campaigns whose time has come: fixes each one's audience and hold-out. One found
    long after its time (the workers were down) is not sent in a burst: it is marked missed, to be
    scheduled again by a person."""
    now = now or clock.now()
    started = []
    for campaign in Campaign.objects.filter(status=CampaignStatus.SCHEDULED, send_at__lte=now).order_by(
        "send_at"
    ):
        if campaign.send_at is not None and campaign.send_at < now - settings.MESSAGES_LATE_AFTER:
            Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
                status=CampaignStatus.MISSED
            )
            continue
        if _start(campaign, now):
            started.append(campaign)
    return started


def _start(campaign: Campaign, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
            status=CampaignStatus.SENDING, started_at=now
        )
        if not claimed:
            return False  # another worker started it
        members = list(
            SegmentMember.objects.filter(segment_id=campaign.segment_id).values_list("member_id", flat=True)
        )
        rows = [
            {
                "campaign_id": campaign.pk,
                "member_id": member_id,
                "held_out": held_out(
                    salt=campaign.salt,
                    campaign_id=campaign.pk,
                    member_id=member_id,
                    share=campaign.holdout_share,
                ),
                "message_id": None,
                "queued_at": None,
            }
            for member_id in members
        ]
        for start in range(0, len(rows), 5_000):
            rows_insert_batch(CampaignRecipient, rows[start : start + 5_000])
        Campaign.objects.filter(pk=campaign.pk).update(
            audience=len(rows), held_out=sum(1 for row in rows if row["held_out"])
        )
    return True


def _context(campaign: Campaign) -> dict[str, Any]:
    return {
        "subject": InLanguages(campaign.subject, campaign.subject_translations),
        "body": InLanguages(campaign.body, campaign.body_translations),
    }


def campaign_message_key(campaign_id: int, member_id: int) -> str:
    return f"campaign:{campaign_id}:{member_id}"


def campaigns_send(*, now: datetime | None = None, limit: int = 2_000) -> int:
    """Queues the message of each sending campaign to up to `limit` treated members not yet queued; a
    campaign with none left is sent. Returns how many were queued."""
    now = now or clock.now()
    queued = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.SENDING).order_by("started_at", "pk"):
        while queued < limit:
            done = _send_batch(campaign, now, min(SEND_BATCH, limit - queued))
            if done is None:
                Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
                    status=CampaignStatus.SENT, finished_at=now
                )
                break
            queued += done
    return queued


def _send_batch(campaign: Campaign, now: datetime, size: int) -> int | None:
    """Queues one batch in one transaction; None when no treated member is left to queue."""
    with transaction.atomic():
        due = CampaignRecipient.objects.filter(
            campaign=campaign, held_out=False, queued_at__isnull=True
        ).order_by("pk")
        # Two workers take different batches (SKIP LOCKED where the database has it); a member's message is
        # written in the transaction that marks them queued, and its key makes it once whatever happens.
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due.select_related("member")[:size])
        if not batch:
            return None
        if not Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).exists():
            return None  # cancelled meanwhile
        messages = messages_queue_many(
            kind=CAMPAIGN.code,
            members=[recipient.member for recipient in batch],
            context=_context(campaign),
            keys=[campaign_message_key(campaign.pk, recipient.member_id) for recipient in batch],
            channel=campaign.channel,
        )
        rows_update(
            CampaignRecipient,
            [
                (recipient.pk, {"message": message.pk, "queued_at": now})
                for recipient, message in zip(batch, messages, strict=True)
            ],
        )
    return len(batch)
