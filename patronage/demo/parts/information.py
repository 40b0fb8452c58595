"""The customer information part of the demo: the topics the business writes about, six items of the last
month (news, new products, the market, a care guide; one only for the Seoul regulars), the interests of
the customers who would choose them (the kitchen lovers want kitchen news every week, the advisory panel the
market every month), and the digests of the period's last day, sent. Runs after the segments part, whose
segments it names.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

from patronage.core.models import OutboxEvent
from patronage.demo.parts.care import clock_at
from patronage.demo.parts.care_words import in_main_language, in_spoken_languages
from patronage.demo.world import Part, World
from patronage.members.models import TimelineEvent
from patronage.messages.models import Message, MessageStatus
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_digests_send,
    information_item_create,
    information_topic_create,
    member_interests_set,
)
from patronage.segments.models import (
    DigestPreference,
    InformationDelivery,
    InformationItem,
    InformationTopic,
    MemberInterest,
    Segment,
    SegmentMember,
)

TOPICS = {
    "kitchen": {"en": "Kitchen", "ko": "주방", "ja": "キッチン", "zh-hans": "厨房"},
    "living": {"en": "Living", "ko": "리빙", "ja": "リビング", "zh-hans": "家居"},
    "market": {
        "en": "Market and trends",
        "ko": "시장과 트렌드",
        "ja": "市場とトレンド",
        "zh-hans": "市场与趋势",
    },
    "care": {"en": "Care guides", "ko": "관리 가이드", "ja": "お手入れガイド", "zh-hans": "保养指南"},
}
# (code, kind, topics, days before the period's end, segment, title, text): title and text per language.
ITEMS: tuple[tuple[str, str, tuple[str, ...], int, str, dict[str, str], dict[str, str]], ...] = (
    (
        "induction-pans",
        "product",
        ("kitchen",),
        24,
        "",
        {
            "en": "Induction pans in five sizes",
            "ko": "인덕션 프라이팬 5종 출시",
            "ja": "IH対応フライパン5サイズ登場",
        },
        {
            "en": "Our new pans work on every hob, induction included, from 20 to 32 cm.",
            "ko": "인덕션을 포함한 모든 화구에서 쓸 수 있는 20~32cm 새 프라이팬입니다.",
            "ja": "IHを含むすべてのコンロで使える、20〜32cmの新しいフライパンです。",
        },
    ),
    (
        "cast-iron-care",
        "training",
        ("kitchen", "care"),
        17,
        "",
        {"en": "Caring for cast iron", "ko": "무쇠 팬 관리법", "ja": "鋳鉄フライパンのお手入れ"},
        {
            "en": "Wash warm, dry on the hob, a drop of oil: three steps that keep a pan for life.",
            "ko": "따뜻한 물로 씻고, 불에 말리고, 기름 한 방울. 팬을 평생 쓰는 세 단계입니다.",
            "ja": "ぬるま湯で洗い、火で乾かし、油をひと塗り。一生使える3つの手順です。",
        },
    ),
    (
        "spring-linen",
        "product",
        ("living",),
        12,
        "",
        {"en": "Linen for the new season", "ko": "새 시즌 리넨 컬렉션", "ja": "新シーズンのリネン"},
        {
            "en": "Washed linen in six colours for the bed and the table.",
            "ko": "침구와 테이블을 위한 워싱 리넨 6가지 색상.",
            "ja": "ベッドとテーブルのための洗いざらしリネン、6色。",
        },
    ),
    (
        "market-report",
        "industry",
        ("market",),
        9,
        "",
        {
            "en": "What households bought this season",
            "ko": "이번 시즌 가정 소비 동향",
            "ja": "今シーズンの家庭消費動向",
        },
        {
            "en": "Smaller homes buy fewer, better things: cookware that lasts led the season.",
            "ko": "작은 집일수록 적게, 좋은 것을 삽니다. 오래 쓰는 조리도구가 이번 시즌을 이끌었습니다.",
            "ja": "小さな住まいほど、少なく良いものを。長く使える調理器具が今シーズンをけん引しました。",
        },
    ),
    (
        "regulars-preview",
        "news",
        ("kitchen", "living"),
        5,
        "seoul-regulars",
        {
            "en": "A preview evening for our regulars",
            "ko": "단골 고객 프리뷰 저녁",
            "ja": "常連様向けプレビューの夕べ",
        },
        {
            "en": "Before the range reaches the shelves, our regulars see it first at the Gangnam store.",
            "ko": "신제품이 매장에 진열되기 전, 강남점에서 단골 고객께 먼저 선보입니다.",
            "ja": "新商品が店頭に並ぶ前に、江南店で常連様に先行してご覧いただきます。",
        },
    ),
    (
        "knife-sharpening",
        "training",
        ("care",),
        2,
        "",
        {"en": "Sharpening a knife at home", "ko": "집에서 칼 가는 법", "ja": "家庭での包丁の研ぎ方"},
        {
            "en": "A whetstone, a 15-degree angle and ten strokes a side.",
            "ko": "숫돌, 15도 각도, 한 면에 열 번.",
            "ja": "砥石、15度の角度、片面10回。",
        },
    ),
)
# Who chooses what, when (days before the period's end): a segment's first members by id.
INTERESTS = (
    ("kitchen-lovers", ("kitchen", "care"), "weekly", 40, 60),
    ("advisory-panel", ("market",), "monthly", 40, 30),
    ("seoul-regulars", ("kitchen", "living"), "weekly", 30, 40),
)
COUNTED = (
    InformationTopic,
    InformationItem,
    MemberInterest,
    DigestPreference,
    InformationDelivery,
    Message,
    TimelineEvent,
    OutboxEvent,
)


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


def information_plant(world: World) -> None:
    """The topics and items, members' interests, and the digests of the period's last day (marked sent)."""
    if InformationTopic.objects.exists() or not Segment.objects.exists():
        return
    started = time.perf_counter()
    before = _counts()
    end = world.period.end
    with clock_at(end - timedelta(days=45)):
        for code, names in TOPICS.items():
            name, translations = in_main_language(in_spoken_languages(names))
            information_topic_create(data=TopicInput(code, name, translations), actor=None)
    for code, kind, topics, days, segment, titles, bodies in ITEMS:
        if segment and not Segment.objects.filter(code=segment, active=True).exists():
            continue
        title, title_translations = in_main_language(in_spoken_languages(titles))
        body, body_translations = in_main_language(in_spoken_languages(bodies))
        with clock_at(end - timedelta(days=days)):
            information_item_create(
                data=InformationInput(
                    code=code,
                    kind=kind,
                    title=title,
                    body=body,
                    title_translations=title_translations,
                    body_translations=body_translations,
                    published_at=end - timedelta(days=days),
                    topics=topics,
                    segment=segment,
                ),
                actor=None,
            )
    chosen = _interests_plant(end)
    with clock_at(end):
        digests = information_digests_send()
    Message.objects.filter(kind="information_digest", status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=end
    )
    world.counts.update(_counts() - before)
    world.truth["information"] = {
        "topics": len(TOPICS),
        "items": InformationItem.objects.count(),
        "members_with_interests": chosen,
        "digests": digests,
    }
    world.lines.append(
        f"Information: {InformationItem.objects.count()} items in {len(TOPICS)} topics, {chosen:,} members "
        f"chose topics, {digests:,} digests ({time.perf_counter() - started:.1f} s)"
    )


def _interests_plant(end: datetime) -> int:
    """Each segment's first members choose its topics; a member in two keeps the first choice."""
    done: set[int] = set()
    for segment, topics, frequency, days, how_many in INTERESTS:
        members = SegmentMember.objects.filter(segment__code=segment).select_related("member")
        picked = [
            row.member for row in members.order_by("member_id")[: how_many * 2] if row.member_id not in done
        ]
        with clock_at(end - timedelta(days=days)):
            for member in picked[:how_many]:
                member_interests_set(member=member, topics=topics, frequency=frequency)
                done.add(member.pk)
    return len(done)


PART = Part("information", after=information_plant)
