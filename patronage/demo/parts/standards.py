"""The standards part of the demo: the service standards a lead keeps, thirteen weeks of their
measurements, and one team that slips in the last month.

Once every member is written (the care part's cases and ratings are there): the standards "phone-rings",
"greeting-seconds" and "email-reply-minutes", measured outside, and "first-response-minutes" and
"case-rating", derived from the cases; their names in the business's languages and the demo's service
lead as their owner. The people measured: two phone lines of three agents each (Seoul and Tokyo), a
greeter in each store (the team "Store floor") and the care desk's agent and lead answering e-mail; the
phone agents and greeters are staff without a login, made here because only the standards measure them.

The measurements are drawn from a generator seeded by the demo's seed and written in bulk: about 25,000
over the thirteen weeks before the period's end (the demo's "now"). The Tokyo line slips in the last four
weeks: its share answered within 2 rings falls below the 95% the standard asks, and a few calls ring 5 or 6
times. Then the derived measurements and each week's breaches are found as the periodic jobs would have
found them, the lead is warned of each breached week, and one good and one bad example of the Tokyo line
is pinned for the team meeting.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet

from patronage.care.models import Team
from patronage.commerce.models import Store
from patronage.core import clock
from patronage.core.business import business_languages, business_zone
from patronage.core.models import AccountKind, OutboxEvent, User
from patronage.core.names import language_key
from patronage.core.roles import Role
from patronage.core.sql import rows_insert
from patronage.demo.parts.care import AGENT, LEAD, TEAM, clock_at
from patronage.demo.parts.care_words import in_main_language
from patronage.demo.world import Part, World
from patronage.messages.models import Message
from patronage.standards.breaches import breaches_find
from patronage.standards.derive import derived_measurements_refresh
from patronage.standards.models import Breach, Example, ExampleKind, Measurement, Standard
from patronage.standards.selectors import standard_by_code
from patronage.standards.services import StandardInput, standard_create

WEEKS = 13
SLIP_DAYS = 28  # the Tokyo line's last month
OPEN_HOURS = (9, 18)  # calls, visits and e-mails arrive between these local hours
SEOUL_LINE, TOKYO_LINE, STORE_FLOOR = "Seoul phone line", "Tokyo phone line", "Store floor"
# (username, first name, last name) of the staff only the standards measure.
PHONE_AGENTS = {
    SEOUL_LINE: (
        ("minji.park", "Minji", "Park"),
        ("junho.lee", "Junho", "Lee"),
        ("seoyeon.choi", "Seoyeon", "Choi"),
    ),
    TOKYO_LINE: (
        ("haruto.sato", "Haruto", "Sato"),
        ("yui.suzuki", "Yui", "Suzuki"),
        ("ren.takahashi", "Ren", "Takahashi"),
    ),
}
GREETERS = {  # by store code (catalogue.STORES)
    "gangnam": ("jiwoo.kim", "Jiwoo", "Kim"),
    "haeundae": ("hyunwoo.jung", "Hyunwoo", "Jung"),
    "songdo": ("sujin.kang", "Sujin", "Kang"),
    "shibuya": ("aoi.tanaka", "Aoi", "Tanaka"),
    "umeda": ("sota.ito", "Sota", "Ito"),
}
# Rings before an answer, 1 to 6, as a steady line and as the Tokyo line in its last month.
RINGS = np.arange(1, 7)
RINGS_STEADY = (0.62, 0.355, 0.02, 0.005, 0.0, 0.0)  # 97.5% within 2 rings, none past 4
RINGS_SLIPPING = (0.40, 0.42, 0.10, 0.075, 0.004, 0.001)  # 82% within 2 rings; one call in 200 past 4
# Per person and day, on weekdays and at weekends: calls, store visits, e-mails.
CALLS, VISITS, EMAILS = (24, 10), (20, 30), (8, 2)


@dataclass(frozen=True)
class Definition:
    code: str
    names: dict[str, str]
    units: dict[str, str]
    direction: str
    target: float
    minimum: float
    target_share: float
    source: str = "measured"
    channel: str = ""


DEFINITIONS = (
    Definition(
        "phone-rings",
        {
            "en": "Phone answered within 2 rings",
            "ko": "전화는 벨 2번 안에 받기",
            "ja": "電話は2コール以内に出る",
            "zh-hans": "电话响铃两声内接听",
        },
        {"en": "rings", "ko": "벨 횟수", "ja": "コール", "zh-hans": "响铃次数"},
        "lower",
        2,
        4,
        0.95,
        channel="phone",
    ),
    Definition(
        "greeting-seconds",
        {
            "en": "Visitor greeted within 30 seconds",
            "ko": "방문 고객에게 30초 안에 인사하기",
            "ja": "来店されたお客様に30秒以内にご挨拶",
            "zh-hans": "顾客进店30秒内问候",
        },
        {"en": "seconds", "ko": "초", "ja": "秒", "zh-hans": "秒"},
        "lower",
        30,
        60,
        0.90,
        channel="store",
    ),
    Definition(
        "email-reply-minutes",
        {
            "en": "E-mail answered within 60 minutes",
            "ko": "이메일은 60분 안에 답하기",
            "ja": "メールには60分以内に返信",
            "zh-hans": "邮件60分钟内回复",
        },
        {"en": "minutes", "ko": "분", "ja": "分", "zh-hans": "分钟"},
        "lower",
        60,
        240,
        0.90,
        channel="email",
    ),
    Definition(
        "first-response-minutes",
        {
            "en": "Complaint answered within 4 office hours",
            "ko": "불만 접수 후 업무 시간 4시간 안에 첫 답변",
            "ja": "苦情には営業時間内の4時間以内に最初の返答",
            "zh-hans": "投诉在4个工作小时内首次回复",
        },
        {"en": "minutes", "ko": "분", "ja": "分", "zh-hans": "分钟"},
        "lower",
        240,
        960,  # two office days
        0.80,
        source="first_response",
    ),
    Definition(
        "case-rating",
        {
            "en": "Customers rate their case 4 or 5",
            "ko": "고객이 처리 결과에 4점 이상을 주기",
            "ja": "お客様の評価が4以上",
            "zh-hans": "顾客评分达到4分或以上",
        },
        {"en": "points", "ko": "점", "ja": "点", "zh-hans": "分"},
        "higher",
        4,
        2,
        0.80,
        source="satisfaction",
    ),
)
NOTES = {  # {rings}: the call's rings
    ExampleKind.BAD: {
        "en": "{rings} rings before anyone picked up: the line was one person short that afternoon.",
        "ko": "벨이 {rings}번 울린 뒤에야 받았습니다. 그날 오후 라인에 한 명이 부족했습니다.",
        "ja": "{rings}コール鳴ってからやっと出ました。その日の午後は担当が一人足りませんでした。",
    },
    ExampleKind.GOOD: {
        "en": "Answered at the first ring with the greeting we agreed on: this is how every call should start.",
        "ko": "벨 한 번에 받고 약속한 인사말로 시작했습니다. 모든 통화가 이렇게 시작되어야 합니다.",
        "ja": "1コールで出て、決めた挨拶から始めました。すべての電話がこう始まるべきです。",
    },
}
COUNTED = (Measurement, Breach, Example, Message, OutboxEvent)


def standards_plant(world: World) -> None:
    """The standards, their thirteen weeks of measurements, the derived ones, the breaches and the examples."""
    started = time.perf_counter()
    lead = User.objects.filter(username=LEAD).first()
    if lead is None or standard_by_code(code=DEFINITIONS[0].code) is not None:
        return  # the logins were there before the demo, or the standards were
    before = _counts()
    end = world.period.end
    teams = _people(lead)
    standards = {d.code: _standard(d) for d in DEFINITIONS}
    rng = np.random.default_rng([world.seed, 14])
    with transaction.atomic():
        rows = _measurements(standards, teams, end, rng)
        rows_insert(Measurement, rows)
    with clock_at(end):
        derived = derived_measurements_refresh()
    breached = _breaches(end)
    pinned = _examples(standards["phone-rings"], teams[TOKYO_LINE], lead, end)
    seconds = time.perf_counter() - started
    world.counts.update(_counts() - before)
    world.truth["standards"] = {
        "standards": [d.code for d in DEFINITIONS],
        "measured": len(rows),
        "derived": derived,
        "slipping_team": TOKYO_LINE,
        "slipping_since": (end - timedelta(days=SLIP_DAYS)).isoformat(),
        "breaches": breached,
        "examples": pinned,
    }
    world.lines.append(
        f"Standards: {len(DEFINITIONS)} standards, {len(rows):,} measurements over {WEEKS} weeks and "
        f"{derived:,} derived from cases; the {TOKYO_LINE} slips in the last month; {breached} breached "
        f"weeks recorded and warned to the lead ({seconds:.1f} s)"
    )


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


@dataclass(frozen=True)
class Crew:
    team: int
    people: list[int]
    stores: list[int | None]  # per person: where they work, None for a phone line


def _people(lead: User) -> dict[str, Crew]:
    """The two phone lines and the store floor, led by the demo's lead, and the care desk."""
    agents = Group.objects.filter(name=Role.SERVICE_AGENT)
    crews: dict[str, Crew] = {}
    for name, people in PHONE_AGENTS.items():
        team = _team(name, lead)
        users = [_staff(person, agents) for person in people]
        team.members.add(*users)
        crews[name] = Crew(team.pk, [u.pk for u in users], [None] * len(users))
    floor = _team(STORE_FLOOR, lead)
    stores = dict(Store.objects.filter(code__in=list(GREETERS)).values_list("code", "pk"))
    greeters = [(_staff(GREETERS[code], agents), stores[code]) for code in GREETERS if code in stores]
    floor.members.add(*[user for user, _store in greeters])
    crews[STORE_FLOOR] = Crew(floor.pk, [u.pk for u, _s in greeters], [s for _u, s in greeters])
    desk = Team.objects.filter(name=TEAM).first() or _team(TEAM, lead)
    desk_people = list(User.objects.filter(username__in=[AGENT, LEAD]).values_list("pk", flat=True))
    crews[TEAM] = Crew(desk.pk, desk_people, [None] * len(desk_people))
    return crews


