"""A ledger entry in words: "Purchase APP-000000001 at Gangnam store", "Redeemed for a coffee voucher".

The ledger stores causes as codes (`order 1234`, `lot 29`, `adjustment <idempotency key>`) so that the
API and the reconciliation can follow them; people read a sentence instead. Staff and members read
different sentences (a member is told about "your purchase", and never reads staff notes). No database:
what an entry refers to is read beforehand, for a whole page at once (selectors.ledger_lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from patronage.loyalty.models import Bucket, EntryKind, LedgerEntry

ORDER = "order"
LOT = "lot"
REDEMPTION = "redemption"
EVENT = "event"
ACCOUNT = "account"
ADJUSTMENT = "adjustment"
# The reason the inactivity sweep writes on the entries it expires (loyalty.services.expiry).
INACTIVITY = "inactivity"


@dataclass(frozen=True)
class OrderFacts:
    external_id: str
    place: str = ""  # the store's name, else the channel's, else nothing


@dataclass(frozen=True)
class LedgerFacts:
    """What a page of entries refers to, keyed by the entries' cause ids."""

    orders: Mapping[str, OrderFacts] = field(default_factory=dict)  # by order id
    lot_orders: Mapping[str, OrderFacts] = field(
        default_factory=dict
    )  # the purchase a lot's points came from
    rewards: Mapping[str, str] = field(default_factory=dict)  # the reward's name, by redemption id
    redemption_codes: Mapping[str, str] = field(default_factory=dict)  # by redemption id


@dataclass(frozen=True)
class Link:
    """What a sentence may link to; each interface knows its own page for it (or has none)."""

    kind: str  # "redemption": the redemption with this code
    key: str


@dataclass(frozen=True)
class EntryWords:
    text: str
    link: Link | None = None


def entry_words(entry: LedgerEntry, facts: LedgerFacts, *, for_member: bool) -> EntryWords:
    """Why `entry` moved points, as staff (or, with `for_member`, the member) read it."""
    if entry.cause_type == REDEMPTION:
        return _redemption_words(entry, facts, for_member=for_member)
    words = _member_words(entry, facts) if for_member else _staff_words(entry, facts)
    return EntryWords(words)


def _redemption_words(entry: LedgerEntry, facts: LedgerFacts, *, for_member: bool) -> EntryWords:
    reward = facts.rewards.get(entry.cause_id)
    code = facts.redemption_codes.get(entry.cause_id)
    link = Link(REDEMPTION, code) if code else None
    if entry.kind == EntryKind.REDEEM_CANCEL:
        if for_member:
            return EntryWords(_("Redemption cancelled: points given back"), link)
        text = (
            _("Redemption of %(reward)s cancelled") % {"reward": reward}
            if reward
            else _("Redemption cancelled")
        )
        # A person's reason (staff cancelling at the desk) is worth reading; the portal's own is not.
        return EntryWords(_with_reason(text, entry.reason) if entry.actor_id else text, link)
    if for_member:
        return EntryWords(
            _("Redeemed: %(reward)s") % {"reward": reward} if reward else _("Points spent"), link
        )
    return EntryWords(
        _("Redeemed for %(reward)s") % {"reward": reward} if reward else _("Points spent"), link
    )


def _with_reason(text: str, reason: str) -> str:
    return _("%(what)s: %(reason)s") % {"what": text, "reason": reason} if reason else text


def _purchase(order: OrderFacts | None) -> str:
    if order is None:
        return _("A purchase")
    if order.place:
        return _("Purchase %(ref)s at %(place)s") % {"ref": order.external_id, "place": order.place}
    return _("Purchase %(ref)s") % {"ref": order.external_id}


