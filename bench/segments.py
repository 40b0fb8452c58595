"""Benchmark: segments over a million members, evaluated in full and kept up change by change (issue 16).

    .venv/bin/python bench/segments.py [--members 1000000] [--changes 1000] [--sends 5000] [--quick] [--postgres postgres://postgres@127.0.0.1:5432]
    .venv/bin/python bench/segments.py --sends-only [--sends 1000]

On PostgreSQL only (a database made for the run and dropped after it). `--quick`: 50,000 members, 200 changes,
1,000 e-mails.

The data, written by SQL in the database (not timed): MEMBERS members (cities, birth dates, languages, joined
dates over five years, tags, consents, 2% merged or erased), about 3.1 purchases each over two years (every
channel, stores for the store channel, 6% returned, a line with a category on 40% of them), loyalty accounts
for 80% with tiers and points, 0.3 cases a member (a quarter open), an NPS answer for about a fifth.

Full evaluation: 50 segments over every field family (attributes, windowed purchase counts and amounts, the
last purchase, what was bought where, tier, points, consent, tags, age, open cases, NPS group, nested
any/all/not, two built on other segments). `segment_create` evaluates each and writes its members from
nothing; then, each segment in turn, the count of `rules_members(...)` and the same rules written by hand as
SQL (GROUP BY, EXISTS), alternating which goes first: the counts must be equal. segments_vs_sql = ours / hand
SQL (goal <= 2); goal for the full evaluation of all 50: under 30 s. `segment_refresh` of all 50 with their
members kept (the nightly reconciliation's work) is timed after the upkeep, as its anchor.

Incremental upkeep: CHANGES changes written as the product writes them, two thirds purchases through
`transaction_record`, a third city changes through `member_update`, then `segments_upkeep()` catching up
(with `now` two minutes on, past SETTLE). The anchor, in the same run: re-evaluating every segment in full
(`segment_refresh` of all 50, the rescan a tool without upkeep does), upkeep_vs_rescan = upkeep / rescan.

Next-best offer (decision 0032), offline: NBO_MEMBERS simulated buyers (`--nbo-members`, default 100,000;
`--quick` 20,000), 12 categories of 20 products, each member buying by their own taste 80% of the time, a
third of the lines bringing a complement. Each member's last order is held out; the lift table is fitted on
the earlier orders; a hit when one of the method's top 3 (as served: scores and the Thompson draw, no
exposures yet) is in the held-out order. The anchor, in the same run: the 3 most popular products
(nbo ratio = ours / popularity). A control run with no taste (everyone buys by popularity) shows what the
method costs where there is nothing to find. `--nbo-only` runs this part alone, on SQLite (no server).
Campaign send rate: SENDS members given an e-mail address and marketing consent (by SQL, not timed), a
segment of them and a campaign with no hold-out, sent to an aiosmtpd server on 127.0.0.1 that counts what it
receives; timed from "send now" (campaigns_start_due, campaigns_send, messages_send_due as the jobs run them)
until the server has every e-mail. The anchor, in the same run and to the same server: a bare smtplib loop
sending as many e-mails (text and HTML, built one by one) on one connection. send_vs_smtplib = ours / the
loop, in e-mails a second (goal >= 0.5). `--sends-only` runs this part alone, over 3 * SENDS members.

Floors: `SELECT 1` round trips per second over Django's connection and pgbench -S for 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pg import fast_fill, pgbench_select_only, select_one_rate  # noqa: E402  (bench/ is the script's folder)
from throwaway import run_on_throwaway_database  # noqa: E402

GOAL_RATIO = 2.0
GOAL_SECONDS = 30.0
GOAL_SEND_RATIO = 0.5
STATEMENT_TIMEOUT_S = 300  # a plan gone wrong is reported, not waited for
CITIES = [
    ("Seoul", "KR"),
    ("Busan", "KR"),
    ("Incheon", "KR"),
    ("Daegu", "KR"),
    ("Tokyo", "JP"),
    ("Osaka", "JP"),
    ("Shanghai", "CN"),
    ("Beijing", "CN"),
    ("London", "GB"),
    ("New York", "US"),
]
LOCALES = ["ko", "ko", "ko", "en", "en", "ja", "zh-hans"]
TAGS = [
    "vip-event",
    "newsletter-2025",
    "student",
    "pet-owner",
    "gardener",
    "influencer",
    "wholesale",
    "staff",
]
CATEGORIES = ["kitchen", "bath", "bedding", "garden", "pets", "lighting", "storage", "decor", "tools", "toys"]
STORES = [f"s{n:02d}" for n in range(1, 21)]
TIERS = [("bronze", 0), ("silver", 2_000), ("gold", 10_000), ("vip", 30_000)]
CONSENTS = [  # purpose, share with a row, share of those granted
    ("email_marketing", 0.65, 0.85),
    ("sms_marketing", 0.40, 0.70),
    ("phone_marketing", 0.15, 0.60),
    ("profiling", 0.50, 0.80),
    ("third_party", 0.10, 0.50),
]
OPEN = ["acknowledged", "listening", "proposed", "compensated", "promised", "resolved", "waiting", "reopened"]


# --- the data ------------------------------------------------------------------------------------------


@dataclass
class Refs:
    program: Any
    survey_id: int
    question_id: int
    channels: dict[str, int]
    stores: list[int]
    categories: list[int]
    tags: list[int]
    tiers: list[int]


def _references() -> Refs:
    from patronage.commerce.models import Category, Channel, Store
    from patronage.conftest import business_set, program_launched
    from patronage.core import clock
    from patronage.feedback.models import Question, Survey
    from patronage.loyalty.models import Program
    from patronage.loyalty.services.programs import tier_save
    from patronage.members.models import Tag

    business_set(time_zone="UTC")
    channels = {
        code: Channel.objects.create(code=code, name=code.title(), kind=kind).pk
        for code, kind in (("stores", "store"), ("web", "online"), ("app", "app"))
    }
    stores = [
        Store.objects.create(code=code, name=f"Store {code}", channel_id=channels["stores"]).pk
        for code in STORES
    ]
    categories = [Category.objects.create(code=code, name=code.title()).pk for code in CATEGORIES]
    tags = [Tag.objects.create(name=name).pk for name in TAGS]
    program = program_launched(Program.objects.create(code="club", name="Club", currency="KRW"))
    tiers = [
        tier_save(
            program=program, code=code, name=code.title(), rank=rank, threshold=Decimal(points), actor=None
        ).pk
        for rank, (code, points) in enumerate(TIERS, start=1)
    ]
    now = clock.now()
    survey = Survey.objects.create(title="How likely?", status="open", created_at=now, updated_at=now)
    question = Question.objects.create(
        survey=survey,
        key="nps",
        position=1,
        type="nps",
        text="Would you recommend us?",
        scale_low=0,
        scale_high=10,
    )
    return Refs(program, survey.pk, question.pk, channels, stores, categories, tags, tiers)


def _fill(members: int, refs: Refs, now: datetime) -> dict[str, int]:
    """Every row by INSERT ... SELECT in the database; the random draws are seeded (setseed)."""
    from django.db import connection

    tables = [
        "members_member",
        "members_member_tags",
        "members_consent",
        "commerce_order",
        "commerce_orderline",
        "loyalty_account",
        "care_case",
        "feedback_response",
        "feedback_answer",
    ]
    p = {
        "n": members,
        "now": now,
        "cities": [c for c, _ in CITIES],
        "countries": [c for _, c in CITIES],
        "locales": LOCALES,
        "tags": refs.tags,
        "stores": refs.stores,
        "web": refs.channels["web"],
        "app": refs.channels["app"],
        "shop": refs.channels["stores"],
        "categories": refs.categories,
        "program": refs.program.pk,
        "tiers": refs.tiers,
        "thresholds": [points for _, points in TIERS],
        "open": OPEN,
        "survey": refs.survey_id,
        "question": refs.question_id,
    }
    with connection.cursor() as cursor, fast_fill(cursor, tables):
        run = cursor.execute
        run("SELECT setseed(0.16)")
        run(
            """
            INSERT INTO members_member (id, name, name_key, name_latin, birth_date, locale, time_zone, address,
                city, postal_code, country, preferences, source, status, joined_at, created_at, updated_at)
            SELECT g, 'Member ' || g, '', '',
                   CASE WHEN random() < 0.12 THEN NULL ELSE date '1945-01-01' + floor(random() * 23000)::int END,
                   (%(locales)s::text[])[1 + floor(random() * 7)::int], 'UTC', '', (%(cities)s::text[])[c],
                   '', (%(countries)s::text[])[c], '{}', 'import',
                   CASE WHEN s < 0.015 THEN 'merged' WHEN s < 0.02 THEN 'erased' ELSE 'active' END,
                   %(now)s::timestamptz - random() * interval '1825 days', %(now)s, %(now)s
            FROM (SELECT g, 1 + floor(power(random(), 1.6) * 10)::int AS c, random() AS s
                  FROM generate_series(1, %(n)s) g) m
            """,
            p,
        )
        run(
            "INSERT INTO members_member_tags (member_id, tag_id) "
            "SELECT g, (%(tags)s::bigint[])[1 + floor(power(random(), 1.5) * 8)::int] "
            "FROM generate_series(1, %(n)s) g WHERE random() < 0.35",
            p,
        )
        run(
            "INSERT INTO members_member_tags (member_id, tag_id) "
            "SELECT g, (%(tags)s::bigint[])[1 + floor(random() * 8)::int] "
            "FROM generate_series(1, %(n)s) g WHERE random() < 0.10 ON CONFLICT DO NOTHING",
            p,
        )
        for purpose, share, granted in CONSENTS:
            run(
                "INSERT INTO members_consent (member_id, purpose, granted, updated_at) "
                "SELECT g, %s, random() < %s, %s FROM generate_series(1, %s) g WHERE random() < %s",
                [purpose, granted, now, members, share],
            )
        # Purchases: a geometric-like number a member (mean 3.6), over the last two years, before `now`.
        run(
            """
            INSERT INTO commerce_order (source, external_id, kind, occurred_at, currency, amount, tax, shipping,
                discount, promotion_code, created_at, channel_id, member_id, store_id)
            SELECT 'bench', 'p' || m.id || '-' || i, 'purchase',
                   %(now)s::timestamptz - interval '5 minutes' - random() * interval '730 days', 'KRW',
                   round((5000 + power(random(), 2) * 300000)::numeric, -2), 0, 0, 0, '', %(now)s, ch.id, m.id,
                   CASE WHEN ch.id = %(shop)s
                        THEN (%(stores)s::bigint[])[1 + floor(power(random(), 1.3) * 20)::int] END
            FROM (SELECT id, floor(-ln(1 - random()) * 3.6)::int AS k FROM members_member) m,
                 generate_series(1, m.k) i,
                 LATERAL (SELECT CASE WHEN r < 0.6 THEN %(shop)s WHEN r < 0.9 THEN %(web)s ELSE %(app)s END AS id
                          FROM (SELECT random() + i * 0 AS r) x) ch
            """,
            p,
        )
        run(
            """
            INSERT INTO commerce_order (source, external_id, kind, occurred_at, currency, amount, tax, shipping,
                discount, promotion_code, created_at, channel_id, member_id, store_id, original_id)
            SELECT 'bench', 'r' || o.id, 'return',
                   least(o.occurred_at + random() * interval '20 days', %(now)s::timestamptz - interval '5 minutes'),
                   'KRW', round(o.amount * (0.3 + 0.7 * random())::numeric, -2), 0, 0, 0, '', %(now)s,
                   o.channel_id, o.member_id, o.store_id, o.id
            FROM commerce_order o WHERE random() < 0.06
            """,
            p,
        )
        run(
            """
            INSERT INTO commerce_orderline (order_id, line_no, sku, quantity, unit_price, amount, category_id)
            SELECT o.id, l, 'SKU-' || (1 + floor(random() * 500)::int), 1, round(o.amount / o.n, 2),
                   round(o.amount / o.n, 2), (%(categories)s::bigint[])[1 + floor(power(random(), 1.4) * 10)::int]
            FROM (SELECT id, amount, 1 + floor(random() * 3)::int AS n FROM commerce_order
                  WHERE kind = 'purchase' AND random() < 0.4) o, generate_series(1, o.n) l
            """,
            p,
        )
        run(
            """
            INSERT INTO loyalty_account (pending, active, owed, enrolled_at, member_id, program_id, invited_tiers,
                tier_id, tier_since)
            SELECT 0, a.points, 0, a.joined_at, a.id, %(program)s, '[]',
                   (%(tiers)s::bigint[])[CASE WHEN a.points >= (%(thresholds)s::int[])[4] THEN 4
                                              WHEN a.points >= (%(thresholds)s::int[])[3] THEN 3
                                              WHEN a.points >= (%(thresholds)s::int[])[2] THEN 2 ELSE 1 END],
                   a.joined_at
            FROM (SELECT id, joined_at, floor(power(random(), 3) * 60000)::int AS points FROM members_member
                  WHERE status = 'active' AND random() < 0.8) a
            """,
            p,
        )
        run(
            """
            INSERT INTO care_case (reference, type, channel, status, status_before_wait, summary, description,
                language, contact_name, contact_email, contact_phone, severity, tags, external_id, solution,
                promise, satisfaction_comment, access_token, created_at, updated_at, member_id)
            SELECT 'B-' || g, 'complaint', 'email',
                   CASE WHEN random() < 0.25 THEN (%(open)s::text[])[1 + floor(random() * 8)::int] ELSE 'closed' END,
                   '', 'bench', '', 'ko', '', '', '', 'minor', '[]', '', '', '', '', md5(g::text), t, t,
                   1 + floor(random() * %(n)s)::bigint
            FROM (SELECT g, %(now)s::timestamptz - random() * interval '700 days' AS t
                  FROM generate_series(1, (%(n)s * 0.3)::int) g) c
            """,
            p,
        )
        run(
            """
            INSERT INTO feedback_response (channel, language, complete, test, external_id, created_at, updated_at,
                member_id, survey_id)
            SELECT 'link', 'ko', true, false, '', t, t, m, %(survey)s
            FROM (SELECT g AS m, %(now)s::timestamptz - random() * interval '600 days' AS t
                  FROM generate_series(1, %(n)s) g WHERE random() < 0.18
                  UNION ALL
                  SELECT g, %(now)s::timestamptz - random() * interval '600 days'
                  FROM generate_series(1, %(n)s) g WHERE random() < 0.05) r
            """,
            p,
        )
        run(
            "INSERT INTO feedback_answer (number, chosen, text, question_id, response_id, sentiment) "
            "SELECT least(10, floor(11 * power(random(), 0.6)))::int, '[]', '', %(question)s, id, '' "
            "FROM feedback_response",
            p,
        )
        counts = {}
        for table in tables:
            run(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    _sequences_reset()
    return counts


def _sequences_reset() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from patronage.members.models import Member

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Member]):
            cursor.execute(sql)


# --- the 50 segments and the same rules by hand ----------------------------------------------------------

# Hand SQL: a condition on `m` (members_member), or a whole query returning the count (starts with SELECT).
# Parameters: now, today (dates in the business's zone, UTC here), and the day bounds below.
ACTIVE = "m.status = 'active'"


def _orders(days: int | None, extra: str = "") -> str:
    window = f" AND o.occurred_at >= %(now)s::timestamptz - interval '{days} days'" if days else ""
    return f"commerce_order o WHERE o.kind = 'purchase'{window}{extra}"


def _count_having(days: int | None, having: str) -> str:
    return (
        f"SELECT count(*) FROM (SELECT o.member_id FROM {_orders(days)} GROUP BY o.member_id "
        f"HAVING {having}) t JOIN members_member m ON m.id = t.member_id WHERE {ACTIVE}"
    )


def _spend(days: int | None) -> str:
    window = f"o.occurred_at >= %(now)s::timestamptz - interval '{days} days'" if days else "true"
    return (
        "(SELECT o.member_id, sum(CASE WHEN o.kind = 'purchase' THEN o.amount ELSE -o.amount END) AS spend "
        f"FROM commerce_order o WHERE {window} AND o.member_id IS NOT NULL GROUP BY o.member_id)"
    )


def _bought(days: int | None, where: str, lines: bool = False) -> str:
    if lines:
        return (
            f"EXISTS (SELECT 1 FROM {_orders(days, ' AND o.member_id = m.id')} AND EXISTS (SELECT 1 FROM "
            f"commerce_orderline l JOIN commerce_category c ON c.id = l.category_id WHERE l.order_id = o.id AND {where}))"
        )
    return f"EXISTS (SELECT 1 FROM {_orders(days, ' AND o.member_id = m.id')} AND {where})"


def _exists(source: str, where: str) -> str:
    return f"EXISTS (SELECT 1 FROM {source} WHERE {where})"


def _tag(names: str) -> str:
    tags = "members_member_tags mt JOIN members_tag t ON t.id = mt.tag_id"
    return _exists(tags, f"mt.member_id = m.id AND t.name IN ({names})")


def _consent(purposes: str) -> str:
    return _exists("members_consent c", f"c.member_id = m.id AND c.granted AND c.purpose IN ({purposes})")


def _tier(codes: str) -> str:
    accounts = "loyalty_account a JOIN loyalty_tier t ON t.id = a.tier_id"
    return _exists(accounts, f"a.member_id = m.id AND t.code IN ({codes})")


def _open_cases() -> str:
    return _exists("care_case k", "k.member_id = m.id AND k.status NOT IN ('closed', 'merged')")


# The latest NPS answer of each member who answered.
LATEST_NPS = (
    "(SELECT DISTINCT ON (r.member_id) r.member_id, a.number FROM feedback_response r "
    "JOIN feedback_answer a ON a.response_id = r.id JOIN feedback_question q ON q.id = a.question_id "
    "WHERE q.type = 'nps' AND a.number IS NOT NULL AND r.member_id IS NOT NULL "
    "ORDER BY r.member_id, r.created_at DESC, a.id DESC)"
)


def _nps(where: str) -> str:
    return f"SELECT count(*) FROM {LATEST_NPS} n JOIN members_member m ON m.id = n.member_id WHERE {ACTIVE} AND {where}"


def _in_segment(code: str) -> str:
    kept = "segments_segmentmember sm JOIN segments_segment s ON s.id = sm.segment_id"
    return _exists(kept, f"sm.member_id = m.id AND s.code = '{code}'")


def _age_at_least(years: int) -> str:
    return f"(m.birth_date <= %(today)s::date - interval '{years} years')"


def _age_at_most(years: int) -> str:
    return f"(m.birth_date > %(today)s::date - interval '{years + 1} years')"


def _c(field: str, op: str, value: Any, days: int | None = None) -> dict[str, Any]:
    condition: dict[str, Any] = {"field": field, "op": op, "value": value}
    if days is not None:
        condition["days"] = days
    return condition


def _last_purchase_sql(where: str) -> str:
    return (
        "SELECT count(*) FROM (SELECT o.member_id, max(o.occurred_at) AS last FROM commerce_order o "
        "WHERE o.kind = 'purchase' GROUP BY o.member_id) t JOIN members_member m ON m.id = t.member_id "
        f"WHERE {ACTIVE} AND {where}"
    )


_CHANNEL = "o.channel_id = (SELECT id FROM commerce_channel WHERE code = '%s')"
GOLD_VIP, EMAIL, SMS = "'gold', 'vip'", "'email_marketing'", "'sms_marketing'"
KITCHEN = "c.code = 'kitchen'"
S01_S02 = "o.store_id IN (SELECT id FROM commerce_store WHERE code IN ('s01', 's02'))"

SEGMENTS: list[tuple[str, dict[str, Any], str]] = [
    # the customer file
    ("seoul", _c("city", "eq", "Seoul"), "m.city = 'Seoul'"),
    (
        "korea-not-seoul",
        {"all": [_c("country", "eq", "KR"), _c("city", "ne", "Seoul")]},
        "m.country = 'KR' AND m.city <> 'Seoul'",
    ),
    ("japan-cities", _c("city", "in", ["Tokyo", "Osaka"]), "m.city IN ('Tokyo', 'Osaka')"),
    ("locale-ja", _c("locale", "eq", "ja"), "m.locale = 'ja'"),
    ("locale-cjk", _c("locale", "in", ["ko", "ja", "zh-hans"]), "m.locale IN ('ko', 'ja', 'zh-hans')"),
    ("locale-not-en", _c("locale", "ne", "en"), "m.locale <> 'en'"),
    ("age-20s", _c("age", "between", [20, 29]), f"{_age_at_least(20)} AND {_age_at_most(29)}"),
    ("age-60-plus", _c("age", "gte", 60), _age_at_least(60)),
    ("age-under-25", _c("age", "lt", 25), _age_at_most(24)),
    ("joined-2026", _c("joined", "gte", "2026-01-01"), "m.joined_at >= '2026-01-01T00:00:00Z'"),
    ("new-30d", _c("joined", "within_days", 30), "m.joined_at >= %(now)s::timestamptz - interval '30 days'"),
    ("tag-staff", _c("tags", "contains", "staff"), _tag("'staff'")),
    (
        "tag-vip-or-influencer",
        _c("tags", "in", ["vip-event", "influencer"]),
        _tag("'vip-event', 'influencer'"),
    ),
    ("not-staff", {"not": _c("tags", "contains", "staff")}, f"NOT {_tag(repr('staff'))}"),
    ("email-ok", _c("consent", "contains", "email_marketing"), _consent("'email_marketing'")),
    (
        "sms-or-phone",
        _c("consent", "in", ["sms_marketing", "phone_marketing"]),
        _consent("'sms_marketing', 'phone_marketing'"),
    ),
    # purchases
    ("buyers-90d", _c("purchase_count", "gte", 1, 90), _count_having(90, "count(*) >= 1")),
    ("frequent-90d", _c("purchase_count", "gte", 3, 90), _count_having(90, "count(*) >= 3")),
    ("frequent-year", _c("purchase_count", "gte", 8, 365), _count_having(365, "count(*) >= 8")),
    (
        "never-bought",
        _c("purchase_count", "eq", 0),
        f"NOT EXISTS (SELECT 1 FROM {_orders(None, ' AND o.member_id = m.id')})",
    ),
    (
        "light-year",
        _c("purchase_count", "lt", 2, 365),
        f"(SELECT count(*) FROM {_orders(365, ' AND o.member_id = m.id')}) < 2",
    ),
    (
        "count-2-to-5",
        _c("purchase_count", "between", [2, 5]),
        _count_having(None, "count(*) BETWEEN 2 AND 5"),
    ),
    (
        "spend-500k-year",
        _c("purchase_amount", "gte", 500000, 365),
        f"SELECT count(*) FROM {_spend(365)} s JOIN members_member m ON m.id = s.member_id WHERE {ACTIVE} AND s.spend >= 500000",
    ),
    (
        "spend-1m",
        _c("purchase_amount", "gte", 1000000),
        f"SELECT count(*) FROM {_spend(None)} s JOIN members_member m ON m.id = s.member_id WHERE {ACTIVE} AND s.spend >= 1000000",
    ),
    (
        "spend-low-year",
        _c("purchase_amount", "lt", 50000, 365),
        f"SELECT count(*) FROM members_member m LEFT JOIN {_spend(365)} s ON s.member_id = m.id "
        f"WHERE {ACTIVE} AND coalesce(s.spend, 0) < 50000",
    ),
    (
        "spend-100k-300k-180d",
        _c("purchase_amount", "between", [100000, 300000], 180),
        f"SELECT count(*) FROM {_spend(180)} s JOIN members_member m ON m.id = s.member_id "
        f"WHERE {ACTIVE} AND s.spend BETWEEN 100000 AND 300000",
    ),
    ("recent-30d", _c("last_purchase", "within_days", 30), _bought(30, "true")),
    (
        "lapsed-before-june",
        _c("last_purchase", "lt", "2026-06-10"),
        _last_purchase_sql("t.last < '2026-06-10T00:00:00Z'"),
    ),
    ("no-purchase-90d", {"not": _c("last_purchase", "within_days", 90)}, f"NOT {_bought(90, 'true')}"),
    (
        "last-in-first-half",
        _c("last_purchase", "between", ["2026-01-01", "2026-06-30"]),
        _last_purchase_sql("t.last >= '2026-01-01T00:00:00Z' AND t.last < '2026-07-01T00:00:00Z'"),
    ),
    (
        "kitchen-180d",
        _c("bought_category", "contains", "kitchen", 180),
        _bought(180, "c.code = 'kitchen'", lines=True),
    ),
    (
        "garden-or-pets",
        _c("bought_category", "in", ["garden", "pets"]),
        _bought(None, "c.code IN ('garden', 'pets')", lines=True),
    ),
    (
        "store-s01-year",
        _c("bought_store", "contains", "s01", 365),
        _bought(365, "o.store_id = (SELECT id FROM commerce_store WHERE code = 's01')"),
    ),
    (
        "web-90d",
        _c("bought_channel", "contains", "web", 90),
        _bought(90, "o.channel_id = (SELECT id FROM commerce_channel WHERE code = 'web')"),
    ),
    (
        "app-never-store",
        {
            "all": [
                _c("bought_channel", "contains", "app"),
                {"not": _c("bought_channel", "contains", "stores")},
            ]
        },
        _bought(None, _CHANNEL % "app") + " AND NOT " + _bought(None, _CHANNEL % "stores"),
    ),
    (
        "sku-7",
        _c("bought_product", "contains", "SKU-7"),
        f"EXISTS (SELECT 1 FROM {_orders(None, ' AND o.member_id = m.id')} AND EXISTS "
        "(SELECT 1 FROM commerce_orderline l WHERE l.order_id = o.id AND l.sku = 'SKU-7'))",
    ),
    # loyalty, care, feedback
    ("gold-or-vip", _c("tier", "in", ["gold", "vip"]), _tier("'gold', 'vip'")),
    ("not-bronze", _c("tier", "ne", "bronze"), f"NOT {_tier(repr('bronze'))}"),
    (
        "points-10k",
        _c("points", "gte", 10000),
        "SELECT count(*) FROM (SELECT member_id FROM loyalty_account GROUP BY member_id HAVING sum(active) >= 10000) t "
        f"JOIN members_member m ON m.id = t.member_id WHERE {ACTIVE}",
    ),
    (
        "points-under-500",
        _c("points", "lt", 500),
        "NOT EXISTS (SELECT 1 FROM loyalty_account a WHERE a.member_id = m.id GROUP BY a.member_id HAVING sum(a.active) >= 500)",
    ),
    ("open-case", _c("open_cases", "gte", 1), _open_cases()),
    ("no-open-case", _c("open_cases", "eq", 0), f"NOT {_open_cases()}"),
    ("promoters", _c("nps_group", "eq", "promoter"), _nps("n.number >= 9")),
    ("detractors-passives", _c("nps_group", "in", ["detractor", "passive"]), _nps("n.number <= 8")),
    ("answered-not-promoter", _c("nps_group", "ne", "promoter"), _nps("n.number < 9")),
    # nested
    (
        "vip-at-risk",
        {
            "all": [
                _c("tier", "in", ["gold", "vip"]),
                {"not": _c("last_purchase", "within_days", 60)},
                {
                    "any": [
                        _c("consent", "contains", "email_marketing"),
                        _c("consent", "contains", "sms_marketing"),
                    ]
                },
            ]
        },
        f"{_tier(GOLD_VIP)} AND NOT {_bought(60, 'true')} AND ({_consent(EMAIL)} OR {_consent(SMS)})",
    ),
    (
        "winback",
        {
            "all": [
                {"any": [_c("purchase_count", "gte", 5, 730), _c("purchase_amount", "gte", 800000, 730)]},
                {"not": _c("purchase_count", "gte", 1, 120)},
                {"not": _c("tags", "contains", "staff")},
            ]
        },
        f"(m.id IN (SELECT o.member_id FROM {_orders(730)} GROUP BY o.member_id HAVING count(*) >= 5) "
        f"OR m.id IN (SELECT s.member_id FROM {_spend(730)} s WHERE s.spend >= 800000)) "
        f"AND NOT {_bought(120, 'true')} AND NOT {_tag(repr('staff'))}",
    ),
    (
        "seoul-young-kitchen",
        {
            "all": [
                _c("city", "eq", "Seoul"),
                _c("age", "lt", 35),
                {
                    "any": [
                        _c("bought_category", "contains", "kitchen", 365),
                        _c("bought_store", "in", ["s01", "s02"]),
                    ]
                },
            ]
        },
        f"m.city = 'Seoul' AND {_age_at_most(34)} AND ({_bought(365, KITCHEN, lines=True)} OR "
        f"{_bought(None, S01_S02)})",
    ),
    # built on other segments
    (
        "winback-by-email",
        {"all": [_c("segment", "eq", "winback"), _c("consent", "contains", "email_marketing")]},
        f"{_in_segment('winback')} AND {_consent(EMAIL)}",
    ),
    (
        "unhappy-valuable",
        {
            "all": [
                _c("segment", "in", ["vip-at-risk", "frequent-90d"]),
                {"any": [_c("open_cases", "gte", 1), _c("nps_group", "eq", "detractor")]},
            ]
        },
        f"({_in_segment('vip-at-risk')} OR {_in_segment('frequent-90d')}) AND ({_open_cases()} OR m.id IN "
        f"(SELECT n.member_id FROM {LATEST_NPS} n WHERE n.number <= 6))",
    ),
]


def _hand_sql(sql: str) -> str:
    return (
        sql
        if sql.startswith("SELECT")
        else f"SELECT count(*) FROM members_member m WHERE {ACTIVE} AND ({sql})"
    )


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


@dataclass
class Row:
    code: str
    create: float = 0.0
    ours: float = 0.0
    sql: float = 0.0
    refresh: float = 0.0
    count: int = -1
    sql_count: int = -1
    problem: str = ""


def _full(rows: dict[str, Row]) -> None:
    from django.db import DatabaseError, connection

    from patronage.core import clock
    from patronage.segments.matching import rules_members, rules_stored
    from patronage.segments.models import Segment
    from patronage.segments.services import SegmentInput, segment_create

    for code, rules, _sql in SEGMENTS:
        try:
            rows[code].create, _segment = _timed(
                partial(segment_create, data=SegmentInput(code=code, name=code, rules=rules), actor=None)
            )
        except DatabaseError as error:
            rows[code].problem = f"create: {str(error).splitlines()[0][:80]}"
    now = clock.now()
    params = {"now": now, "today": now.date()}
    for index, (code, _rules, sql) in enumerate(SEGMENTS):
        stored = Segment.objects.filter(code=code).values_list("rules", flat=True).first()
        if stored is None:
            continue
        row = rows[code]

        def ours(rules: Any = stored) -> int:
            return int(rules_members(rules_stored(rules), now).count())

        def by_hand(query: str = _hand_sql(sql)) -> int:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return int(cursor.fetchone()[0])

        try:
            if index % 2:
                row.sql, row.sql_count = _timed(by_hand)
                row.ours, row.count = _timed(ours)
            else:
                row.ours, row.count = _timed(ours)
                row.sql, row.sql_count = _timed(by_hand)
        except DatabaseError as error:
            row.problem = str(error).splitlines()[0][:80]


def _full_report(rows: dict[str, Row]) -> tuple[float, float, float]:
    print(
        f"{'segment':<24} {'members':>9} {'create s':>9} {'count s':>8} {'SQL s':>7} {'ratio':>6} {'refresh s':>9}"
    )
    for row in rows.values():
        ratio = row.ours / row.sql if row.sql else float("nan")
        mark = (
            ""
            if row.count == row.sql_count and not row.problem
            else f"  <- {row.problem or f'hand SQL {row.sql_count:,}'}"
        )
        print(
            f"{row.code:<24} {row.count:>9,} {row.create:>9.2f} {row.ours:>8.2f} {row.sql:>7.2f} {ratio:>6.2f} "
            f"{row.refresh:>9.2f}{mark}"
        )
    ours, sql = sum(r.ours for r in rows.values()), sum(r.sql for r in rows.values())
    create, refresh = sum(r.create for r in rows.values()), sum(r.refresh for r in rows.values())
    print(
        f"{'all 50':<24} {'':>9} {create:>9.2f} {ours:>8.2f} {sql:>7.2f} {ours / sql:>6.2f} {refresh:>9.2f}"
    )
    slowest = max(rows.values(), key=lambda r: r.ours)
    print(f"slowest count: {slowest.code} {slowest.ours:.2f} s (hand SQL {slowest.sql:.2f} s), its plan:")
    _explain(slowest.code)
    return ours, sql, refresh


def _explain(code: str) -> None:
    """EXPLAIN ANALYZE of a segment's count, its costliest nodes first, shortened."""
    from django.db import connection

    from patronage.core import clock
    from patronage.segments.matching import rules_members, rules_stored
    from patronage.segments.models import Segment

    rules = Segment.objects.get(code=code).rules
    sql, params = (
        rules_members(rules_stored(rules), clock.now()).order_by().values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM ({sql}) t", params)
        for (line,) in cursor.fetchall()[:40]:
            print(f"    {line[:150]}")


# --- incremental upkeep --------------------------------------------------------------------------------


def _changes(count: int, members: int, program: Any) -> float:
    from patronage.core import clock
    from patronage.loyalty.services.orders import LineInput, TransactionInput
    from patronage.loyalty.services.transactions import transaction_record
    from patronage.members.models import Member, MemberStatus
    from patronage.members.services.files import member_update

    draw = random.Random(16)
    ids = draw.sample(range(1, members + 1), min(members, count * 2))
    chosen = list(Member.objects.filter(pk__in=ids, status=MemberStatus.ACTIVE)[:count])
    began = time.perf_counter()
    for n, member in enumerate(chosen):
        if n % 3 == 2:
            city, _country = draw.choice(CITIES)
            member_update(member=member, actor=None, profile={"city": city})
            continue
        amount = Decimal(draw.randrange(10_000, 300_000, 100))
        lines = (
            (
                LineInput(
                    sku=f"SKU-{draw.randrange(1, 500)}",
                    quantity=Decimal(1),
                    unit_price=amount,
                    category=draw.choice(CATEGORIES),
                ),
            )
            if n % 2
            else ()
        )
        web = n % 4 == 1
        transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=f"bench-{n}",
                member=member,
                amount=amount,
                currency="KRW",
                occurred_at=clock.now() - timedelta(seconds=1),
                lines=lines,
                channel="web" if web else "stores",
                store=None if web else draw.choice(STORES),
                source="bench",
            ),
        )
    seconds = time.perf_counter() - began
    print(
        f"changes written: {len(chosen):,} ({len(chosen) - len(chosen) // 3:,} purchases, {len(chosen) // 3:,} city changes), {len(chosen) / seconds:,.1f} /s"
    )
    return seconds