def _team(name: str, lead: User) -> Team:
    team, _created = Team.objects.get_or_create(name=name, defaults={"lead": lead})
    return team


def _staff(person: tuple[str, str, str], groups: QuerySet[Group]) -> User:
    username, first, last = person
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.com",
            "kind": AccountKind.STAFF,
        },
    )
    if created:  # measured, not signed in: no password opens this account
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.set(groups)
    return user


def _standard(definition: Definition) -> Standard:
    languages = {language_key(code) for code in business_languages()}
    name, names = in_main_language(definition.names)
    unit, units = in_main_language(definition.units)
    return standard_create(
        data=StandardInput(
            code=definition.code,
            name=name,
            unit=unit,
            name_translations={k: v for k, v in names.items() if language_key(k) in languages},
            unit_translations={k: v for k, v in units.items() if language_key(k) in languages},
            direction=definition.direction,
            target=definition.target,
            minimum=definition.minimum,
            target_share=definition.target_share,
            source=definition.source,
            channel=definition.channel,
            owner=LEAD,
        ),
        actor=None,
    )


def _measurements(
    standards: dict[str, Standard], crews: dict[str, Crew], end: datetime, rng: np.random.Generator
) -> list[dict[str, Any]]:
    """Each day of the thirteen weeks: every phone agent's calls, every greeter's visitors and the desk's
    e-mails, as rows ready to insert."""
    zone = business_zone()
    last_day = (end - timedelta(seconds=1)).astimezone(zone).date()
    slip_from = end - timedelta(days=SLIP_DAYS)
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for offset in range(WEEKS * 7, 0, -1):
        day = last_day - timedelta(days=offset - 1)
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        weekend = day.weekday() >= 5
        for line in (SEOUL_LINE, TOKYO_LINE):
            slipping = line == TOKYO_LINE and midnight >= slip_from
            odds = RINGS_SLIPPING if slipping else RINGS_STEADY
            for person in crews[line].people:
                calls = rng.poisson(CALLS[weekend])
                rings = rng.choice(RINGS, size=calls, p=odds)
                rows += _rows(standards["phone-rings"], rings, midnight, person, crews[line].team, None, rng)
        floor = crews[STORE_FLOOR]
        for person, store in zip(floor.people, floor.stores, strict=True):
            seconds = np.minimum(np.rint(rng.gamma(3.0, 4.5, rng.poisson(VISITS[weekend]))), 58) + 1
            rows += _rows(standards["greeting-seconds"], seconds, midnight, person, floor.team, store, rng)
        desk = crews[TEAM]
        for person in desk.people:
            minutes = (
                np.minimum(np.rint(rng.lognormal(np.log(22), 0.6, rng.poisson(EMAILS[weekend]))), 230) + 1
            )
            rows += _rows(standards["email-reply-minutes"], minutes, midnight, person, desk.team, None, rng)
    for row in rows:
        row["created_at"] = now
    return [row for row in rows if row["at"] < end]


