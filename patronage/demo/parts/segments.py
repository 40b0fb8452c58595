"""The segments part of the demo: the one-to-one classes a program manager keeps, named in the business's
languages, with their members found at once.

Once every member is written (purchases, tiers, cases and answers are there): segments on the customer file
(Seoul regulars), on purchases (kitchen lovers of the last half-year; lapsed customers who bought before but
not in 90 days), on loyalty (Gold and VIP), on complaints (an open complaint) and feedback (promoters), one
built on another (VIPs who lapsed), one on analytics (valuable customers at risk, filled once the worker has
run the analyses: the upkeep evaluates it when their runs finish), and a static list (the advisory panel:
the demo's top spenders). Then one upkeep pass sets where the upkeep starts reading, the new-season campaign
goes to the Seoul regulars with a hold-out (its true uplift nil: see CAMPAIGN_START_DAYS), the club events
are planted with their registrations (events.py), and today's sizes are recorded. The nightly reconciliation finds no difference on this demo (tested).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from patronage.core.models import OutboxEvent
from patronage.demo.parts.care import clock_at
from patronage.demo.parts.care_words import in_main_language, in_spoken_languages
from patronage.demo.parts.events import events_plant
from patronage.demo.world import Part, World
from patronage.loyalty.models import Account, BenefitGrant, LedgerEntry, Lot, Tier, TierChange
from patronage.members.models import TimelineEvent
from patronage.messages.models import Message, MessageStatus
from patronage.segments.campaign_services import (
    CampaignInput,
    campaign_create,
    campaign_schedule,
    campaigns_send,
    campaigns_start_due,
)
from patronage.segments.models import (
    Campaign,
    CampaignGoal,
    CampaignRecipient,
    ClubEvent,
    Registration,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentSize,
)
from patronage.segments.services import SegmentInput, segment_create, segment_members_set
from patronage.segments.treatment_services import TreatmentInput, segment_treatment_set
from patronage.segments.upkeep import segment_sizes_record, segments_upkeep

ADVISORY_PANEL = 30  # of the top spenders
# The new-season campaign: sent to the Seoul regulars 40 days before the period's end with 30% held out,
# judged on purchases in the 30 days after. The demo's customers were simulated before it and buy the same
# whether or not they got it: its true uplift is nil, and its results must show an interval around zero
# (what an honest measurement of a message that changed nothing looks like). Planting purchases instead
# would break the demo's own truths (its BG/NBD parameters, its orders' and points' counts).
CAMPAIGN_START_DAYS = 40
CAMPAIGN_WINDOW_DAYS = 30
CAMPAIGN_HOLDOUT = 0.3
CAMPAIGN_WORDS = {
    "subject": {
        "en": "The new season's kitchen range is in",
        "ko": "새 시즌 주방용품이 들어왔어요",
        "ja": "新シーズンのキッチン用品が入荷しました",
        "zh-hans": "新一季厨具已到货",
    },
    "body": {
        "en": "Our new season's kitchen range is in: come and see it at your store.",
        "ko": "새 시즌 주방용품이 들어왔어요. 매장에서 만나 보세요.",
        "ja": "新シーズンのキッチン用品が入荷しました。ぜひ店舗でご覧ください。",
        "zh-hans": "新一季厨具已到货，欢迎到店选购。",  # noqa: RUF001
    },
}

# The lapsed customers' own offer: a word to each customer who lapses from now on (decision 0033).
LAPSED_WELCOME = {
    "subject": {
        "en": "We miss you",
        "ko": "고객님이 그리워요",
        "ja": "またお会いできるのを楽しみにしています",
        "zh-hans": "好久不见，我们想念您",  # noqa: RUF001
    },
    "body": {
        "en": "It has been a while since your last visit. Our new season's range is waiting for you.",
        "ko": "마지막 방문 후 시간이 꽤 지났네요. 새 시즌 상품이 고객님을 기다리고 있어요.",
        "ja": "前回のご来店から少し時間が経ちました。新シーズンの商品がお待ちしています。",
        "zh-hans": "距离您上次光临已有一段时间。新一季的商品正等着您。",
    },
}


@dataclass(frozen=True)
class Definition:
    code: str
    names: dict[str, str]
    descriptions: dict[str, str]
    rules: dict[str, Any] | None  # None: a static list
    needs_tiers: bool = False  # planted only when the loyalty part ran (the demo can leave it out)


DEFINITIONS = (
    Definition(
        "seoul-regulars",
        {"en": "Seoul regulars", "ko": "서울 단골", "ja": "ソウルの常連", "zh-hans": "首尔常客"},
        {
            "en": "Seoul customers with three purchases in the last year",
            "ko": "최근 1년 3회 이상 구매한 서울 고객",
            "ja": "この1年に3回以上購入したソウルのお客様",
            "zh-hans": "近一年购买三次以上的首尔顾客",
        },
        {
            "all": [
                {"field": "city", "op": "eq", "value": "Seoul"},
                {"field": "purchase_count", "op": "gte", "value": 3, "days": 365},
            ]
        },
    ),
    Definition(
        "kitchen-lovers",
        {"en": "Kitchen lovers", "ko": "주방용품 애호가", "ja": "キッチン好き", "zh-hans": "厨房爱好者"},
        {
            "en": "Bought kitchen or tableware in the last six months",
            "ko": "최근 6개월 주방·식기 구매",
            "ja": "この半年にキッチン用品か食器を購入",
            "zh-hans": "近六个月购买厨具或餐具",
        },
        {"field": "bought_category", "op": "in", "value": ["kitchen", "tableware"], "days": 182},
    ),
    Definition(
        "lapsed",
        {"en": "Lapsed customers", "ko": "휴면 고객", "ja": "離反しかけのお客様", "zh-hans": "流失顾客"},
        {
            "en": "Bought before, but not in the last 90 days",
            "ko": "구매 이력은 있으나 최근 90일 구매 없음",
            "ja": "購入歴はあるがこの90日は購入なし",
            "zh-hans": "曾购买，但近90天未购买",  # noqa: RUF001  (Chinese writes its own comma)
        },
        {
            "all": [
                {"field": "purchase_count", "op": "gte", "value": 1},
                {"not": {"field": "last_purchase", "op": "within_days", "value": 90}},
            ]
        },
    ),
    Definition(
        "gold-and-vip",
        {"en": "Gold and VIP", "ko": "골드·VIP", "ja": "ゴールド・VIP", "zh-hans": "金卡与VIP"},
        {"en": "", "ko": "", "ja": "", "zh-hans": ""},
        {"field": "tier", "op": "in", "value": ["gold", "vip"]},
        needs_tiers=True,
    ),
    Definition(
        "lapsed-vip",
        {
            "en": "Lapsed Gold and VIP",
            "ko": "휴면 골드·VIP",
            "ja": "離反しかけのゴールド・VIP",
            "zh-hans": "流失的金卡与VIP",
        },
        {
            "en": "Worth a personal call",
            "ko": "개별 연락이 필요한 고객",
            "ja": "個別にご連絡したいお客様",
            "zh-hans": "值得亲自联系",
        },
        {
            "all": [
                {"field": "segment", "op": "eq", "value": "gold-and-vip"},
                {"field": "segment", "op": "eq", "value": "lapsed"},
            ]
        },
        needs_tiers=True,
    ),
    Definition(
        "open-complaint",
        {
            "en": "With an open complaint",
            "ko": "처리 중인 불만 고객",
            "ja": "対応中の苦情があるお客様",
            "zh-hans": "有未结投诉",
        },
        {"en": "", "ko": "", "ja": "", "zh-hans": ""},
        {"field": "open_cases", "op": "gte", "value": 1},
    ),
    Definition(
        "promoters",
        {"en": "Promoters", "ko": "추천 고객", "ja": "推奨者", "zh-hans": "推荐者"},
        {
            "en": "Answered 9 or 10 to 'would you recommend us'",
            "ko": "추천 의향 9~10점",
            "ja": "推奨度に9か10と回答",
            "zh-hans": "推荐意愿回答9或10分",
        },
        {"field": "nps_group", "op": "eq", "value": "promoter"},
    ),
    Definition(
        "valuable-at-risk",
        {
            "en": "Valuable, at risk",
            "ko": "이탈 위험 우수 고객",
            "ja": "離反リスクの高い優良顧客",
            "zh-hans": "高价值流失风险客户",
        },
        {
            "en": "High predicted value and high churn risk: the win-back class",
            "ko": "예상 가치와 이탈 위험이 모두 높은 고객",
            "ja": "予測価値も離反リスクも高いお客様",
            "zh-hans": "预测价值高且流失风险高",
        },
        {
            "all": [
                {"field": "clv", "op": "gte", "value": 300_000},
                {"field": "churn_risk", "op": "gte", "value": 0.6},
            ]
        },
    ),
    Definition(
        "advisory-panel",
        {
            "en": "Customer advisory panel",
            "ko": "고객 자문단",
            "ja": "顧客アドバイザリー",
            "zh-hans": "顾客顾问团",
        },
        {
            "en": "Invited by hand from our best customers",
            "ko": "우수 고객 중 직접 초대",
            "ja": "優良顧客から個別にご招待",
            "zh-hans": "从最佳顾客中亲自邀请",
        },
        None,
    ),
)


def _segment(definition: Definition) -> Segment:
    name, names = in_main_language(in_spoken_languages(definition.names))
    description, descriptions = in_main_language(in_spoken_languages(definition.descriptions))
    return segment_create(
        data=SegmentInput(
            code=definition.code,
            name=name,
            rules=definition.rules,
            kind=SegmentKind.RULES if definition.rules is not None else SegmentKind.STATIC,
            description=description,
            name_translations=names,
            description_translations={code: text for code, text in descriptions.items() if text},
        ),
        actor=None,
    )


# What this part writes, counted into the truth document's counts.
COUNTED = (
    Segment,
    SegmentMember,
    SegmentSize,
    Campaign,
    CampaignRecipient,
    Message,
    TimelineEvent,
    OutboxEvent,
    # The club events, and what coming to the tasting evening earned (events.py).
    ClubEvent,
    Registration,
    Account,
    LedgerEntry,
    Lot,
    TierChange,
    BenefitGrant,
)


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


def segments_plant(world: World) -> None:
    """The segments, evaluated at the period's end, the advisory panel listed, today's sizes recorded."""
    if Segment.objects.filter(code=DEFINITIONS[0].code).exists():
        return
    started = time.perf_counter()
    before = _counts()
    tiers = Tier.objects.exists()
    with clock_at(world.period.end):
        segments = {
            definition.code: _segment(definition)
            for definition in DEFINITIONS
            if tiers or not definition.needs_tiers
        }
        panel = world.top_spenders.member_ids()[:ADVISORY_PANEL]
        segment_members_set(segment=segments["advisory-panel"], member_ids=set(panel), actor=None)
        segments_upkeep()
        _lapsed_welcome(segments["lapsed"])
        sent = _campaign(world) if segments["seoul-regulars"].member_count else None
        events = events_plant(world)
        segment_sizes_record()
    world.counts.update(_counts() - before)
    sizes = dict(Segment.objects.values_list("code", "member_count"))
    world.truth["segments"] = sizes
    if sent is not None:
        world.truth["campaign"] = sent
    world.truth["events"] = events
    world.lines.append(
        f"Segments: {len(segments)} segments ("
        + ", ".join(f"{code} {count:,}" for code, count in sizes.items())
        + f") ({time.perf_counter() - started:.1f} s)"
    )


def _lapsed_welcome(lapsed: Segment) -> None:
    subject, subjects = in_main_language(in_spoken_languages(LAPSED_WELCOME["subject"]))
    body, bodies = in_main_language(in_spoken_languages(LAPSED_WELCOME["body"]))
    segment_treatment_set(
        segment=lapsed,
        data=TreatmentInput(
            welcome_subject=subject,
            welcome_body=body,
            welcome_subject_translations=subjects,
            welcome_body_translations=bodies,
        ),
        actor=None,
    )


def _campaign(world: World) -> dict[str, Any]:
    """The new-season campaign to the Seoul regulars, sent 40 days ago with a hold-out drawn from the demo's
    seed; its messages are history (marked sent when it started)."""
    start = world.period.end - timedelta(days=CAMPAIGN_START_DAYS)
    subject, subjects = in_main_language(in_spoken_languages(CAMPAIGN_WORDS["subject"]))
    body, bodies = in_main_language(in_spoken_languages(CAMPAIGN_WORDS["body"]))
    with clock_at(start):
        campaign = campaign_create(
            data=CampaignInput(
                code="new-season",
                name=subject[:100],
                segment="seoul-regulars",
                subject=subject,
                body=body,
                subject_translations=subjects,
                body_translations=bodies,
                goal=CampaignGoal.PURCHASE,
                goal_days=CAMPAIGN_WINDOW_DAYS,
                holdout_share=CAMPAIGN_HOLDOUT,
            ),
            actor=None,
        )
        # The same seed draws the same hold-out.
        Campaign.objects.filter(pk=campaign.pk).update(salt=f"demo-{world.seed}")
        campaign_schedule(campaign=campaign, send_at=None, actor=None)
        campaigns_start_due()
        while campaigns_send(limit=10_000):
            pass
    Message.objects.filter(kind="campaign", status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=start
    )
    campaign.refresh_from_db()
    return {
        "campaign": campaign.code,
        "audience": campaign.audience,
        "held_out": campaign.held_out,
        "true_uplift": 0,
    }


PART = Part("segments", after=segments_plant)