def _upkeep(changes: int, members: int, program: Any, rows: dict[str, Row]) -> tuple[float, float, float]:
    from patronage.core import clock
    from patronage.members.models import TimelineEvent
    from patronage.segments import upkeep
    from patronage.segments.models import Segment, UpkeepMark

    upkeep.segments_upkeep()  # the mark, where the product's periodic task left it
    mark = UpkeepMark.objects.get(key="timeline").value
    _changes(changes, members, program)
    kinds = list(TimelineEvent.objects.filter(pk__gt=mark).values_list("kind", flat=True))
    reads = list(Segment.objects.filter(active=True).values_list("reads", flat=True))
    direct = statistics.mean(sum(kind in r for r in reads) for kind in kinds) if kinds else 0.0
    calls = 0
    recheck = upkeep.segment_recheck

    def counted(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return recheck(**kwargs)

    # Counting the segments rechecked, this run only.
    upkeep.segment_recheck = counted
    now = clock.now() + timedelta(minutes=2)
    try:
        seconds, report = _timed(lambda: upkeep.segments_upkeep(now=now))
    finally:
        upkeep.segment_recheck = recheck
    print(
        f"segments_upkeep: {report.events:,} events ({', '.join(f'{k} {kinds.count(k)}' for k in sorted(set(kinds)))}) "
        f"in {seconds:.2f} s, {report.events / seconds:,.0f} events/s; segment rechecks {calls} "
        f"({report.rechecked:,} member-segment checks), segments reading an event's kind {direct:.1f} on average; "
        f"moves +{report.entered} -{report.left}"
    )
    moved = 0
    for segment in upkeep.segments_in_order():
        rows[segment.code].refresh, moves = _timed(
            partial(upkeep.segment_refresh, segment=segment, now=now, announce=False)
        )
        moved += len(moves)
    rescan = sum(row.refresh for row in rows.values())
    print(
        f"rescan (segment_refresh of every segment): {rescan:.2f} s; it moved {moved:,} members the upkeep had left"
    )
    return report.events / seconds, direct, seconds / rescan


# --- the next-best offer, offline on held-out purchases ---------------------------------------------------

NBO_CATEGORIES = 12
NBO_PER_CATEGORY = 20
NBO_TOP = 3


@dataclass
class Baskets:
    """Simulated purchases, one row per line: the member, the order (numbered per member, in time) and the
    product; a product's category is product // NBO_PER_CATEGORY."""

    member: Any
    order: Any
    product: Any


def _nbo_baskets(members: int, taste: float, seed: int) -> Baskets:
    """Members who buy 1 + Poisson(3) orders of 1-3 lines. Each line's category is the member's own taste
    (a Dirichlet(0.3) draw over the categories, so one to three categories dominate) with probability
    `taste`, else the shop's category shares; the product within the category by a Zipf-like popularity
    (weight 1 / rank); a third of the lines bring the product's complement (its neighbour in the category)
    into the same order. `taste` 0 is the control: everyone buys by popularity alone."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shop = rng.dirichlet(np.full(NBO_CATEGORIES, 2.0))
    within = 1 / np.arange(1, NBO_PER_CATEGORY + 1)
    within /= within.sum()
    tastes = rng.dirichlet(np.full(NBO_CATEGORIES, 0.3), size=members)
    orders = 1 + rng.poisson(3, size=members)
    order_member = np.repeat(np.arange(members), orders)
    order_no = np.concatenate([np.arange(k) for k in orders])
    lines = 1 + rng.integers(0, 3, size=order_member.size)
    line_member = np.repeat(order_member, lines)
    line_order = np.repeat(order_no, lines)
    own = rng.random(line_member.size) < taste
    cumulative = np.cumsum(tastes[line_member], axis=1)
    own_category = (cumulative < rng.random(line_member.size)[:, None]).sum(axis=1)
    shop_category = rng.choice(NBO_CATEGORIES, size=line_member.size, p=shop)
    category = np.minimum(np.where(own, own_category, shop_category), NBO_CATEGORIES - 1)
    product = category * NBO_PER_CATEGORY + rng.choice(NBO_PER_CATEGORY, size=line_member.size, p=within)
    paired = rng.random(line_member.size) < 1 / 3
    complement = category * NBO_PER_CATEGORY + (product % NBO_PER_CATEGORY + 1) % NBO_PER_CATEGORY
    return Baskets(
        np.concatenate([line_member, line_member[paired]]),
        np.concatenate([line_order, line_order[paired]]),
        np.concatenate([product, complement[paired]]),
    )


def _nbo_hit_rates(baskets: Baskets, seed: int) -> tuple[float, float, int]:
    """Each member's last order held out; the lift table fitted on everyone's earlier orders; the method's
    top 3 (scores and the Thompson draw, as served, with no exposures yet) and the 3 most popular products
    against the held-out order: a hit when one of the three is in it. Returns both rates and the members."""
    import numpy as np

    from patronage.segments import offers_method as method

    last = np.zeros(int(baskets.member.max()) + 1, dtype=np.int64)
    np.maximum.at(last, baskets.member, baskets.order)
    held = baskets.order == last[baskets.member]
    orders_of: dict[int, dict[str, set[int]]] = {}  # as the product counts: orders per category and product
    for member, order, product in zip(
        baskets.member[~held].tolist(),
        baskets.order[~held].tolist(),
        baskets.product[~held].tolist(),
        strict=True,
    ):
        history = orders_of.setdefault(member, {})
        for key in (
            method.item(method.PRODUCT, product),
            method.item(method.CATEGORY, product // NBO_PER_CATEGORY),
        ):
            history.setdefault(key, set()).add(order)
    counted = {m: {key: len(orders) for key, orders in h.items()} for m, h in orders_of.items()}
    table = method.lift_table(counted.values())
    targets: dict[int, set[str]] = {}
    for member, product in zip(baskets.member[held].tolist(), baskets.product[held].tolist(), strict=True):
        if member in counted:  # a member with one order has no history to learn from: not judged
            targets.setdefault(member, set()).add(method.item(method.PRODUCT, product))
    offers = [method.item(method.PRODUCT, p) for p in range(NBO_CATEGORIES * NBO_PER_CATEGORY)]
    popular = set(method.popularity(table, offers, top=NBO_TOP))
    rng = np.random.default_rng(seed)
    ours = baseline = 0
    for member, wanted in targets.items():
        scored = method.scores(offers=offers, history=counted[member], table=table)
        picked = {each.offer for each in method.rank(scored, seen={}, rng=rng, top=NBO_TOP)}
        ours += bool(picked & wanted)
        baseline += bool(popular & wanted)
    return ours / len(targets), baseline / len(targets), len(targets)


def _nbo(members: int) -> tuple[float, float, float, float]:
    rates = []
    for taste, label in ((0.8, "taste 0.8"), (0.0, "control, no taste")):
        seconds, (ours, popular, judged) = _timed(
            lambda t=taste: _nbo_hit_rates(_nbo_baskets(members, t, 16), 16)
        )
        print(
            f"next-best offer, {label}: {judged:,} members judged on their last order, "
            f"hit rate at {NBO_TOP} {ours:.3f}, popularity {popular:.3f} ({seconds:.1f} s)"
        )
        rates += [ours, popular]
    return rates[0], rates[1], rates[2], rates[3]


# --- campaign send rate --------------------------------------------------------------------------------


class _Counting:
    """An aiosmtpd handler that only counts what it is given (one per recipient)."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += len(envelope.rcpt_tos)
        return "250 OK"


SEND_TEXT = "Dear customer,\n\nOur new pans arrived this week: https://shop.example.com/pans\n\nHanbit"


def _smtplib_loop(port: int, count: int) -> float:
    """The anchor: a bare smtplib loop, one connection, each e-mail built as the product builds one (text
    and HTML); seconds."""
    import smtplib
    from email.message import EmailMessage

    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            mail = EmailMessage()
            mail["Subject"], mail["From"], mail["To"] = (
                "Our new pans",
                "shop@bench.example",
                f"a{n}@bench.example",
            )
            mail.set_content(SEND_TEXT)
            mail.add_alternative(f"<p>{SEND_TEXT}</p>", subtype="html")
            smtp.send_message(mail)
    return time.perf_counter() - began


def _send_audience(count: int) -> None:
    """`count` active members with an e-mail address and marketing consent, tagged for the campaign's
    segment (written by SQL: not timed)."""
    from django.db import connection

    from patronage.core import clock
    from patronage.members.models import Tag

    tag = Tag.objects.create(name="bench-send")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE send_audience AS SELECT id FROM members_member WHERE status = 'active' "
            "ORDER BY id LIMIT %s",
            [count],
        )
        cursor.execute(
            "INSERT INTO members_identity (member_id, kind, namespace, value, is_primary, created_at) "
            "SELECT id, 'email', '', 'm' || id || '@bench.example', true, %s FROM send_audience",
            [clock.now()],
        )
        cursor.execute(
            "INSERT INTO members_consent (member_id, purpose, granted, updated_at) "
            "SELECT id, 'email_marketing', true, %s FROM send_audience "
            "ON CONFLICT (member_id, purpose) DO UPDATE SET granted = true",
            [clock.now()],
        )
        cursor.execute(
            "INSERT INTO members_member_tags (member_id, tag_id) SELECT id, %s FROM send_audience "
            "ON CONFLICT DO NOTHING",
            [tag.pk],
        )


