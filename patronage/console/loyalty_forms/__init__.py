"""Forms of the console's loyalty pages: they parse and shape input; the loyalty services decide what is valid.

A service refuses a change whole and names every bad field (`ApplicationError.errors`); `add_service_error`
puts each message next to the field it names, an earn rule's settings on the fields of the rule's kind.
"""

from patronage.console.loyalty_forms.base import (
    LOCAL_MINUTE,
    MAX_SIMULATED_LINES,
    LoyaltyForm,
    choices_of,
    fresh_key,
    in_zone,
    local_input,
    local_wall,
)
from patronage.console.loyalty_forms.earn_rules import RULE_KIND_LABELS, EarnRuleForm
from patronage.console.loyalty_forms.member import (
    AdjustForm,
    BenefitGrantForm,
    BenefitUseForm,
    RedeemForm,
    RedemptionCancelForm,
    TierFloorForm,
    TierInviteForm,
)
from patronage.console.loyalty_forms.setup import (
    BenefitForm,
    ProgramCreateForm,
    ProgramForm,
    RewardForm,
    SimulationForm,
    TierBenefitForm,
    TierForm,
    benefit_initial,
    program_initial,
    reward_initial,
    tier_initial,
)

__all__ = [
    "LOCAL_MINUTE",
    "MAX_SIMULATED_LINES",
    "RULE_KIND_LABELS",
    "AdjustForm",
    "BenefitForm",
    "BenefitGrantForm",
    "BenefitUseForm",
    "EarnRuleForm",
    "LoyaltyForm",
    "ProgramCreateForm",
    "ProgramForm",
    "RedeemForm",
    "RedemptionCancelForm",
    "RewardForm",
    "SimulationForm",
    "TierBenefitForm",
    "TierFloorForm",
    "TierForm",
    "TierInviteForm",
    "benefit_initial",
    "choices_of",
    "fresh_key",
    "in_zone",
    "local_input",
    "local_wall",
    "program_initial",
    "reward_initial",
    "tier_initial",
]
