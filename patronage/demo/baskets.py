"""What each demo purchase looked like: brand, channel, store, lines, promotion, problems and returns.

Pure numpy. Input: the purchases from `simulate` (times, amounts, problem outcomes); output: arrays of
indexes into the catalogue and of KRW amounts, one row per order, line, problem or return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from patronage.demo import catalogue as cat
from patronage.demo.model import DAY, HOUR, Model, Outcome, Period

HOME_CHANNEL_SHARE = 0.75
HOME_STORE_SHARE = 0.90
PREFERRED_BRAND_SHARE = 0.80
LINE_COUNT_SHARES = (0.45, 0.30, 0.17, 0.08)
KRW_PER_LINE = 15_000  # a basket has at most one line per this much spend
FULL_RETURN_SHARE = 0.60
VAT_DIVISOR = 11  # prices include 10% VAT: tax = amount / 11
PROBLEM_KINDS = ("delay", "back_order", "defect", "wrong_item", "recall")
DEFECT, WRONG_ITEM, RECALL = 2, 3, 4
# Problem kinds by where the order was placed: stores rarely deliver late, remote orders often do.
STORE_PROBLEM_SHARES = (0.10, 0.20, 0.55, 0.15)
REMOTE_PROBLEM_SHARES = (0.35, 0.20, 0.30, 0.15)
# Days from the purchase until the problem shows, per kind: (low, high).
DETECTION_DAYS = ((1, 10), (1, 10), (2, 30), (1, 5))
PROBLEM_TEXT = (
    "Delivery arrived days late",
    "Item on back-order; shipped later",
    "Item arrived defective",
    "Wrong item delivered",
    "Safety recall of the {product}",
)
PRODUCT_PRICES = np.array([p.price for p in cat.PRODUCTS], dtype=np.int64)
PRODUCT_BRANDS = np.array([[b.code for b in cat.BRANDS].index(p.brand) for p in cat.PRODUCTS])
RECALLED_PRODUCT = [p.sku for p in cat.PRODUCTS].index(cat.RECALLED_SKU)


@dataclass
class Orders:
    """One row per purchase, aligned with simulate.Purchases."""

    brand: np.ndarray
    channel: np.ndarray
    store: np.ndarray  # -1 when not bought in a store
    amount: np.ndarray  # KRW paid, the sum of the lines
    discount: np.ndarray  # KRW off the list prices
    promotion: np.ndarray  # object array of codes, "" for none


@dataclass
class Lines:
    order: np.ndarray  # sorted
    product: np.ndarray
    quantity: np.ndarray
    unit_price: np.ndarray
    amount: np.ndarray


@dataclass
class OrderProblems:
    order: np.ndarray
    kind: np.ndarray  # index into PROBLEM_KINDS
    detected: np.ndarray  # epoch seconds
    reported: np.ndarray  # -1: the customer never complained
    resolved: np.ndarray  # -1: not resolved
    satisfied: np.ndarray  # -1 unknown, 0 no, 1 yes


@dataclass
class Returns:
    original: np.ndarray  # order index
    at: np.ndarray
    amount: np.ndarray
    line_return: np.ndarray  # per returned line: index into the returns above
    line: np.ndarray  # per returned line: index into Lines
    line_quantity: np.ndarray
    line_amount: np.ndarray


@dataclass
class Baskets:
    orders: Orders
    lines: Lines
    problems: OrderProblems
    returns: Returns
    observed_outcome: np.ndarray  # per order, the Outcome its problems show in the data (recalls included)


def simulate_baskets(
    model: Model,
    period: Period,
    deal_seeker: np.ndarray,
    home: tuple[np.ndarray, np.ndarray, np.ndarray],
    customer: np.ndarray,
    at: np.ndarray,
    spend: np.ndarray,
    outcome: np.ndarray,
    rng: np.random.Generator,
) -> Baskets:
    """`home` is each customer's (channel, store, brand); the other arrays are per purchase."""
    orders = _orders(home, customer, rng)
    lines = _lines(spend, orders.brand, rng)
    orders.amount = np.bincount(lines.order, weights=lines.amount, minlength=customer.size).astype(np.int64)
    _promote(model, deal_seeker[customer], at, orders, rng)
    problems = _join_problems(
        _problems(model, outcome, orders.channel, at, rng), _recall(model, period, lines, at, rng)
    )
    problems = _hide_after(problems, period.end_epoch)
    returns = _returns(model, problems, lines, at, period.end_epoch, rng)
    observed = outcome.copy()
    recall = problems.kind == RECALL
    untouched = observed[problems.order[recall]] == Outcome.NONE
    observed[problems.order[recall][untouched]] = _observable_outcome(problems, recall)[untouched]
    return Baskets(orders=orders, lines=lines, problems=problems, returns=returns, observed_outcome=observed)


