"""Invitations: a secret link per person, sent by message, at most one per cause, and none to a member asked
to answer a survey more recently than the survey's throttle allows.

Sent by hand to a list of members (or every member matching a filter), or by the trigger job after an
event: a case closed, a purchase, a reward redeemed. The job reads the business events (the outbox) of a
window that overlaps the last run's, so an event committed late is still seen; the cause key makes reading
an event twice harmless. A closed case's invitation is its follow-up (care's step 6): care records it, and the
case gets either the survey or care's one question, never both, whether the job or the case's Follow up button
comes first (care.services.case_follow_up, case_survey_follow_up_within).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from patronage.care.models import Case
from patronage.care.services import case_survey_follow_up_within
from patronage.commerce.models import Order
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import Conflict
from patronage.core.models import OutboxEvent, User
from patronage.core.names import text_in_language
from patronage.feedback import timeline_kinds as kinds
from patronage.feedback.message_kinds import SURVEY_INVITATION
from patronage.feedback.models import Invitation, Survey, SurveyStatus, SurveyTrigger, TriggerCursor
from patronage.members.models import Member
from patronage.members.services import timeline_record
from patronage.messages.message_services import message_queue

SURVEY_PATH = "/surveys/s/{token}/"
# The trigger job reads back this far behind its last run: an event's row committed after the job read past
# its time is still found.
TRIGGER_OVERLAP = timedelta(minutes=10)
# On its first run the job starts this far back, not from the beginning of the outbox.
TRIGGER_FIRST_LOOK = timedelta(hours=1)
TRIGGER_TOPICS = {
    "case.closed": SurveyTrigger.CASE_CLOSED,
    "points.changed": SurveyTrigger.PURCHASE,
    "reward.redeemed": SurveyTrigger.REDEMPTION,
}
ORDER_CAUSE_PREFIX = "order:"


@dataclass(frozen=True)
class Sent:
    invited: int
    throttled: int  # asked to answer a survey too recently
    already: int  # already invited for this cause


def survey_link(invitation: Invitation) -> str:
    """The person's link to their survey, which needs no login: its secret."""
    return str(settings.MESSAGES_BASE_URL).rstrip("/") + SURVEY_PATH.format(token=invitation.token)


def invitations_send(*, survey: Survey, members: Iterable[Member], actor: User | None, batch: str) -> Sent:
    """Invites each member (one message each); `batch` names this sending, so sending it again adds no one."""
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("open the survey before inviting anyone"), field="status")
    invited = throttled = already = 0
    now = clock.now()
    questions = survey.questions.count()
    with transaction.atomic(durable=True):
        for member in members:
            outcome = _invite(survey, member, cause=f"{batch}:{member.pk}", now=now, questions=questions)
            invited += outcome == "invited"
            throttled += outcome == "throttled"
            already += outcome == "already"
        audit_change(
            actor=actor,
            action="survey.invited",
            target=survey,
            batch=batch,
            invited=invited,
            throttled=throttled,
        )
    return Sent(invited=invited, throttled=throttled, already=already)


def triggers_run(*, now: datetime | None = None) -> int:
    """Invites the customers of the recent events that an open survey follows; returns how many."""
    now = now or clock.now()
    surveys = {
        survey.trigger: survey
        for survey in Survey.objects.filter(status=SurveyStatus.OPEN).exclude(trigger="")
    }
    with transaction.atomic(durable=True):
        cursor, _created = TriggerCursor.objects.select_for_update().get_or_create(
            pk=1, defaults={"read_until": now - TRIGGER_FIRST_LOOK}
        )
        since = cursor.read_until - TRIGGER_OVERLAP
        invited = 0
        if surveys:
            events = OutboxEvent.objects.filter(
                topic__in=[topic for topic, trigger in TRIGGER_TOPICS.items() if trigger in surveys],
                created_at__gte=since,
                created_at__lt=now,
            ).order_by("id")
            for event in events.iterator():
                invited += _event_invite(event, surveys, now) == "invited"
        cursor.read_until = now
        cursor.save(update_fields=["read_until"])
    return invited


def case_follow_up_invite(case: Case, at: datetime) -> bool:
    """Care's follow-up by survey (care.hooks): invites the closed case's customer to the open survey that
    follows closed cases, the invitation carrying the case (and so its agent). True when they are invited,
    now or before; False when no such survey is open, the case's customer has no file, or they were asked to
    answer a survey too recently: care then asks its own question."""
    if Invitation.objects.filter(case=case).exists():
        return True
    survey = Survey.objects.filter(status=SurveyStatus.OPEN, trigger=SurveyTrigger.CASE_CLOSED).first()
    if survey is None or case.member is None:
        return False
    outcome = _invite(
        survey, case.member, cause=f"case:{case.pk}", now=at, questions=survey.questions.count(), case=case
    )
    return outcome == "invited"


# Helpers


def _event_invite(event: OutboxEvent, surveys: dict[str, Survey], now: datetime) -> str:
    payload = event.payload if isinstance(event.payload, dict) else {}
    trigger = TRIGGER_TOPICS[event.topic]
    survey = surveys.get(trigger)
    member_id = payload.get("member")
    if survey is None or not isinstance(member_id, int) or isinstance(member_id, bool):
        return "skipped"
    order = None
    if trigger == SurveyTrigger.CASE_CLOSED:
        case = Case.objects.filter(reference=payload.get("reference")).first()
        # The survey is the case's follow-up (step 6): care invites through case_follow_up_invite, under the
        # case's lock, unless its follow-up was sent already.
        if case is None or not case_survey_follow_up_within(case=case, at=now):
            return "skipped"
        return "invited"
    if trigger == SurveyTrigger.PURCHASE:
        order_cause = payload.get("cause")
        if payload.get("kind") != "earn" or not isinstance(order_cause, str):
            return "skipped"
        if not order_cause.startswith(ORDER_CAUSE_PREFIX):
            return "skipped"
        order_id = order_cause.removeprefix(ORDER_CAUSE_PREFIX)
        order = Order.objects.filter(pk=int(order_id)).first() if order_id.isdigit() else None
        cause = order_cause
    else:
        cause = f"redemption:{payload.get('redemption')}"
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return "skipped"
    return _invite(survey, member, cause=cause, now=now, questions=survey.questions.count(), order=order)


def _invite(
    survey: Survey,
    member: Member,
    *,
    cause: str,
    now: datetime,
    questions: int,
    case: Case | None = None,
    order: Order | None = None,
) -> str:
    if Invitation.objects.filter(survey=survey, cause=cause).exists():
        return "already"
    recent = now - timedelta(days=survey.throttle_days)
    if survey.throttle_days and Invitation.objects.filter(member=member, created_at__gt=recent).exists():
        return "throttled"
    invitation = Invitation.objects.create(
        survey=survey,
        member=member,
        cause=cause[:100],
        case=case,
        order=order,
        language=member.locale or "",
        created_at=now,
        sent_at=now,
    )
    message_queue(
        kind=SURVEY_INVITATION.code,
        member=member,
        context={
            "title": text_in_language(survey.title, survey.title_translations, member.locale),
            "link": survey_link(invitation),
            "questions": questions,
        },
        key=f"survey_invitation:{invitation.pk}",
        occurred_at=now,
        new=True,
    )
    timeline_record(
        member=member,
        kind=kinds.SURVEY_INVITED.code,
        occurred_at=now,
        data=kinds.survey_named(survey),
        dedupe_key=f"survey_invited:{invitation.pk}",
    )
    return "invited"
