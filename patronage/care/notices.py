"""Proactive notices: a problem on the business's side told to the customers it touches before they find
it, each with an apology in their language and, optionally, goodwill points, exactly once.

Recording a notice decides nothing about whom it reaches; starting it makes it `sending`, and the job
(`care.notices_send`, every minute) adds the customers its criteria match and tells each untold one,
claiming them one at a time with a conditional update in the transaction that queues the message, writes
the timeline and books the points. However often the job runs, or crashes half-way, a customer is told
once and compensated once (the ledger key is the notice and the member).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from patronage.care import timeline_kinds as kinds
from patronage.care.links import notice_link
from patronage.care.message_kinds import NOTICE_APOLOGY
from patronage.care.models import Notice, NoticeKind, NoticeRecipient, NoticeStatus
from patronage.commerce.models import Order, OrderKind, Product
from patronage.core import clock
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.message_kinds import InLanguages, message_request
from patronage.core.models import User
from patronage.core.names import translations_clean
from patronage.loyalty.models import Program
from patronage.loyalty.services import account_open, points_goodwill
from patronage.loyalty.services.ledger import Cause
from patronage.members.models import Member, MemberStatus
from patronage.members.services import timeline_record

TITLE_MAX = 200
MESSAGE_MAX = 5_000
MAX_LISTED = 10_000
BATCH = 200


@dataclass(frozen=True)
class NoticeInput:
    kind: str
    title: str
    message: str
    title_translations: dict[str, str] | None = None
    message_translations: dict[str, str] | None = None
    order_numbers: tuple[str, ...] = ()
    product_id: int | None = None
    bought_from: date | None = None
    bought_to: date | None = None
    member_ids: tuple[int, ...] = ()
    points: int | None = None
    program_id: int | None = None


@dataclass(frozen=True)
class NoticeCounts:
    touched: int
    told: int
    opened: int
    compensated: int


def notice_create(*, data: NoticeInput, actor: User | None) -> Notice:
    """Records a notice as a draft: what happened, the apology, whom it touches and the goodwill."""
    title, message = " ".join(data.title.split()), data.message.strip()
    if data.kind not in NoticeKind.values:
        raise ValidationFailed(
            _("choose one of: %(choices)s") % {"choices": ", ".join(NoticeKind.values)}, field="kind"
        )
    if not title or len(title) > TITLE_MAX:
        raise ValidationFailed(_("a title of 1 to %(max)d characters") % {"max": TITLE_MAX}, field="title")
    if not message or len(message) > MESSAGE_MAX:
        raise ValidationFailed(
            _("a message of 1 to %(max)d characters") % {"max": MESSAGE_MAX}, field="message"
        )
    numbers = sorted({n.strip() for n in data.order_numbers if n.strip()})
    for field, listed in (("order_numbers", numbers), ("members", data.member_ids)):
        if len(listed) > MAX_LISTED:
            raise ValidationFailed(_("at most %(max)s listed") % {"max": f"{MAX_LISTED:,}"}, field=field)
    if not (numbers or data.product_id or data.member_ids):
        raise ValidationFailed(
            _("say whom it touches: order numbers, a product bought in a period, or members"),
            field="order_numbers",
        )
    if data.product_id is not None and not Product.objects.filter(pk=data.product_id).exists():
        raise NotFound(_("no product with id %(id)s") % {"id": data.product_id}, field="product")
    if data.bought_from and data.bought_to and data.bought_from > data.bought_to:
        raise ValidationFailed(_("the period ends before it starts"), field="bought_to")
    program = _goodwill_program(data)
    titles = _translations(data.title_translations, "title_translations", TITLE_MAX)
    messages = _translations(data.message_translations, "message_translations", MESSAGE_MAX)
    return Notice.objects.create(
        kind=data.kind,
        title=title,
        title_translations=titles,
        message=message,
        message_translations=messages,
        order_numbers=numbers,
        product_id=data.product_id,
        bought_from=data.bought_from,
        bought_to=data.bought_to,
        member_ids=sorted(set(data.member_ids)),
        points=data.points,
        program=program,
        created_by=actor,
        created_at=clock.now(),
    )


def _translations(texts: dict[str, str] | None, field: str, max_length: int) -> dict[str, str]:
    """The texts in the business's other languages; a bad one refused, naming its language."""
    kept, problems = translations_clean(
        texts, field=field, languages=business_languages(), max_length=max_length
    )
    if problems:
        raise ValidationFailed(problems[0][1], field=problems[0][0])
    return {code: text for code, text in kept.items() if text}


def _goodwill_program(data: NoticeInput) -> Program | None:
    if data.points is None:
        return None
    if isinstance(data.points, bool) or data.points <= 0:
        raise ValidationFailed(_("points must be a positive whole number"), field="points")
    if data.program_id is not None:
        program = Program.objects.filter(pk=data.program_id).first()
        if program is None:
            raise NotFound(_("no program with id %(id)s") % {"id": data.program_id}, field="program")
        return program
    programs = list(Program.objects.all()[:2])
    if len(programs) != 1:
        raise ValidationFailed(_("choose the program the points go to"), field="program")
    return programs[0]


def notice_start(*, notice: Notice) -> Notice:
    """Sends a draft: the job tells everyone it touches, from its next run."""
    updated = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT).update(
        status=NoticeStatus.SENDING
    )
    notice.refresh_from_db()
    if not updated and notice.status == NoticeStatus.DRAFT:
        raise Conflict(_("this notice could not be started"), field="status")
    return notice


