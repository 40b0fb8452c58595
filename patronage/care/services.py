"""Cases filed, answered, assigned, merged and rated; each public service is one durable transaction.

Intake writes the case before anything that could fail afterwards (the acknowledgement is queued in the
same transaction, and sent by the workers): a complaint is never lost. Compensation lives in
care.compensation, the SLA sweep in care.sweep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.care import legs
from patronage.care import timeline_kinds as kinds
from patronage.care.attachments import CheckedFile, attachments_store
from patronage.care.flows import case_transition, resume_status, transition_check
from patronage.care.hooks import follow_up_by_survey
from patronage.care.links import case_link
from patronage.care.merging import case_carrying_on, member_by_contact
from patronage.care.message_kinds import CASE_ACKNOWLEDGED, CASE_FOLLOW_UP, CASE_REPLY
from patronage.care.models import (
    Case,
    CaseAttachment,
    CaseChannel,
    CaseEntry,
    CaseStatus,
    CaseType,
    Category,
    EntryKind,
    LegKind,
    Severity,
    Team,
)
from patronage.care.notify import case_event, legs_breached_report
from patronage.care.policies import policy_for
from patronage.commerce.models import Order, Product, Store
from patronage.core import clock
from patronage.core.business import business_name, business_zone
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.models import User
from patronage.members import normalise
from patronage.members.models import Member
from patronage.members.services import timeline_record
from patronage.messages.message_services import message_queue

SUMMARY_MAX = 200
DESCRIPTION_MAX = 20_000
REPLY_MAX = 20_000


@dataclass(frozen=True)
class CaseInput:
    """What a channel knows when a case is filed; the service checks all of it."""

    type: str
    channel: str
    summary: str
    description: str = ""
    member: Member | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = ""
    category_id: int | None = None
    severity: str = Severity.MINOR
    product_id: int | None = None
    order_id: int | None = None
    store_id: int | None = None
    external_id: str = ""


@dataclass(frozen=True)
class CaseOpened:
    case: Case
    created: bool  # False: the external id was used before, and `case` is the one it filed


def case_open(*, data: CaseInput, actor: User | None = None) -> CaseOpened:
    """Files a case, acknowledges it with an apology in the customer's language, starts its SLA clocks."""
    clean = _checked(data)
    if data.external_id and (found := _by_external_id(data)):
        return CaseOpened(found, created=False)
    try:
        with transaction.atomic(durable=True):
            case = _file(clean, actor=actor, at=clock.now())
    except IntegrityError:
        # The same external id, filed at the same moment by another request: that one answers.
        if data.external_id and (found := _by_external_id(data)):
            return CaseOpened(found, created=False)
        raise
    return CaseOpened(case, created=True)


def case_open_within(*, data: CaseInput, actor: User | None = None) -> Case:
    """case_open in the caller's transaction (an inbound e-mail's receipt), which owns the external id's
    uniqueness: a received message is handed over once."""
    return _file(_checked(data), actor=actor, at=clock.now())


def _file(case: Case, *, actor: User | None, at: datetime) -> Case:
    # Intake is the busiest path: the rows a new case needs are written with as few round trips as the
    # database allows (one insert per table, no savepoint for keys that cannot exist yet).
    case = _create(case, at)
    CaseEntry.objects.bulk_create(
        [
            CaseEntry(
                case=case,
                kind=EntryKind.CREATED,
                at=at,
                actor=actor,
                body=case.description,
                public=True,
                data={"channel": case.channel},
            ),
            # Step 1: the apology and acknowledgement, in the customer's language, as the case is written.
            CaseEntry(case=case, kind=EntryKind.ACKNOWLEDGED, at=at, public=True),
        ]
    )
    legs.legs_start_new(case=case, kinds=[LegKind.FIRST_RESPONSE, LegKind.RESOLUTION], at=at)
    customer_tell(
        case,
        kind=CASE_ACKNOWLEDGED.code,
        context={"link": case_link(case), "type": case.type},
        key=f"case_acknowledged:{case.pk}",
        at=at,
        new=True,
    )
    if case.member_id is not None:
        _opened_on_timeline(case, actor)
    case_event(case, topic="case.created", key="created", at=at, new=True)
    return case


