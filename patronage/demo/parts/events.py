# ruff: noqa: RUF001 -- Chinese and Japanese are written with full-width brackets.
"""The demo's club events, planted by the segments part once its segments are filled (they say who may come):

- a tasting evening three weeks before the period's end for the Gold and VIP members, full, most of its
  guests checked in at the door, each earning the evening's points for coming in the first program;
- a cooking class two weeks after it for the Seoul regulars, its seats taken and a waiting list in the order
  they asked;
- an online care training a month after it, open to every member, with a few registered.

Every registration, check-in and point goes through the events services, as the portal and the door would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from patronage.demo.parts.care import clock_at
from patronage.demo.parts.care_words import in_main_language, in_spoken_languages
from patronage.demo.world import World
from patronage.loyalty.models import Program
from patronage.members.models import Member
from patronage.segments.event_services import (
    ClubEventInput,
    check_in,
    club_event_create,
    eligible_members,
    registration_request,
)
from patronage.segments.models import ClubEvent, ClubEventKind, Registration, RegistrationStatus, Segment


@dataclass(frozen=True)
class Plan:
    code: str
    kind: str
    names: dict[str, str]
    place: str
    link: str
    starts_in_days: int  # from the period's end; negative: before it
    capacity: int
    segment: str  # whose members may come ("": everyone)
    asking: int  # members who ask for a place, in order
    coming: int  # of those with a seat, checked in (a past event only)
    attendance_points: int = 0


PLANS = (
    Plan(
        "tasting-evening",
        ClubEventKind.CLUB,
        {
            "en": "Members' tasting evening",
            "ko": "회원 시식의 밤",
            "ja": "会員試食の夕べ",
            "zh-hans": "会员品鉴之夜",
        },
        "Hanbit Gangnam flagship",
        "",
        -21,
        12,
        "gold-and-vip",
        12,
        9,
        attendance_points=300,
    ),
    Plan(
        "cooking-class",
        ClubEventKind.TRIAL,
        {
            "en": "New-season cooking class",
            "ko": "신상품 요리 교실",
            "ja": "新商品の料理教室",
            "zh-hans": "新品烹饪课",
        },
        "Hanbit Gangnam flagship",
        "",
        14,
        8,
        "seoul-regulars",
        11,
        0,
    ),
    Plan(
        "care-training",
        ClubEventKind.TRAINING,
        {
            "en": "Caring for your pans (online)",
            "ko": "프라이팬 관리법 (온라인)",
            "ja": "フライパンのお手入れ（オンライン）",
            "zh-hans": "平底锅保养（线上）",
        },
        "",
        "https://example.com/live/pan-care",
        30,
        50,
        "",
        4,
        0,
    ),
)
ASK_DAYS_BEFORE = 10  # members ask this long before the event, one an hour


def events_plant(world: World) -> dict[str, Any]:
    """The events and their registrations; what was planted, for the truth document."""
    program = Program.objects.order_by("pk").first()
    planted: dict[str, Any] = {}
    for plan in PLANS:
        segment = Segment.objects.filter(code=plan.segment).first() if plan.segment else None
        if plan.segment and (segment is None or not segment.member_count):
            continue  # a demo without tiers has no Gold members to invite
        event = _event(world, plan, segment, program)
        planted[plan.code] = _registrations(plan, event)
    return planted


def _event(world: World, plan: Plan, segment: Segment | None, program: Program | None) -> ClubEvent:
    name, names = in_main_language(in_spoken_languages(plan.names))
    starts = world.period.end + timedelta(days=plan.starts_in_days, hours=10)  # 19:00 in Seoul
    with clock_at(starts - timedelta(days=ASK_DAYS_BEFORE + 5)):
        return club_event_create(
            data=ClubEventInput(
                code=plan.code,
                kind=plan.kind,
                name=name,
                name_translations=names,
                place=plan.place,
                link=plan.link,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=plan.capacity,
                segment=segment.code if segment else "",
                program=program.code if program and plan.attendance_points else "",
                attendance_points=plan.attendance_points if program else 0,
            ),
            actor=None,
        )


def _registrations(plan: Plan, event: ClubEvent) -> dict[str, int]:
    asked_from = event.starts_at - timedelta(days=ASK_DAYS_BEFORE)
    guests = list(eligible_members(event=event).order_by("pk")[: plan.asking])
    for hour, member in enumerate(guests):
        with clock_at(asked_from + timedelta(hours=hour)):
            registration_request(event=event, member=member)
    seated = Member.objects.filter(
        event_registrations__event=event, event_registrations__status=RegistrationStatus.REGISTERED
    ).order_by("event_registrations__asked_at")
    for minute, member in enumerate(list(seated[: plan.coming])):
        with clock_at(event.starts_at + timedelta(minutes=minute)):
            check_in(event=event, member=member, actor=None)
    statuses = Registration.objects.filter(event=event)
    return {status: statuses.filter(status=status).count() for status in RegistrationStatus.values}
