"""Template helpers for the console: the navigation a role may see and timeline kinds' looks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patronage.core.roles import Perm
from patronage.members.timeline import TimelineKind, kind_get

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: str
    sections: tuple[str, ...]  # url names that mark this item as the current one


NAV: tuple[NavItem, ...] = (
    NavItem("console:home", _("Dashboard"), Perm.MEMBERS_VIEW, ("home",)),
    NavItem(
        "console:customers",
        _("Customers"),
        Perm.MEMBERS_VIEW,
        ("customers", "customer", "customer_edit", "customer_erase"),
    ),
    NavItem("console:duplicates", _("Duplicates"), Perm.MEMBERS_MERGE, ("duplicates", "merge")),
    NavItem("console:imports", _("Imports"), Perm.MEMBERS_IMPORT, ("imports", "import_detail")),
    NavItem("console:audit", _("Audit log"), Perm.AUDIT_VIEW, ("audit",)),
    NavItem("console:apikeys", _("API keys"), Perm.STAFF_MANAGE, ("apikeys", "apikey_create")),
)

# The duplicate finder states its reasons in English; these are their translated labels.
DUPLICATE_REASONS: dict[str, str | Promise] = {
    "same name": _("same name"),
    "same birth date": _("same birth date"),
    "same postal code": _("same postal code"),
    "same city": _("same city"),
    "same mailbox": _("same mailbox"),
}


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The links the signed-in user's role may open, the current one marked."""
    request = context["request"]
    current = request.resolver_match.url_name if request.resolver_match else ""
    items = [item for item in NAV if request.user.has_role_permission(item.permission)]
    return {"items": items, "current": current}


@register.filter
def timeline_kind(code: str) -> TimelineKind:
    return kind_get(code)


@register.filter
def duplicate_reason(reason: str) -> str | Promise:
    return DUPLICATE_REASONS.get(reason, reason)