def _by_external_id(data: CaseInput) -> Case | None:
    return Case.objects.filter(channel=data.channel, external_id=data.external_id.strip()).first()


def _checked(data: CaseInput) -> Case:
    """The case as it will be written, or every problem with the input at once."""
    errors: list[dict[str, str]] = []

    def refuse(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if data.type not in CaseType.values:
        refuse("type", _("choose one of: %(choices)s") % {"choices": ", ".join(CaseType.values)})
    if data.channel not in CaseChannel.values:
        refuse("channel", _("choose one of: %(choices)s") % {"choices": ", ".join(CaseChannel.values)})
    if data.severity not in Severity.values:
        refuse("severity", _("choose one of: %(choices)s") % {"choices": ", ".join(Severity.values)})
    summary = " ".join(data.summary.split())
    if not summary:
        refuse("summary", _("say in a few words what happened"))
    elif len(summary) > SUMMARY_MAX:
        refuse("summary", _("at most %(max)d characters") % {"max": SUMMARY_MAX})
    if len(data.description) > DESCRIPTION_MAX:
        refuse("description", _("at most %(max)d characters") % {"max": DESCRIPTION_MAX})
    if len(data.external_id) > 100:
        refuse("external_id", _("at most %(max)d characters") % {"max": 100})
    email = phone = ""
    if data.contact_email.strip():
        try:
            email = normalise.email(data.contact_email, field="contact_email")
        except ValidationFailed as error:
            refuse("contact_email", error.message)
    if data.contact_phone.strip():
        try:
            phone = normalise.phone(data.contact_phone, field="contact_phone")
        except ValidationFailed as error:
            refuse("contact_phone", error.message)
    if data.member is None and not (data.contact_email.strip() or data.contact_phone.strip()):
        refuse("contact_email", _("give an e-mail address or a phone number, so we can answer"))
    if len(data.contact_name) > 200:
        refuse("contact_name", _("at most %(max)d characters") % {"max": 200})
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    for field, model, pk in (
        ("category", Category, data.category_id),
        ("product", Product, data.product_id),
        ("order", Order, data.order_id),
        ("store", Store, data.store_id),
    ):
        if pk is not None and not model.objects.filter(pk=pk).exists():
            raise NotFound(_("no %(what)s with id %(id)s") % {"what": field, "id": pk}, field=field)
    member = data.member or member_by_contact(email=email, phone=phone)
    return Case(
        type=data.type,
        channel=data.channel,
        summary=summary,
        description=data.description.strip(),
        member=member,
        contact_name=data.contact_name.strip() or (member.name if member else ""),
        contact_email=email,
        contact_phone=phone,
        language=(data.language or (member.locale if member else "")).strip()[:16],
        category_id=data.category_id,
        severity=data.severity,
        product_id=data.product_id,
        order_id=data.order_id,
        store_id=data.store_id,
        external_id=data.external_id.strip(),
    )


def _create(case: Case, now: datetime) -> Case:
    case.created_at = case.updated_at = now
    case.status = CaseStatus.ACKNOWLEDGED
    case.save()
    # The reference is known at once: the year it was filed and its number, which never repeats.
    case.reference = f"C-{now.astimezone(business_zone()).year}-{case.pk:06d}"
    case.policy = policy_for(case)
    case.save(update_fields=["reference", "policy"])
    return case


def customer_tell(
    case: Case, *, kind: str, context: dict[str, object], key: str, at: datetime, new: bool = False
) -> None:
    """A message to the case's customer, in the language they wrote in, at the address they gave (else
    their file's): a customer with no file is answered too. Caller's transaction; `new`: the key cannot
    exist yet (messages.message_queue)."""
    message_queue(
        kind=kind,
        member=case.member,
        context={
            "name": case.contact_name or (case.member.name if case.member else ""),
            "reference": case.reference,
            "summary": case.summary,
            **context,
        },
        key=key,
        occurred_at=at,
        address=case.contact_email,
        language=case.language,
        new=new,
    )


def _opened_on_timeline(case: Case, actor: User | None) -> None:
    timeline_record(
        member=case.member,  # type: ignore[arg-type]
        kind=kinds.CASE_OPENED.code,
        occurred_at=case.created_at,
        summary=case.summary,
        data={"reference": case.reference, "type": case.type, "channel": case.channel},
        source=case,
        actor=actor,
    )


# Replies and notes ----------------------------------------------------------------------------------


def case_reply(*, case: Case, body: str, actor: User | None, files: Sequence[CheckedFile] = ()) -> CaseEntry:
    """An agent's reply to the customer (by e-mail, and in the portal), with the files checked by
    care.attachments; meets the response targets. `actor` None: relayed by an integration (a chat
    system), signed with the business's name."""
    body = _body(body, "body")
    now = clock.now()
    with transaction.atomic(durable=True):
        case = _locked(case)
        _open_or_refuse(case)
        entry = CaseEntry.objects.create(
            case=case, kind=EntryKind.REPLY_OUT, at=now, actor=actor, body=body, public=True
        )
        late = legs.legs_meet(case=case, kinds=[LegKind.FIRST_RESPONSE, LegKind.NEXT_RESPONSE], at=now)
        legs_breached_report(case=case, legs=late, at=now)
        case.first_response_at = case.first_response_at or now
        case.updated_at = now
        case.save(update_fields=["first_response_at", "updated_at"])
        customer_tell(
            case,
            kind=CASE_REPLY.code,
            context={
                "link": case_link(case),
                "reply": body,
                "agent": (actor.first_name or actor.get_username()) if actor else business_name(),
            },
            key=f"case_reply:{entry.pk}",
            at=now,
        )
        case_event(case, topic="case.updated", key=f"reply:{entry.pk}", at=now, change={"reply": "agent"})
        attachments_store(case=case, files=files, entry=entry, from_customer=False, actor=actor)
    return entry


def case_customer_reply(
    *,
    case: Case,
    body: str,
    at: datetime | None = None,
    data: dict[str, str] | None = None,
    files: Sequence[CheckedFile] = (),
) -> CaseEntry:
    """The customer wrote (portal, e-mail), or sent files without a word: a waiting case resumes, a closed
    one reopens, and the next response's clock starts."""
    with transaction.atomic(durable=True):
        return case_customer_reply_within(case=case, body=body, at=at, data=data, files=files)


def case_customer_reply_within(
    *,
    case: Case,
    body: str,
    at: datetime | None = None,
    data: dict[str, str] | None = None,
    files: Sequence[CheckedFile] = (),
) -> CaseEntry:
    """case_customer_reply in the caller's transaction (an inbound e-mail's receipt)."""
    body = _body(body, "body", files=files)
    now = at or clock.now()
    # Written to a duplicate that was merged: the words belong on the case that carries on.
    case = _locked(case)
    if case.status == CaseStatus.MERGED:
        case = _locked(case_carrying_on(case))
    entry = CaseEntry.objects.create(
        case=case, kind=EntryKind.REPLY_IN, at=now, body=body, public=True, data=data or {}
    )
    if case.status == CaseStatus.WAITING:
        case_transition(case=case, to=resume_status(case), actor=None, at=now, by_customer=True)
    elif case.status == CaseStatus.CLOSED:
        case_transition(case=case, to=CaseStatus.REOPENED, actor=None, at=now, by_customer=True)
    if not case.legs.filter(kind=LegKind.NEXT_RESPONSE, met_at__isnull=True).exists():
        legs.leg_start(case=case, kind=LegKind.NEXT_RESPONSE, at=now)
    case.updated_at = now
    case.save(update_fields=["updated_at"])
    case_event(case, topic="case.updated", key=f"reply:{entry.pk}", at=now, change={"reply": "customer"})
    attachments_store(case=case, files=files, entry=entry, from_customer=True, actor=None)
    return entry


def case_note(*, case: Case, body: str, actor: User | None, files: Sequence[CheckedFile] = ()) -> CaseEntry:
    """An internal note, with files: staff read it and open them, the customer never does."""
    body = _body(body, "body")
    with transaction.atomic(durable=True):
        entry = case_note_within(case=case, body=body, actor=actor)
        if files:  # a note alone takes no lock on the case
            attachments_store(case=_locked(case), files=files, entry=entry, from_customer=False, actor=actor)
        return entry


def case_note_within(*, case: Case, body: str, actor: User | None) -> CaseEntry:
    """case_note without files, in the caller's transaction (an advisory meeting's note on the guest's case,
    written with the guest's own note)."""
    return CaseEntry.objects.create(
        case=case, kind=EntryKind.NOTE, at=clock.now(), actor=actor, body=_body(body, "body")
    )


def case_files_add(
    *,
    case: Case,
    files: Sequence[CheckedFile],
    from_customer: bool,
    actor: User | None,
    on_filing: bool = False,
) -> list[CaseAttachment]:
    """Files added to a case on their own (an integration's upload), or (`on_filing`) with the message
    that filed it: the web form stores its files once the case is written, so that a storage failure
    never loses the complaint."""
    with transaction.atomic(durable=True):
        case = _locked(case)
        entry = case.entries.filter(kind=EntryKind.CREATED).first() if on_filing else None
        return attachments_store(
            case=case, files=files, entry=entry, from_customer=from_customer, actor=actor
        )


def _body(body: str, field: str, *, files: Sequence[CheckedFile] = ()) -> str:
    """The words of a message; none are needed when files go with it."""
    body = body.strip()
    if not body and files:
        return body
    if not body:
        raise ValidationFailed(_("write something first"), field=field)
    if len(body) > REPLY_MAX:
        raise ValidationFailed(_("at most %(max)d characters") % {"max": REPLY_MAX}, field=field)
    return body


def _locked(case: Case) -> Case:
    """The case's row, locked for this transaction: two agents' changes to one case queue up."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy", "member", "category", "assignee")
        .get(pk=case.pk)
    )


def _open_or_refuse(case: Case) -> None:
    if case.status == CaseStatus.MERGED:
        raise Conflict(_("this case was merged into another"), field="case")


# Moving through the steps ----------------------------------------------------------------------------


def case_move(
    *,
    case: Case,
    to: str,
    actor: User | None,
    note: str = "",
    solution: str = "",
    promise: str = "",
    promised_by: date | None = None,
) -> Case:
    """Moves the case to another step (care.flows), with what the step records: the solution proposed,
    the fix promised and its date."""
    now = clock.now()
    with transaction.atomic(durable=True):
        case = _locked(case)
        transition_check(case, to)  # first: a step's details matter only on a move that is allowed
        if to == CaseStatus.PROPOSED:
            case.solution = _body(solution or note, "solution")
        if to == CaseStatus.PROMISED:
            case.promise = _body(promise or note, "promise")
            if promised_by is None:
                raise ValidationFailed(_("say by when the fix will be done"), field="promised_by")
            if promised_by < now.astimezone(business_zone()).date():
                raise ValidationFailed(_("the promised date cannot be in the past"), field="promised_by")
            case.promised_by = promised_by
        return case_transition(case=case, to=to, actor=actor, at=now, note=note)


def case_assign(*, case: Case, assignee: User | None, team: Team | None, actor: User) -> Case:
    """Gives the case to an agent, a team, or both."""
    now = clock.now()
    with transaction.atomic(durable=True):
        case = _locked(case)
        case.assignee, case.team, case.updated_at = assignee, team, now
        case.save(update_fields=["assignee", "team", "updated_at"])
        entry = CaseEntry.objects.create(
            case=case,
            kind=EntryKind.ASSIGNED,
            at=now,
            actor=actor,
            data={
                "assignee": assignee.get_username() if assignee else None,
                "team": team.name if team else None,
            },
        )
        case_event(
            case,
            topic="case.updated",
            key=f"assigned:{entry.pk}",
            at=now,
            change={"assignee": case.assignee_id},
        )
    return case


# Step 6: the follow-up and the customer's rating -----------------------------------------------------

RATINGS = range(1, 6)
COMMENT_MAX = 2_000


def case_follow_up(*, case: Case, actor: User | None) -> Case:
    """Step 6: asks the customer of a closed case how satisfied they are, by the survey that follows closed
    cases when one is open (care.hooks), else by care's one question (1 to 5); meets the follow-up target.
    Asked once and one way: a second call, or one after the survey job invited the customer, changes
    nothing."""
    now = clock.now()
    with transaction.atomic(durable=True):
        case = _locked(case)
        if case.status != CaseStatus.CLOSED:
            raise Conflict(_("the follow-up comes after the case is closed"), field="case")
        if case.follow_up_sent_at is not None:
            return case
        by_survey = follow_up_by_survey(case, now)
        _follow_up_record(case, actor=actor, at=now, by_survey=by_survey)
        if not by_survey:
            link = case_link(case)
            customer_tell(
                case,
                kind=CASE_FOLLOW_UP.code,
                context={"link": link, "rating_link": link + "#rate"},
                key=f"case_follow_up:{case.pk}",
                at=now,
            )
    return case


def case_survey_follow_up_within(*, case: Case, at: datetime) -> bool:
    """Step 6 taken by the survey job as it reads the case's closing (caller's transaction): invites the
    customer through care.hooks and records the follow-up, unless the case was followed up already (by the
    button, either way) or is open again. Returns whether the customer was invited. The case's row lock
    orders it with the button: whichever comes second finds the follow-up done."""
    case = _locked(case)
    if case.status != CaseStatus.CLOSED or case.follow_up_sent_at is not None:
        return False
    if not follow_up_by_survey(case, at):
        return False
    _follow_up_record(case, actor=None, at=at, by_survey=True)
    return True


def _follow_up_record(case: Case, *, actor: User | None, at: datetime, by_survey: bool) -> None:
    """The follow-up on the case, however it asked: its time, its target met, its entry and its event."""
    case.follow_up_sent_at = case.updated_at = at
    case.save(update_fields=["follow_up_sent_at", "updated_at"])
    legs_breached_report(case=case, legs=legs.legs_meet(case=case, kinds=[LegKind.FOLLOW_UP], at=at), at=at)
    CaseEntry.objects.create(
        case=case,
        kind=EntryKind.FOLLOW_UP,
        at=at,
        actor=actor,
        public=True,
        data={"survey": True} if by_survey else {},
    )
    case_event(
        case, topic="case.updated", key="follow_up", at=at, change={"follow_up": True, "survey": by_survey}
    )


def case_rate(*, case: Case, rating: int, comment: str = "") -> Case:
    """The customer's answer to the follow-up: 1 (not at all) to 5 (completely satisfied), with an optional
    comment; a later answer replaces the earlier one, and both stay on the case's timeline."""
    with transaction.atomic(durable=True):
        return case_rate_within(case=case, rating=rating, comment=comment)


def case_rate_within(*, case: Case, rating: int, comment: str = "") -> Case:
    """case_rate in the caller's transaction (a survey response that follows the case up)."""
    if isinstance(rating, bool) or rating not in RATINGS:
        raise ValidationFailed(_("choose a rating from 1 to 5"), field="rating")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("at most %(max)d characters") % {"max": COMMENT_MAX}, field="comment")
    now = clock.now()
    case = _locked(case)
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise Conflict(_("a case is rated once it is resolved"), field="rating")
    case.satisfaction, case.satisfaction_comment, case.satisfaction_at = rating, comment, now
    case.updated_at = now
    case.save(update_fields=["satisfaction", "satisfaction_comment", "satisfaction_at", "updated_at"])
    entry = CaseEntry.objects.create(
        case=case, kind=EntryKind.RATED, at=now, body=comment, public=True, data={"rating": rating}
    )
    if case.member_id is not None:
        timeline_record(
            member=case.member,  # type: ignore[arg-type]
            kind=kinds.CASE_RATED.code,
            occurred_at=now,
            summary=comment,
            data={"reference": case.reference, "rating": rating},
        )
    case_event(case, topic="case.updated", key=f"rated:{entry.pk}", at=now, change={"satisfaction": rating})
    return case
