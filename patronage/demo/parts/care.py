"""The care part of the demo: the service desk, every complaint of the history as a case, and a dozen open
cases of the last days.

Before the members: the desk (the team "Care desk", led by the demo's service lead, with its agent), the
categories and root causes, and the default SLA policy's office hours set in the business's zone with
Korea's public holidays (the desk sits in Seoul; care's default calendar is in the server's zone).

For each chunk, every problem its customer reported (demo.baskets: `reported`) becomes a complaint case,
written in bulk as the services would have written it (care_history.py). The order problem itself stays
a `commerce.OrderProblem` (the commerce part), with no complaint fields: the case is the complaint.

Once every member is written: a dozen open cases of the last days (care_words.STORIES) in Korean,
Japanese and English, filed and worked through the real services with the clock standing at each step's
moment (the period's end is the demo's "now"); one customer writes again by e-mail and the agent merges
that duplicate into their case; a delivery delay is told to the last days' buyers of one item before they
ask (a notice); then the SLA sweep as of the period's end: one case has missed its first response, and its
agent and lead are told.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

from django.db import transaction
from django.db.models import Count, Q

from patronage.care import services as care
from patronage.care.classify import case_classify
from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.defaults import OFFICE_DAY
from patronage.care.merging import case_merge
from patronage.care.models import (
    BusinessCalendar,
    Case,
    CaseEntry,
    CasePause,
    Category,
    Compensation,
    CompensationKind,
    NoticeKind,
    ReplyTemplate,
    RootCause,
    SlaLeg,
    SlaPolicy,
    Team,
)
from patronage.care.notices import NoticeInput, notice_create, notice_start, notices_send
from patronage.care.sweep import sla_sweep
from patronage.commerce.models import Order, OrderKind, OrderLine, Product, Store
from patronage.core import clock
from patronage.core.business import business_languages, business_zone
from patronage.core.models import OutboxEvent, User
from patronage.core.names import language_key
from patronage.demo import catalogue as cat
from patronage.demo.parts import care_history
from patronage.demo.parts.care_words import (
    DUPLICATE,
    DUPLICATE_NOTE,
    NOTICE_DAYS,
    NOTICE_MESSAGE,
    NOTICE_TITLE,
    SAVED_REPLIES,
    STORIES,
    Step,
    Story,
    in_main_language,
    named,
)
from patronage.demo.simulate import Chunk
from patronage.demo.world import CareRefs, Context, Part, World
from patronage.loyalty.models import Account, LedgerEntry, Lot, Program
from patronage.members.models import Member, TimelineEvent

TEAM = "Care desk"
AGENT = "agent"  # the demo's logins (catalogue.STAFF)
LEAD = "lead"
DESK_COUNTRY = "KR"  # whose public holidays close the desk
# The category tree: (parent, children), English names.
CATEGORIES = (
    ("Delivery", ("Late delivery", "Damaged")),
    ("Product", ("Quality",)),
    ("Store", ("Service",)),
    ("Billing", ()),
)
ROOT_CAUSES = ("Courier handling", "Warehouse packing", "Supplier defect", "Staff training", "System error")
RECENT_DAYS = 60  # the open cases' customers bought within this many days of the period's end
PROMISE_DAYS = 3
COUNTED = (
    Case,
    CaseEntry,
    SlaLeg,
    CasePause,
    Compensation,
    TimelineEvent,
    OutboxEvent,
    LedgerEntry,
    Lot,
    Account,
)


# --- before the members: the desk ---------------------------------------------------------------------


def desk_setup(world: World) -> None:
    """The team, categories, root causes and the office hours; found again by name on a second load."""
    with transaction.atomic():
        calendar_zone_set()
        categories: dict[str, int] = {}
        for position, (parent_name, children) in enumerate(CATEGORIES):
            parent = _category(parent_name, None, position)
            categories[parent_name] = parent.pk
            for index, child in enumerate(children):
                categories[child] = _category(child, parent, index).pk
        causes = {name: _root_cause(name).pk for name in ROOT_CAUSES}
        _saved_replies(categories)
        agent = User.objects.filter(username=AGENT).first()
        lead = User.objects.filter(username=LEAD).first()
        team, _created = Team.objects.update_or_create(name=TEAM, defaults={"lead": lead})
        team.members.add(*[user for user in (agent, lead) if user is not None])
        policy = SlaPolicy.objects.filter(is_default=True).first()
    world.refs.care = CareRefs(
        category=categories,
        root_cause=causes,
        team=team.pk,
        agent=agent.pk if agent else None,
        policy=policy.pk if policy else None,
    )


def calendar_zone_set() -> None:
    """The default policy's calendar in the business's zone, with the desk's country's holidays."""
    policy = SlaPolicy.objects.select_related("calendar").filter(is_default=True).first()
    if policy is None:
        return
    calendar = policy.calendar
    if calendar is None:
        calendar = BusinessCalendar.objects.create(name="Office hours", document={})
        SlaPolicy.objects.filter(pk=policy.pk).update(calendar=calendar)
    document = dict(calendar.document)
    document.setdefault("hours", dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), OFFICE_DAY))
    document.update(timezone=business_zone().key, country=DESK_COUNTRY)
    calendar.document = document
    calendar.save()


def _category(english: str, parent: Category | None, position: int) -> Category:
    name, translations = named(english)
    category, _created = Category.objects.update_or_create(
        parent=parent, name=name, defaults={"name_translations": translations, "position": position}
    )
    return category


def _root_cause(english: str) -> RootCause:
    name, translations = named(english)
    cause, _created = RootCause.objects.update_or_create(
        name=name, defaults={"name_translations": translations}
    )
    return cause


def _saved_replies(categories: dict[str, int]) -> None:
    """The desk's saved replies in the demo's languages, each for its category."""
    for position, reply in enumerate(SAVED_REPLIES):
        name, names = in_main_language(reply.name)
        text, texts = in_main_language(reply.text)
        ReplyTemplate.objects.update_or_create(
            name=name,
            defaults={
                "name_translations": names,
                "body": text,
                "body_translations": texts,
                "category_id": categories.get(reply.category),
                "position": position,
                "updated_at": clock.now(),
            },
        )


# --- each chunk: the history ----------------------------------------------------------------------


def history_write(world: World, chunk: Chunk, context: Context) -> None:
    """The chunk's complaints as cases, with their legs, entries and the members' timeline events."""
    refs = world.refs.care
    if refs is None:
        return
    written = care_history.cases_write(
        writer=world.writer, chunk=chunk, context=context, refs=refs, seed=world.seed
    )
    tally: Counter[str] = world.truth.setdefault("care", {}).setdefault("history", Counter())
    tally.update(written)


# --- after the members: the open cases of the last days ------------------------------------------------


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """The services read the time from core.clock: while this lasts, it stands at `moment`."""
    with mock.patch.object(clock, "now", return_value=moment):
        yield


def open_cases_plant(world: World) -> None:
    """The open cases of the last days through the services, then the SLA sweep at the period's end."""
    refs = world.refs.care
    agent = User.objects.filter(username=AGENT).first()
    lead = User.objects.filter(username=LEAD).first()
    planted: list[dict[str, Any]] = []
    if refs is None or agent is None or lead is None:  # the logins were there before the demo
        _history_summarise(world, planted)
        return
    before = _counts()
    end = world.period.end
    team = Team.objects.get(pk=refs.team)
    taken: set[int] = set()
    cases: list[Case] = []
    portal = Member.objects.filter(user__username=cat.PORTAL_MEMBER_EMAIL).first()
    for story in STORIES:
        member, order = _customer(story, end, taken, portal)
        if member is None:
            continue
        taken.add(member.pk)
        if portal is not None and member.pk == portal.pk:
            portal = None  # the portal's member gets one case
        case = _story_play(story, member, order, end, refs, team, agent, lead)
        planted.append({"reference": case.reference, "status": case.status, "language": story.language})
        cases.append(case)
    duplicate = _duplicate_plant(cases, end, agent)
    told = _notice_plant(end, lead)
    with clock_at(end):
        while sum(vars(sla_sweep(now=end)).values()):
            pass
    _history_summarise(world, planted)
    world.truth["care"].update(duplicate_merged=duplicate, notice_told=told)
    world.lines.append(
        f"Care: a duplicate e-mail merged into its case ({duplicate or 'none'}); a delivery-delay notice told "
        f"{told:,} buyers before they asked"
    )
    world.counts.update(_counts() - before)


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