def _campaign_send(port: int, server: _Counting, count: int) -> tuple[float, int]:
    """A campaign to `count` members through the product, from "send now" until the server has every
    e-mail: campaigns_start_due, campaigns_send and messages_send_due as the jobs run them; seconds and
    e-mails received."""
    from django.conf import settings
    from django.urls import reverse

    from patronage.messages.message_services import messages_send_due
    from patronage.segments.campaign_services import (
        CampaignInput,
        campaign_create,
        campaign_schedule,
        campaigns_send,
        campaigns_start_due,
    )
    from patronage.segments.services import SegmentInput, segment_create

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.MESSAGES_QUIET_HOURS = "08:00-08:00"  # never quiet: the run does not wait for the morning
    _send_audience(count)
    segment_create(
        data=SegmentInput(code="bench-send", name="bench-send", rules=_c("tags", "contains", "bench-send")),
        actor=None,
    )
    campaign = campaign_create(
        data=CampaignInput(
            code="bench-send",
            name="Send rate",
            segment="bench-send",
            subject="Our new pans",
            body=SEND_TEXT,
            holdout_share=0.0,
        ),
        actor=None,
    )
    campaign_schedule(campaign=campaign, send_at=None, actor=None)
    reverse("messaging:unsubscribe", args=["-"])  # the URL map loaded, as in a worker that sent before
    before = server.received
    began = time.perf_counter()
    campaigns_start_due()
    while campaigns_send():
        pass
    while messages_send_due(limit=200):
        pass
    return time.perf_counter() - began, server.received - before


