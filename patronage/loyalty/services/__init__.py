"""State changes of the loyalty engine; each public service is one durable transaction."""

from patronage.loyalty.services.benefits import (
    BenefitUseResult,
    benefit_grant,
    benefit_use,
    benefit_use_once,
    tier_benefits_refresh,
)
from patronage.loyalty.services.events import EventResult, event_earn
from patronage.loyalty.services.expiry import expiry_warnings_send, points_expire_inactive
from patronage.loyalty.services.orders import LineInput, TransactionInput, TransactionResult
from patronage.loyalty.services.points import (
    AdjustmentResult,
    RedemptionResult,
    account_open,
    adjustment_check,
    adjustment_needs_confirmation,
    bonus_book,
    bonus_earn,
    pending_activate,
    points_adjust,
    points_adjust_once,
    points_expire,
    points_goodwill,
    points_redeem,
    points_redeem_once,
    purchase_earn,
    redemption_cancel,
    return_clawback,
)
from patronage.loyalty.services.programs import (
    benefit_save,
    earn_rule_delete,
    earn_rule_save,
    names_set,
    program_save,
    reward_save,
    tier_benefit_set,
    tier_save,
)
from patronage.loyalty.services.rewards import redemption_fulfil
from patronage.loyalty.services.tiers import tier_floor_set, tier_invite, tiers_review
from patronage.loyalty.services.transactions import transaction_record
from patronage.loyalty.services.transactions_bulk import MAX_BULK, BulkOutcome, transactions_record_bulk

__all__ = [
    "MAX_BULK",
    "AdjustmentResult",
    "BenefitUseResult",
    "BulkOutcome",
    "EventResult",
    "LineInput",
    "RedemptionResult",
    "TransactionInput",
    "TransactionResult",
    "account_open",
    "adjustment_check",
    "adjustment_needs_confirmation",
    "benefit_grant",
    "benefit_save",
    "benefit_use",
    "benefit_use_once",
    "bonus_book",
    "bonus_earn",
    "earn_rule_delete",
    "earn_rule_save",
    "event_earn",
    "expiry_warnings_send",
    "names_set",
    "pending_activate",
    "points_adjust",
    "points_adjust_once",
    "points_expire",
    "points_expire_inactive",
    "points_goodwill",
    "points_redeem",
    "points_redeem_once",
    "program_save",
    "purchase_earn",
    "redemption_cancel",
    "redemption_fulfil",
    "return_clawback",
    "reward_save",
    "tier_benefit_set",
    "tier_benefits_refresh",
    "tier_floor_set",
    "tier_invite",
    "tier_save",
    "tiers_review",
    "transaction_record",
    "transactions_record_bulk",
]
