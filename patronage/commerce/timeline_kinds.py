from django.utils.translation import gettext_lazy as _

from patronage.members.timeline import register

PURCHASE = register("purchase", _("Purchase"), "🛍", "good")
RETURN = register("return", _("Return"), "↩", "bad")
ORDER_PROBLEM = register("order_problem", _("Order problem"), "⚠", "bad")
