"""State changes of the loyalty engine; each public service is one durable transaction."""

from patronage.loyalty.services.points import (
    account_open,
    bonus_earn,
    pending_activate,
    points_adjust,
    points_expire,
    points_redeem,
    purchase_earn,
    redemption_cancel,
    return_clawback,
)

__all__ = [
    "account_open",
    "bonus_earn",
    "pending_activate",
    "points_adjust",
    "points_expire",
    "points_redeem",
    "purchase_earn",
    "redemption_cancel",
    "return_clawback",
]