def _customer(
    story: Story, end: datetime, taken: set[int], portal: Member | None
) -> tuple[Member | None, Order | None]:
    """A customer who wrote in the story's language and bought (the story's item, if they can be found)
    shortly before; the portal's member when the story is in their language."""
    filed = end - timedelta(hours=story.hours_ago)
    recent = Order.objects.filter(
        kind=OrderKind.PURCHASE, occurred_at__gte=end - timedelta(days=RECENT_DAYS), occurred_at__lt=filed
    ).exclude(member_id__in=taken)
    if portal is not None and portal.locale == story.language:
        order = recent.filter(member=portal).order_by("-occurred_at").first()
        if order is not None:  # a case about an older purchase would move it in the complaint analyses
            return portal, order
    speakers = recent.filter(member__locale=story.language, member__user__isnull=True)
    product = Product.objects.filter(name=story.product).first() if story.product else None
    candidates = [speakers, recent.filter(member__isnull=False)]
    if product is not None:
        candidates.insert(
            0, speakers.filter(pk__in=OrderLine.objects.filter(product=product).values("order"))
        )
    for orders in candidates:
        order = orders.select_related("member").order_by("-occurred_at", "pk").first()
        if order is not None:
            return order.member, order
    return Member.objects.exclude(pk__in=taken).order_by("pk").first(), None


