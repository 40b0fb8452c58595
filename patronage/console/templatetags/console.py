"""Template helpers for the console: the navigation a person's groups allow and timeline kinds' looks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patronage.analytics.permissions import ANALYTICS_ANY
from patronage.care.permissions import CARE_MANAGE, CASES_WORK, SLA_MANAGE
from patronage.console.case_file import cases_breached_count
from patronage.console.scorecard_file import SCORECARDS_ANY
from patronage.core import clock
from patronage.core.permissions import AUDIT_VIEW, BUSINESS_MANAGE, STAFF_MANAGE
from patronage.core.roles import role_label
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.loyalty.permissions import LOYALTY_VIEW
from patronage.members.permissions import MEMBERS_IMPORT, MEMBERS_MERGE, MEMBERS_VIEW
from patronage.members.timeline import TimelineKind, kind_get
from patronage.messages.permissions import MESSAGES_MANAGE, WEBHOOKS_MANAGE
from patronage.segments.permissions import EVENTS_MANAGE, SEGMENTS_VIEW
from patronage.standards.permissions import STANDARDS_VIEW

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: str | tuple[str, ...]  # a tuple: any one of them shows the link
    sections: tuple[str, ...]  # url names that mark this item as the current one
    section_prefix: str = ""  # or every url name that starts with this
    badge: Callable[[], int] | None = None  # a count shown beside the label when above zero

    def badge_count(self) -> int:
        return self.badge() if self.badge is not None else 0

    def shown_to(self, user: Any) -> bool:
        names = (self.permission,) if isinstance(self.permission, str) else self.permission
        return any(user.has_staff_perm(name) for name in names)

    def is_current(self, url_name: str) -> bool:
        return url_name in self.sections or bool(
            self.section_prefix and url_name.startswith(self.section_prefix)
        )


# Every console page an agent opens shows the count: it is counted at most once a minute, not per page.
BADGE_SECONDS = 60


def breached_badge() -> int:
    """Open cases past a target, for the Cases link; shared by every agent, so a minute old at most."""
    count = cache.get_or_set(
        "console:cases-breached", lambda: cases_breached_count(now=clock.now()), BADGE_SECONDS
    )
    return int(count or 0)


NAV: tuple[NavItem, ...] = (
    NavItem("console:home", _("Dashboard"), MEMBERS_VIEW, ("home",)),
    NavItem(
        "console:customers",
        _("Customers"),
        MEMBERS_VIEW,
        ("customers", "customer", "customer_edit", "customer_erase"),
    ),
    NavItem(
        "console:cases",
        _("Cases"),
        CASES_WORK,
        (),
        "case",
        badge=breached_badge,
    ),
    NavItem("console:care_home", _("Service desk"), (SLA_MANAGE, CARE_MANAGE), (), "care_"),
    NavItem("console:notices", _("Notices"), CARE_MANAGE, (), "notice"),
    NavItem("console:surveys", _("Surveys"), (RESULTS_VIEW, SURVEYS_MANAGE), (), "survey"),
    NavItem("console:standard_list", _("Standards"), STANDARDS_VIEW, (), "standard"),
    NavItem("console:segment_list", _("Segments"), SEGMENTS_VIEW, (), "segment_"),
    NavItem("console:campaign_list", _("Campaigns"), SEGMENTS_VIEW, (), "campaign_"),
    NavItem("console:information_list", _("Information"), SEGMENTS_VIEW, (), "information_"),
    NavItem("console:event_list", _("Events"), (SEGMENTS_VIEW, EVENTS_MANAGE), (), "event_"),
    NavItem("console:duplicates", _("Duplicates"), MEMBERS_MERGE, ("duplicates", "merge")),
    NavItem("console:imports", _("Imports"), MEMBERS_IMPORT, ("imports", "import_detail")),
    NavItem("console:loyalty_programs", _("Loyalty"), LOYALTY_VIEW, (), "loyalty_"),
    NavItem("console:analytics", _("Analytics"), ANALYTICS_ANY, ("analytics",), "analytics_"),
    NavItem("console:scorecards", _("Scorecards"), SCORECARDS_ANY, (), "scorecard"),
    NavItem("console:audit", _("Audit log"), AUDIT_VIEW, ("audit",)),
    NavItem("console:staff", _("Staff"), STAFF_MANAGE, ("staff", "staff_groups")),
    NavItem("console:apikeys", _("API keys"), STAFF_MANAGE, ("apikeys", "apikey_create")),
    NavItem("console:messages", _("Messages"), MESSAGES_MANAGE, (), "message"),
    NavItem("console:webhooks", _("Webhooks"), WEBHOOKS_MANAGE, (), "webhook"),
    NavItem("console:business", _("Business"), BUSINESS_MANAGE, ("business",)),
)


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The links the signed-in user's groups allow, the current one marked."""
    request = context["request"]
    current = request.resolver_match.url_name if request.resolver_match else ""
    links = [
        (item, item.is_current(current), item.badge_count()) for item in NAV if item.shown_to(request.user)
    ]
    return {"links": links}


@register.filter
def timeline_kind(code: str) -> TimelineKind:
    return kind_get(code)


@register.filter(name="role_label")
def role_label_filter(group_name: str) -> str:
    """A group's name as the reader says it (the standard roles are translated)."""
    return role_label(group_name)