def _orders(
    home: tuple[np.ndarray, np.ndarray, np.ndarray], customer: np.ndarray, rng: np.random.Generator
) -> Orders:
    home_channel, home_store, home_brand = (values[customer] for values in home)
    n = customer.size
    weights = np.array([c.weight for c in cat.CHANNELS])
    channel = np.where(
        rng.random(n) < HOME_CHANNEL_SHARE,
        home_channel,
        rng.choice(weights.size, size=n, p=weights / weights.sum()),
    )
    in_store = channel == [c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)
    store = np.where(rng.random(n) < HOME_STORE_SHARE, home_store, rng.integers(len(cat.STORES), size=n))
    brand = np.where(rng.random(n) < PREFERRED_BRAND_SHARE, home_brand, 1 - home_brand)
    return Orders(
        brand=brand,
        channel=channel,
        store=np.where(in_store, store, -1),
        amount=np.zeros(n, dtype=np.int64),
        discount=np.zeros(n, dtype=np.int64),
        promotion=np.full(n, "", dtype=object),
    )


def _lines(spend: np.ndarray, brand: np.ndarray, rng: np.random.Generator) -> Lines:
    """Splits each basket's spend over 1-4 lines and picks, per line, a product of about that price."""
    count = rng.choice(len(LINE_COUNT_SHARES), size=spend.size, p=LINE_COUNT_SHARES) + 1
    count = np.minimum(count, np.maximum(1, spend // KRW_PER_LINE))
    order = np.repeat(np.arange(spend.size), count)
    weight = rng.gamma(2.0, size=order.size)
    target = spend[order] * weight / np.bincount(order, weights=weight)[order]
    product = _products_near(target, brand[order], rng)
    quantity = np.clip(np.round(target / PRODUCT_PRICES[product]), 1, 8).astype(np.int64)
    unit_price = np.maximum(np.round(target / quantity / 10) * 10, 10).astype(np.int64)
    return Lines(
        order=order, product=product, quantity=quantity, unit_price=unit_price, amount=unit_price * quantity
    )


def _products_near(target: np.ndarray, brand: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A product of the line's brand whose list price is near the line's share of the spend."""
    product = np.zeros(target.size, dtype=np.int64)
    for code in range(len(cat.BRANDS)):
        mine = brand == code
        ranked = np.flatnonzero(np.equal(PRODUCT_BRANDS, code))
        ranked = ranked[np.argsort(PRODUCT_PRICES[ranked], kind="stable")]
        wanted = target[mine] * rng.uniform(0.7, 1.3, size=int(mine.sum()))
        position = np.searchsorted(PRODUCT_PRICES[ranked], wanted, side="right") - 1
        position += rng.integers(-1, 2, size=position.size)
        product[mine] = ranked[np.clip(position, 0, ranked.size - 1)]
    return product


def _promote(
    model: Model, deal_seeker: np.ndarray, at: np.ndarray, orders: Orders, rng: np.random.Generator
) -> None:
    """Marks promotional orders: the season's campaign code when one runs, else a standing code."""
    share = np.where(deal_seeker, model.promotion_share_deal_seeker, model.promotion_share_regular)
    promoted = np.flatnonzero(rng.random(at.size) < share)
    rate = np.asarray(cat.DISCOUNT_RATES)[rng.integers(len(cat.DISCOUNT_RATES), size=promoted.size)]
    orders.discount[promoted] = np.round(orders.amount[promoted] * rate / (1 - rate) / 10) * 10
    campaign, year = _campaign_on(at[promoted])
    standing = rng.integers(len(cat.STANDING_CODES), size=promoted.size)
    orders.promotion[promoted] = [
        f"{cat.CAMPAIGNS[c].code}{y % 100:02d}" if c >= 0 else cat.STANDING_CODES[s]
        for c, y, s in zip(campaign.tolist(), year.tolist(), standing.tolist(), strict=True)
    ]


def _campaign_table() -> np.ndarray:
    """Campaign index by (month * 32 + day), -1 outside every campaign."""
    table = np.full(13 * 32, -1)
    for index, campaign in enumerate(cat.CAMPAIGNS):
        first = date(2001, campaign.month, campaign.day)
        for offset in range(campaign.days):
            day = first + timedelta(days=offset)
            table[day.month * 32 + day.day] = index
    return table


CAMPAIGN_TABLE = _campaign_table()


def _campaign_on(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The campaign running on each instant's local date in Seoul and Tokyo (UTC+9), and the year."""
    local_day = (at + 9 * HOUR).astype("datetime64[s]").astype("datetime64[D]")
    month_start = local_day.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (local_day - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    year = local_day.astype("datetime64[Y]").astype(np.int64) + 1970
    return CAMPAIGN_TABLE[month * 32 + day], year


def _problems(
    model: Model, outcome: np.ndarray, channel: np.ndarray, at: np.ndarray, rng: np.random.Generator
) -> OrderProblems:
    """The problems the purchase model decided on, with a kind that fits the channel and their timing."""
    order = np.flatnonzero(outcome != Outcome.NONE)
    ends = outcome[order]
    in_store = channel[order] == [c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)
    kind = np.where(
        in_store,
        rng.choice(4, size=order.size, p=STORE_PROBLEM_SHARES),
        rng.choice(4, size=order.size, p=REMOTE_PROBLEM_SHARES),
    )
    low, high = (np.asarray(bounds)[kind] for bounds in zip(*DETECTION_DAYS, strict=True))
    detected = at[order] + (rng.uniform(low, high) * DAY).astype(np.int64)
    reported = detected + rng.uniform(0.1 * DAY, 2 * DAY, size=order.size).astype(np.int64)
    quick = _resolved_quickly(model, ends, rng)
    delay = np.where(
        quick, rng.uniform(HOUR, 23 * HOUR, order.size), rng.uniform(1.05 * DAY, 21 * DAY, order.size)
    )
    complained = ends != Outcome.SILENT
    resolved = ends >= Outcome.UNSATISFIED
    return OrderProblems(
        order=order,
        kind=kind,
        detected=detected,
        reported=np.where(complained, reported, -1),
        resolved=np.where(resolved, reported + delay.astype(np.int64), -1),
        satisfied=np.where(resolved, (ends >= Outcome.SATISFIED_SLOW).astype(np.int64), -1),
    )


def _resolved_quickly(model: Model, ends: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Quick (within 24 hours) for satisfied-quick; for unsatisfied ones, quick in the model's proportion."""
    settings = model.problems
    quick_unsatisfied = settings.quick_share * (1 - settings.satisfied_if_quick)
    slow_unsatisfied = (1 - settings.quick_share) * (1 - settings.satisfied_if_slow)
    share = quick_unsatisfied / (quick_unsatisfied + slow_unsatisfied)
    unsatisfied_quick = (ends == Outcome.UNSATISFIED) & (rng.random(ends.size) < share)
    return (ends == Outcome.SATISFIED_QUICK) | unsatisfied_quick


def _recall(
    model: Model, period: Period, lines: Lines, at: np.ndarray, rng: np.random.Generator
) -> OrderProblems:
    """A safety recall, 70% into the period, of the product bought in the months before it.

    Recalls are announced by the business, so they do not enter the drop-out model.
    """
    recall_at = (
        period.start_epoch + int(0.7 * (period.end_epoch - period.start_epoch)) // DAY * DAY + 10 * HOUR
    )
    bought = np.unique(lines.order[lines.product == RECALLED_PRODUCT])
    order = bought[(at[bought] < recall_at) & (at[bought] >= recall_at - model.recall_window_days * DAY)]
    replied = rng.random(order.size) < model.problems.recall_reply_share
    reported = recall_at + rng.uniform(0, 14 * DAY, order.size).astype(np.int64)
    resolved = reported + rng.uniform(1.05 * DAY, 10 * DAY, order.size).astype(np.int64)
    satisfied = rng.random(order.size) < model.problems.recall_satisfied_share
    return OrderProblems(
        order=order,
        kind=np.full(order.size, RECALL),
        detected=np.full(order.size, recall_at, dtype=np.int64),
        reported=np.where(replied, reported, -1),
        resolved=np.where(replied, resolved, -1),
        satisfied=np.where(replied, satisfied.astype(np.int64), -1),
    )


def _problem_rows(problems: OrderProblems, rows: np.ndarray) -> OrderProblems:
    return OrderProblems(*(getattr(problems, name)[rows] for name in OrderProblems.__dataclass_fields__))


def _join_problems(first: OrderProblems, second: OrderProblems) -> OrderProblems:
    joined = OrderProblems(
        *(
            np.concatenate([getattr(first, name), getattr(second, name)])
            for name in OrderProblems.__dataclass_fields__
        )
    )
    return _problem_rows(joined, np.argsort(joined.order, kind="stable"))


def _hide_after(problems: OrderProblems, end: int) -> OrderProblems:
    """The data ends at the period's end: later detections are dropped, later answers left empty."""
    problems = _problem_rows(problems, problems.detected < end)  # a copy: the changes below stay here
    late_report = problems.reported >= end
    late_resolution = late_report | (problems.resolved >= end)
    problems.reported[late_report] = -1
    problems.resolved[late_resolution] = -1
    problems.satisfied[late_resolution] = -1
    return problems


def _observable_outcome(problems: OrderProblems, rows: np.ndarray) -> np.ndarray:
    """The Outcome code a problem shows in the data (its answer times and the customer's verdict)."""
    reported, resolved = problems.reported[rows], problems.resolved[rows]
    quick = (resolved - reported) <= 24 * HOUR
    satisfied = problems.satisfied[rows] == 1
    outcome = np.full(reported.size, Outcome.SILENT)
    outcome[reported >= 0] = Outcome.UNRESOLVED
    outcome[resolved >= 0] = Outcome.UNSATISFIED
    outcome[(resolved >= 0) & satisfied] = np.where(quick, Outcome.SATISFIED_QUICK, Outcome.SATISFIED_SLOW)[
        (resolved >= 0) & satisfied
    ]
    return outcome


def _returns(
    model: Model, problems: OrderProblems, lines: Lines, at: np.ndarray, end: int, rng: np.random.Generator
) -> Returns:
    """About model.return_rate of purchases come back within the return window, defective ones far more often."""
    faulty = np.zeros(at.size, dtype=bool)
    broken = (problems.kind == DEFECT) | (problems.kind == WRONG_ITEM)
    faulty[problems.order[broken]] = True
    faulty_share = faulty.mean() if at.size else 0.0
    base = max(0.0, (model.return_rate - model.return_rate_after_defect * faulty_share) / (1 - faulty_share))
    returned = rng.random(at.size) < np.where(faulty, model.return_rate_after_defect, base)
    window = model.return_window_days * DAY
    when = at + rng.uniform(DAY, window, size=at.size).astype(np.int64)
    original = np.flatnonzero(returned & (when < end))
    return _returned_lines(original, when[original], lines, rng)


def _returned_lines(
    original: np.ndarray, when: np.ndarray, lines: Lines, rng: np.random.Generator
) -> Returns:
    """Full returns take every line back; partial ones one unit of one line."""
    first_line = np.searchsorted(lines.order, original, side="left")
    line_count = np.searchsorted(lines.order, original, side="right") - first_line
    full = rng.random(original.size) < FULL_RETURN_SHARE
    count = np.where(full, line_count, 1)
    line_return = np.repeat(np.arange(original.size), count)
    offset = np.arange(line_return.size) - np.repeat(np.cumsum(count) - count, count)
    pick = rng.integers(line_count)  # the one line of a partial return
    line = first_line[line_return] + np.where(full[line_return], offset, pick[line_return])
    quantity = np.where(full[line_return], lines.quantity[line], 1)
    amount = lines.unit_price[line] * quantity
    return Returns(
        original=original,
        at=when,
        amount=np.bincount(line_return, weights=amount, minlength=original.size).astype(np.int64),
        line_return=line_return,
        line=line,
        line_quantity=quantity,
        line_amount=amount,
    )
