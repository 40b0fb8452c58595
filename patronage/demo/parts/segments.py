"""The segments part of the demo: the one-to-one classes a program manager keeps, named in the business's
languages, with their members found at once.

Once every member is written (purchases, tiers, cases and answers are there): segments on the customer file
(Seoul regulars), on purchases (kitchen lovers of the last half-year; lapsed customers who bought before but
not in 90 days), on loyalty (Gold and VIP), on complaints (an open complaint) and feedback (promoters), one
built on another (VIPs who lapsed), one on analytics (valuable customers at risk, filled once the worker has
run the analyses: the upkeep evaluates it when their runs finish), and a static list (the advisory panel:
the demo's top spenders). Then one upkeep pass sets where the upkeep starts reading, and today's sizes are
recorded. The nightly reconciliation finds no difference on this demo (tested).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from patronage.commerce.models import Order
from patronage.core.business import business_languages
from patronage.demo.parts.care import clock_at
from patronage.demo.parts.care_words import in_main_language
from patronage.demo.world import Part, World
from patronage.loyalty.models import Tier
from patronage.members.models import TimelineEvent
from patronage.messages.models import Message, MessageStatus
from patronage.segments.campaign_services import (
    CampaignInput,
    campaign_create,
    campaign_schedule,
    campaigns_send,
    campaigns_start_due,
)
from patronage.segments.models import CampaignGoal, CampaignRecipient, Segment, SegmentKind
from patronage.segments.services import SegmentInput, segment_create, segment_members_set
from patronage.segments.upkeep import segment_sizes_record, segments_upkeep

ADVISORY_PANEL = 30  # of the top spenders
# The win-back campaign: sent to the lapsed customers 40 days before the period's end, judged on purchases in
# the 30 days after; the message makes a treated customer buy with this chance (the true effect the results
# must recover within their interval). Lapsed customers buy nothing else in the window (they had bought
# nothing in 90 days when the segment was read), so the true uplift is this share exactly.
WIN_BACK_EFFECT = 0.25
WIN_BACK_START_DAYS = 40
WIN_BACK_WINDOW_DAYS = 30
WIN_BACK_HOLDOUT = 0.3
WIN_BACK_WORDS = {
    "subject": {
        "en": "We miss you: 5,000 won off your next visit",
        "ko": "보고 싶었어요: 다음 방문 때 5,000원 할인",
        "ja": "お久しぶりです: 次回5,000ウォン引き",
        "zh-hans": "好久不见：下次光临立减5,000韩元",  # noqa: RUF001
    },
    "body": {
        "en": "It has been a while. Our new season's kitchen range is in, and 5,000 won is off your next visit.",
        "ko": "오랜만이에요. 새 시즌 주방용품이 들어왔어요. 다음 방문 때 5,000원을 할인해 드립니다.",
        "ja": "ご無沙汰しております。新シーズンのキッチン用品が入荷しました。次回ご来店時に5,000ウォンお引きします。",
        "zh-hans": "好久不见。新一季厨具已到货，下次光临立减5,000韩元。",  # noqa: RUF001
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


def _spoken(texts: dict[str, str]) -> dict[str, str]:
    """The texts in the business's languages (the demo's may not include Chinese)."""
    languages = set(business_languages())
    return {code: text for code, text in texts.items() if code in languages or code == "en"}


def _segment(definition: Definition) -> Segment:
    name, names = in_main_language(_spoken(definition.names))
    description, descriptions = in_main_language(_spoken(definition.descriptions))
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


def segments_plant(world: World) -> None:
    """The segments, evaluated at the period's end, the advisory panel listed, today's sizes recorded."""
    if Segment.objects.filter(code=DEFINITIONS[0].code).exists():
        return
    started = time.perf_counter()
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
        win_back = _win_back(world) if segments["lapsed"].member_count else None
        segments_upkeep()  # the customers the campaign brought back leave "lapsed"
        segment_sizes_record()
    sizes = dict(Segment.objects.values_list("code", "member_count"))
    world.truth["segments"] = sizes
    if win_back is not None:
        world.truth["win_back"] = win_back
    world.lines.append(
        f"Segments: {len(segments)} segments ("
        + ", ".join(f"{code} {count:,}" for code, count in sizes.items())
        + f") ({time.perf_counter() - started:.1f} s)"
    )


def _win_back(world: World) -> dict[str, Any]:
    """The win-back campaign to the lapsed customers, sent 40 days ago with a hold-out; the treated buy
    with the planted chance in the 30 days after (its messages are history: marked sent when it started)."""
    start = world.period.end - timedelta(days=WIN_BACK_START_DAYS)
    subject, subjects = in_main_language(_spoken(WIN_BACK_WORDS["subject"]))
    body, bodies = in_main_language(_spoken(WIN_BACK_WORDS["body"]))
    with clock_at(start):
        campaign = campaign_create(
            data=CampaignInput(
                code="win-back",
                name=str(subject)[:100],
                segment="lapsed",
                subject=subject,
                body=body,
                subject_translations=subjects,
                body_translations=bodies,
                goal=CampaignGoal.PURCHASE,
                goal_days=WIN_BACK_WINDOW_DAYS,
                holdout_share=WIN_BACK_HOLDOUT,
                offer_cost=Decimal(5000),
            ),
            actor=None,
        )
        campaign_schedule(campaign=campaign, send_at=None, actor=None)
        campaigns_start_due()
        while campaigns_send(limit=10_000):
            pass
    Message.objects.filter(kind="campaign", status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=start
    )
    treated = list(
        CampaignRecipient.objects.filter(campaign=campaign, held_out=False).values_list("member", flat=True)
    )
    rng = np.random.default_rng([world.seed, 16])
    buyers = [member for member in treated if rng.random() < WIN_BACK_EFFECT]
    _purchases(buyers, start, rng)
    campaign.refresh_from_db()
    return {
        "campaign": campaign.code,
        "audience": campaign.audience,
        "held_out": campaign.held_out,
        "true_uplift": WIN_BACK_EFFECT,
        "brought_back": len(buyers),
    }


def _purchases(members: list[int], start: datetime, rng: np.random.Generator) -> None:
    """One purchase each, at a shop's hour some day in the window, with its timeline event."""
    orders, events = [], []
    for member_id in members:
        at = start + timedelta(days=int(rng.integers(1, WIN_BACK_WINDOW_DAYS)), hours=int(rng.integers(1, 9)))
        amount = Decimal(int(rng.integers(15, 90)) * 1000)
        orders.append(
            Order(
                member_id=member_id,
                source="demo-win-back",
                external_id=f"WB-{member_id}",
                occurred_at=at,
                currency="KRW",
                amount=amount,
            )
        )
        events.append(
            TimelineEvent(
                member_id=member_id,
                kind="purchase",
                occurred_at=at,
                summary=f"{amount} KRW",
                data={"amount": str(amount), "currency": "KRW"},
                source_type="commerce.order",
            )
        )
    Order.objects.bulk_create(orders)
    TimelineEvent.objects.bulk_create(events)


PART = Part("segments", after=segments_plant)