def _story_play(
    story: Story,
    member: Member,
    order: Order | None,
    end: datetime,
    refs: CareRefs,
    team: Team,
    agent: User,
    lead: User,
) -> Case:
    filed = end - timedelta(hours=story.hours_ago)
    logged_by_agent = story.channel in ("phone", "store")
    store = Store.objects.filter(code=story.store).first() if story.store else None
    product = Product.objects.filter(name=story.product).first() if story.product else None
    with clock_at(filed):
        case = care.case_open(
            data=care.CaseInput(
                type=story.type,
                channel=story.channel,
                summary=story.summary,
                description=story.description,
                member=member,
                language=story.language,
                category_id=refs.category[story.category],
                severity=story.severity,
                product_id=product.pk if product else None,
                order_id=order.pk if order else None,
                store_id=store.pk if store else (order.store_id if order else None),
            ),
            actor=agent if logged_by_agent else None,
        ).case
    with clock_at(filed + timedelta(minutes=3)):
        care.case_assign(case=case, assignee=agent, team=team, actor=lead)
    for step in story.steps:
        moment = filed + timedelta(hours=step.hours)
        with clock_at(moment):
            _step(case, step, moment, product, agent)
    if story.root_cause:  # the agent's finding, once the steps have shown it
        found = filed + timedelta(hours=max((step.hours for step in story.steps), default=0), minutes=5)
        with clock_at(min(found, end)):
            case.refresh_from_db()
            case_classify(
                case=case,
                category=case.category_id,
                root_cause=refs.root_cause[story.root_cause],
                severity=case.severity,
                product=case.product_id,
                tags=[],
                actor=agent,
            )
    case.refresh_from_db()
    return case


def _duplicate_plant(cases: list[Case], end: datetime, agent: User) -> str | None:
    """The customer of the first open case not filed by e-mail writes again by e-mail an hour later, and
    the agent merges that e-mail into the case; returns the duplicate's reference."""
    case = next((c for c in cases if c.is_open and c.channel != "email" and c.language in DUPLICATE), None)
    if case is None or case.created_at + timedelta(hours=2) > end:
        return None
    summary, description = DUPLICATE[case.language]
    with clock_at(case.created_at + timedelta(hours=1)):
        duplicate = care.case_open(
            data=care.CaseInput(
                type=case.type,
                channel="email",
                summary=summary.format(summary=case.summary)[: care.SUMMARY_MAX],
                description=description,
                member=case.member,
                language=case.language,
                category_id=case.category_id,
            )
        ).case
    note, _others = in_main_language(DUPLICATE_NOTE)
    with clock_at(case.created_at + timedelta(hours=1, minutes=20)):
        case_merge(duplicate=duplicate, into=case, actor=agent, note=note)
    return duplicate.reference


