from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from patronage.commerce.models import ProblemKind
from patronage.core.words import decimal_or_none, money_words
from patronage.members.timeline import register


def _order_words(data: Mapping[str, Any], *, refunded: bool) -> str | None:
    """'36,980 KRW at Gangnam store, 2 items' from an order event's data; None before it held a currency."""
    amount, currency = decimal_or_none(data.get("amount")), data.get("currency")
    if amount is None or not currency:
        return None
    money = money_words(amount, str(currency))
    text = _("%(money)s refunded") % {"money": money} if refunded else money
    if data.get("store"):
        text = _("%(what)s at %(store)s") % {"what": text, "store": data["store"]}
    elif data.get("channel"):
        text = _("%(what)s via %(channel)s") % {"what": text, "channel": data["channel"]}
    items = decimal_or_none(data.get("items"))
    if items:
        count = number_format(items.normalize() if items % 1 else int(items), use_l10n=True)
        text = ngettext("%(what)s, %(count)s item", "%(what)s, %(count)s items", int(items) or 1) % {
            "what": text,
            "count": count,
        }
    return text


def _purchase(data: Mapping[str, Any], summary: str) -> str | None:
    return _order_words(data, refunded=False)


def _return(data: Mapping[str, Any], summary: str) -> str | None:
    return _order_words(data, refunded=True)


def _order_problem(data: Mapping[str, Any], summary: str) -> str | None:
    """'Delivery delay on order WEB-000001234'; None before the event held the order's number."""
    problem, order = data.get("problem"), data.get("order")
    if not isinstance(problem, str) or problem not in ProblemKind.values or not order:
        return None
    return _("%(problem)s on order %(order)s") % {"problem": ProblemKind(problem).label, "order": order}


PURCHASE = register("purchase", gettext_lazy("Purchase"), "🛍", "good", render=_purchase)
RETURN = register("return", gettext_lazy("Return"), "↩", "bad", render=_return)
ORDER_PROBLEM = register("order_problem", gettext_lazy("Order problem"), "⚠", "bad", render=_order_problem)