def _staff_words(entry: LedgerEntry, facts: LedgerFacts) -> str:
    kind, cause = entry.kind, entry.cause_type
    order = facts.orders.get(entry.cause_id) if cause == ORDER else None
    ref = order.external_id if order else ""
    if kind == EntryKind.EARN and cause == ORDER:
        return _purchase(order)
    if kind == EntryKind.EARN and cause == EVENT:
        return event_words(entry.reason, for_member=False)
    if kind == EntryKind.ADJUST:
        return _with_reason(_("Adjusted by hand"), entry.reason)
    if kind == EntryKind.ACTIVATE:
        lot_order = facts.lot_orders.get(entry.cause_id) if cause == LOT else None
        if lot_order is not None:
            return _("Points of %(purchase)s became available") % {"purchase": _purchase(lot_order)}
        return _("Pending points became available")
    if kind == EntryKind.RETURN:
        if entry.bucket == Bucket.OWED:
            return _("Owed after the return %(ref)s") % {"ref": ref} if ref else _("Owed after a return")
        return _("Taken back for the return %(ref)s") % {"ref": ref} if ref else _("Taken back for a return")
    if kind == EntryKind.REDEEM_CANCEL and cause == ORDER:
        return (
            _("Points spent on a purchase given back for the return %(ref)s") % {"ref": ref}
            if ref
            else _("Points spent on a purchase given back for a return")
        )
    if kind == EntryKind.EXPIRE:
        return _expiry_words(entry, facts)
    if kind == EntryKind.SETTLE:
        return _("Owed points paid back from new points")
    return _kind_label(kind)


def _expiry_words(entry: LedgerEntry, facts: LedgerFacts) -> str:
    if entry.cause_type == ACCOUNT or entry.reason == INACTIVITY:
        return _("Expired after a period without activity")
    lot_order = facts.lot_orders.get(entry.cause_id) if entry.cause_type == LOT else None
    if lot_order is not None:
        return _("Points of %(purchase)s expired") % {"purchase": _purchase(lot_order)}
    return _("Points expired")


def _member_words(entry: LedgerEntry, facts: LedgerFacts) -> str:
    """What a member reads. Staff-written reasons are not shown: they are notes for staff."""
    kind, cause = entry.kind, entry.cause_type
    order = facts.orders.get(entry.cause_id) if cause == ORDER else None
    ref = order.external_id if order else ""
    if kind == EntryKind.EARN and cause == ORDER:
        return _("Points for your purchase %(ref)s") % {"ref": ref} if ref else _("Points for a purchase")
    if kind == EntryKind.EARN and cause == EVENT:
        return event_words(entry.reason, for_member=True)
    if kind == EntryKind.EARN:
        return _("Points earned")
    if kind == EntryKind.ACTIVATE:
        return _("Points became available: the return period is over")
    if kind == EntryKind.REDEEM_CANCEL:
        return _("Points spent on a returned purchase given back")
    if kind == EntryKind.ADJUST:
        return _("Correction by our service team")
    if kind == EntryKind.RETURN and entry.bucket == Bucket.OWED:
        return (
            _("Owed after the return %(ref)s: taken from your next points") % {"ref": ref}
            if ref
            else _("Owed after a return: taken from your next points")
        )
    if kind == EntryKind.RETURN:
        return _("Taken back for the return %(ref)s") % {"ref": ref} if ref else _("Taken back for a return")
    if kind == EntryKind.EXPIRE and (cause == ACCOUNT or entry.reason == INACTIVITY):
        return _("Expired after a period without activity")
    if kind == EntryKind.EXPIRE:
        return _("Expired")
    if kind == EntryKind.SETTLE:
        return _("Points owed from a return paid back")
    return _kind_label(kind)


def event_words(event: str, *, for_member: bool) -> str:
    """A points event (sign-up, birthday, a custom one) as the reader names it."""
    words = {
        "signup": _("Welcome bonus for joining"),
        "birthday": _("Birthday bonus"),
        "referral": _("Bonus for introducing a new member"),
        "survey_answered": _("Thank you for answering a survey"),
    }
    if event in words:
        return words[event]
    # A custom event's code is the business's own word for it (app_download): staff recognise it.
    return _("Bonus points") if for_member else _("Bonus for %(event)s") % {"event": event.replace("_", " ")}


def _kind_label(kind: str) -> str:
    return str(EntryKind(kind).label) if kind in EntryKind.values else kind