def _notice_plant(end: datetime, lead: User) -> int:
    """A delivery delay told to the buyers of the item most bought over the period's last days, before they
    ask; returns how many were told."""
    since = end - timedelta(days=NOTICE_DAYS)
    bought = (
        OrderLine.objects.filter(order__kind=OrderKind.PURCHASE, order__occurred_at__gte=since)
        .values("product")
        .annotate(buyers=Count("order__member", distinct=True))
        .order_by("-buyers", "product")
        .first()
    )
    if bought is None:
        return 0
    languages = {language_key(code) for code in business_languages()}
    title, titles = in_main_language(NOTICE_TITLE)
    message, messages = in_main_language(NOTICE_MESSAGE)
    zone = business_zone()
    sent_at = end - timedelta(hours=2)
    with clock_at(sent_at):
        notice = notice_create(
            data=NoticeInput(
                kind=NoticeKind.DELAY,
                title=title,
                message=message,
                title_translations={k: v for k, v in titles.items() if language_key(k) in languages},
                message_translations={k: v for k, v in messages.items() if language_key(k) in languages},
                product_id=bought["product"],
                bought_from=since.astimezone(zone).date(),
                bought_to=end.astimezone(zone).date(),
            ),
            actor=lead,
        )
        notice_start(notice=notice)
        told = 0
        while sent := notices_send():
            told += sent
    return told


def _step(case: Case, step: Step, moment: datetime, product: Product | None, agent: User) -> None:
    if step.action == "reply":
        care.case_reply(case=case, body=step.text, actor=agent)
    elif step.action == "customer":
        care.case_customer_reply(case=case, body=step.text)
    elif step.action == "note":
        care.case_note(case=case, body=step.text, actor=agent)
    elif step.action == "move":
        care.case_move(
            case=case,
            to=step.to,
            actor=agent,
            solution=step.text if step.to == "proposed" else "",
            promise=step.text if step.to == "promised" else "",
            promised_by=_promise_day(moment) if step.to == "promised" else None,
        )
    else:
        compensation_give(case=case, data=_compensation(case, step, product), actor=agent)


def _promise_day(moment: datetime) -> date:
    return moment.astimezone(business_zone()).date() + timedelta(days=PROMISE_DAYS)


def _compensation(case: Case, step: Step, product: Product | None) -> CompensationInput:
    """Points in the program of the item's brand when the demo has programs, else a voucher; over the
    agent's limit when the step asks a lead's approval."""
    program = Program.objects.filter(Q(brand_id=product.brand_id) if product else Q()).order_by("pk").first()
    key = f"demo:{case.reference}:{step.value}"
    if step.action == "compensate" and program is not None:
        return CompensationInput(
            kind=CompensationKind.POINTS,
            value=str(step.value),
            points=step.value,
            program_id=program.pk,
            idempotency_key=key,
            note=step.text,
        )
    return CompensationInput(
        kind=CompensationKind.VOUCHER,
        value=str(step.value),
        idempotency_key=key,
        note=step.text,
        ask_approval=step.action == "ask_approval",
    )


def _history_summarise(world: World, planted: list[dict[str, Any]]) -> None:
    section = world.truth.setdefault("care", {})
    history: Counter[str] = section.get("history", Counter())
    section["history"] = dict(sorted(history.items()))
    section.update(care_history.truth_notes())
    section["open_recent"] = planted
    world.lines.append(
        f"Care: {history['cases']:,} complaints of the history as cases ({history['closed']:,} closed and "
        f"rated, {history['waiting']:,} left waiting for the customer); {len(planted)} open cases of the "
        "last days, assigned to the agent"
    )


PART = Part("care", before=desk_setup, per_chunk=history_write, after=open_cases_plant)
