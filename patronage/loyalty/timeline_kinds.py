from django.utils.translation import gettext_lazy as _

from patronage.members.timeline import register

POINTS_EARNED = register("points_earned", _("Points earned"), "+", "good")
POINTS_RETURNED = register("points_returned", _("Points taken back"), "-", "bad")
POINTS_ADJUSTED = register("points_adjusted", _("Points adjusted"), "±", "info")
POINTS_REDEEMED = register("points_redeemed", _("Points redeemed"), "🎁", "good")
POINTS_EXPIRING = register("points_expiring", _("Points expiring soon"), "⏳", "info")
TIER_CHANGED = register("tier_changed", _("Tier changed"), "♛", "info")
BENEFIT_GRANTED = register("benefit_granted", _("Benefit granted"), "✦", "good")
BENEFIT_USED = register("benefit_used", _("Benefit used"), "✓", "good")