def _rows(
    standard: Standard,
    values: np.ndarray,
    midnight: datetime,
    person: int,
    team: int,
    store: int | None,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    opening, closing = OPEN_HOURS
    offsets = np.sort(rng.uniform(opening * 3600, closing * 3600, values.size)).astype(int).tolist()
    return [
        {
            "standard_id": standard.pk,
            "value": float(value),
            "at": midnight + timedelta(seconds=offset),
            "employee_id": person,
            "team_id": team,
            "store_id": store,
            "external_id": "",
        }
        for value, offset in zip(values.tolist(), offsets, strict=True)
    ]


def _breaches(end: datetime) -> int:
    """Each week's breaches, found as the next week begins, as the hourly job finds them; the warnings of
    weeks long past are kept as skipped ("late"), as the replay's other messages are."""
    zone = business_zone()
    monday = end.astimezone(zone).date()
    monday -= timedelta(days=monday.weekday())
    found = 0
    for weeks_back in range(WEEKS - 1, -1, -1):
        day = monday - timedelta(weeks=weeks_back)
        moment = datetime(day.year, day.month, day.day, tzinfo=zone)
        if moment > end:
            continue
        found += breaches_find(now=moment)
    return found


def _examples(rings: Standard, tokyo: Crew, lead: User, end: datetime) -> dict[str, int]:
    """The Tokyo line's worst call of its last month as the bad example and its latest call answered at
    the first ring as the good one, each with the lead's note (its calls are the interactions that
    slipped; the care desk, not the phone lines, handles the demo's cases)."""
    recent = Measurement.objects.filter(
        standard=rings, team_id=tokyo.team, at__gte=end - timedelta(days=SLIP_DAYS)
    )
    worst = recent.order_by("-value", "-at").first()
    quickest = recent.filter(value=1).order_by("-at").first()
    pinned: dict[str, int] = {}
    for kind, measurement in ((ExampleKind.BAD, worst), (ExampleKind.GOOD, quickest)):
        if measurement is None:
            continue
        note, _others = in_main_language(NOTES[kind])
        note = note.format(rings=int(measurement.value))
        example = Example.objects.create(
            kind=kind,
            note=note,
            measurement=measurement,
            employee_id=measurement.employee_id,
            team_id=measurement.team_id,
            at=measurement.at,
            pinned_by=lead,
            pinned_at=min(end, measurement.at + timedelta(days=1)),
        )
        pinned[kind] = example.pk
    return pinned


PART = Part("standards", after=standards_plant)