def _send_rate(count: int) -> tuple[float, float]:
    """E-mails a second: the product's campaign send and the bare smtplib loop, to one local aiosmtpd."""
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:  # a port nobody listens on, picked by the system
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = _Counting()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        anchor = _smtplib_loop(port, count)
        print(f"smtplib loop: {count:,} e-mails on one connection in {anchor:.2f} s")
        ours, received = _campaign_send(port, server, count)
        print(f"campaign send: {received:,} e-mails received of {count:,}, in {ours:.2f} s")
    finally:
        controller.stop()
    return received / ours, count / anchor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--sends", type=int, default=5_000, help="e-mails in the send-rate part")
    parser.add_argument("--quick", action="store_true", help="50,000 members, 200 changes, 1,000 e-mails")
    parser.add_argument(
        "--nbo-members", type=int, default=100_000, help="simulated buyers for the next-best offer"
    )
    parser.add_argument(
        "--nbo-only", action="store_true", help="only the next-best offer (no database server needed)"
    )
    parser.add_argument(
        "--sends-only", action="store_true", help="only the campaign send rate (over 3 * SENDS members)"
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    if args.quick:
        args.members, args.changes, args.sends, args.nbo_members = 50_000, 200, 1_000, 20_000
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")

    def nbo() -> None:
        ours, popular, control, control_popular = _nbo(args.nbo_members)
        print(f"nbo_hit_rate_at_3={ours:.3f} popularity={popular:.3f} ratio={ours / popular:.2f}")
        print(
            f"nbo_control_hit_rate_at_3={control:.3f} popularity={control_popular:.3f} "
            f"ratio={control / control_popular:.2f}"
        )

    if args.nbo_only:
        run_on_throwaway_database(name="segments_nbo", postgres=None, run=nbo)
        return

    def send_rate() -> None:
        from django.core.management import call_command

        from patronage.core import clock

        call_command("migrate", verbosity=0)
        _fill(3 * args.sends, _references(), clock.now())
        ours, anchor = _send_rate(args.sends)
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        print(f"campaign_send_rate={ours:,.0f}/s smtplib={anchor:,.0f}/s send_vs_smtplib={ours / anchor:.2f}")

    if args.sends_only:
        run_on_throwaway_database(name="segments_sends", postgres=args.postgres, run=send_rate)
        return

    def run() -> None:
        from django.core.management import call_command
        from django.db import connection

        from patronage.core import clock

        call_command("migrate", verbosity=0)
        refs = _references()
        seconds, counts = _timed(lambda: _fill(args.members, refs, clock.now()))
        print(
            f"filled in {seconds:.1f} s (not timed below): "
            + ", ".join(f"{t} {n:,}" for t, n in counts.items())
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT_S}s'")
        rows = {code: Row(code) for code, _rules, _sql in SEGMENTS}
        _full(rows)
        rate, direct, ratio = _upkeep(args.changes, args.members, refs.program, rows)
        ours, sql, refresh = _full_report(rows)
        send_rate, smtplib_rate = _send_rate(min(args.sends, args.members // 2))
        agree = all(r.count == r.sql_count and not r.problem for r in rows.values())
        print(
            f"floors: SELECT 1 {select_one_rate():,.0f} /s; {pgbench_select_only(args.postgres.rstrip('/'), 10)}"
        )
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        print(f"segments_counts_agree={agree}")
        print(
            f"segments_full_seconds={ours:.2f} (goal < {GOAL_SECONDS:.0f} s: {'met' if ours < GOAL_SECONDS else 'not met'})"
        )
        print(f"segments_refresh_seconds={refresh:.2f}")
        print(f"segments_sql_seconds={sql:.2f}")
        print(f"upkeep_events_per_second={rate:.0f} segments_per_event={direct:.1f}")
        print(f"upkeep_vs_rescan={ratio:.3f}")
        print(f"segments_vs_sql={ours / sql:.2f} (goal <= {GOAL_RATIO})")
        print(
            f"campaign_send_rate={send_rate:,.0f}/s smtplib={smtplib_rate:,.0f}/s "
            f"send_vs_smtplib={send_rate / smtplib_rate:.2f} (goal >= {GOAL_SEND_RATIO})"
        )
        nbo()

    run_on_throwaway_database(name="segments", postgres=args.postgres, run=run)


if __name__ == "__main__":
    main()