def notice_audience(notice: Notice) -> QuerySet[Member]:
    """The active members the notice touches: owners of the listed orders, buyers of the product in the
    period, and the members listed."""
    bought = Q()
    if notice.order_numbers:
        bought |= Q(external_id__in=notice.order_numbers)
    if notice.product_id is not None:
        period = Q(kind=OrderKind.PURCHASE, lines__product_id=notice.product_id)
        if notice.bought_from:
            period &= Q(occurred_at__date__gte=notice.bought_from)
        if notice.bought_to:
            period &= Q(occurred_at__date__lte=notice.bought_to)
        bought |= period
    who = Q(pk__in=notice.member_ids) if notice.member_ids else Q(pk__in=[])
    if bought:
        who |= Q(pk__in=Order.objects.filter(bought, member__isnull=False).values("member_id"))
    return Member.objects.filter(who, status=MemberStatus.ACTIVE)


def notices_send(*, limit: int = BATCH) -> int:
    """One pass of the job: for each notice being sent, adds whom it touches and tells up to `limit` of
    them; a notice with no one left untold is sent. Returns how many were told."""
    told = 0
    for notice in Notice.objects.filter(status=NoticeStatus.SENDING).select_related("program"):
        _recipients_add(notice)
        told += _tell(notice, limit=limit)
        if not notice.recipients.filter(told_at__isnull=True).exists():
            Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
                status=NoticeStatus.SENT, sent_at=clock.now()
            )
    return told


def _recipients_add(notice: Notice) -> None:
    known = NoticeRecipient.objects.filter(notice=notice).values("member_id")
    new = notice_audience(notice).exclude(pk__in=known).values_list("pk", flat=True)
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, member_id=pk) for pk in new], ignore_conflicts=True, batch_size=1000
    )


def _tell(notice: Notice, *, limit: int) -> int:
    told = 0
    pending = NoticeRecipient.objects.filter(notice=notice, told_at__isnull=True).values_list("pk", flat=True)
    for pk in list(pending[:limit]):
        now = clock.now()
        with transaction.atomic(durable=True):
            if not NoticeRecipient.objects.filter(pk=pk, told_at__isnull=True).update(told_at=now):
                continue  # another run told them
            recipient = NoticeRecipient.objects.select_related("member").get(pk=pk)
            _told(notice, recipient, now)
            told += 1
    return told


def _told(notice: Notice, recipient: NoticeRecipient, now: datetime) -> None:
    member = recipient.member
    key = f"notice:{notice.pk}:{member.pk}"
    message_request(
        kind=NOTICE_APOLOGY.code,
        member_id=member.pk,
        context={
            "title": InLanguages(notice.title, notice.title_translations),
            "message": InLanguages(notice.message, notice.message_translations),
            "points": notice.points or 0,
            "link": notice_link(recipient),
        },
        key=key,
        occurred_at=now,
    )
    timeline_record(
        member=member,
        kind=kinds.NOTICE_RECEIVED.code,
        occurred_at=now,
        summary=notice.title,
        data={"notice": notice.pk, "title": notice.title, "titles": notice.title_translations},
        dedupe_key=key,
    )
    if notice.points and notice.program is not None:
        account = account_open(program=notice.program, member=member, at=now)
        points_goodwill(
            account=account,
            points=notice.points,
            cause=Cause("notice", str(notice.pk)),
            key=key,
            reason=_("Our apology: %(title)s") % {"title": notice.title},
            actor=None,
            at=now,
        )
        NoticeRecipient.objects.filter(pk=recipient.pk).update(compensated_at=now)


def notice_counts(notice: Notice) -> NoticeCounts:
    """How many it touches, were told, opened it and were compensated: one query."""
    return NoticeCounts(**NoticeRecipient.objects.filter(notice=notice).aggregate(**_counted("")))


def _counted(path: str) -> dict[str, Count]:
    """The four counts over the recipients found at `path` ("" from the recipients, "recipients__" from
    the notices)."""
    of = path.removesuffix("__") or "pk"
    return {
        "touched": Count(of),
        "told": Count(of, filter=Q(**{f"{path}told_at__isnull": False})),
        "opened": Count(of, filter=Q(**{f"{path}opened_at__isnull": False})),
        "compensated": Count(of, filter=Q(**{f"{path}compensated_at__isnull": False})),
    }


def notice_by_token(*, token: str) -> NoticeRecipient | None:
    """The customer a notice reached, behind the secret link of their message."""
    if not token:
        return None
    return NoticeRecipient.objects.select_related("notice", "member").filter(access_token=token).first()


def notice_opened(*, recipient: NoticeRecipient) -> NoticeRecipient:
    """Records that the customer opened their notice; the first opening is the one kept, however often
    the link is opened again (a conditional update, so two at once record one)."""
    NoticeRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(opened_at=clock.now())
    recipient.refresh_from_db(fields=["opened_at"])
    return recipient


def notice_list() -> QuerySet[Notice]:
    """Notices, newest first, each with how many it touched, told, were opened and compensated: one query
    for a page of them."""
    return Notice.objects.annotate(**_counted("recipients__")).order_by("-created_at", "-pk")


def notice_get(*, notice_id: int) -> Notice:
    notice = Notice.objects.select_related("product", "program", "created_by").filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("no notice %(id)s") % {"id": notice_id}, field="notice_id")
    return notice
