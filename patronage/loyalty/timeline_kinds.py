from django.utils.translation import gettext_lazy as _

from patronage.members.timeline import register

POINTS_ADJUSTED = register("points_adjusted", _("Points adjusted"), "±", "info")
POINTS_REDEEMED = register("points_redeemed", _("Points redeemed"), "🎁", "good")
