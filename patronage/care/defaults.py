"""What a business starts with in care: office hours, one default SLA policy (editable, never deleted) and
the compensation limits of the standard roles. Written by migration 0002, and again after a flush
(a test database) by the post-migrate signal, for whatever is missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from patronage.core.roles import Role

# In the business's currency (KRW by default): what each role may give without a lead's approval.
LIMITS = {
    Role.SERVICE_AGENT: 20_000,
    Role.ACCOUNT_MANAGER: 20_000,
    Role.SERVICE_LEAD: 200_000,
    Role.ADMIN: 200_000,
}
OFFICE_DAY = [["09:00", "12:00"], ["13:00", "18:00"]]
HOUR = 3600


def defaults_create(
    *, group_model: Any, calendar_model: Any, policy_model: Any, limit_model: Any, zone: str | None = None
) -> None:
    """Creates the defaults that are missing; takes the models so a migration can pass its historical ones.
    `zone`: the office hours' time zone, the business's when it is known (else the server's)."""
    for role, value in LIMITS.items():
        group = group_model.objects.filter(name=role.value).first()
        if group is not None:
            limit_model.objects.get_or_create(group=group, defaults={"value": value})
    if policy_model.objects.filter(is_default=True).exists():
        return
    calendar, _created = calendar_model.objects.get_or_create(
        name="Office hours",
        defaults={
            "document": {
                "timezone": zone or settings.TIME_ZONE,
                "hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), OFFICE_DAY),
            }
        },
    )
    policy_model.objects.create(
        name="Standard",
        is_default=True,
        calendar=calendar,
        first_response_seconds=4 * HOUR,
        next_response_seconds=8 * HOUR,
        resolution_seconds=3 * 8 * HOUR,
        follow_up_seconds=2 * 8 * HOUR,
        warn_percents=[50, 80],
    )


def care_defaults_restore(**_kwargs: Any) -> None:
    """After migrating (or a flush), whatever default is missing comes back."""
    from django.contrib.auth.models import Group

    from patronage.care.models import BusinessCalendar, CompensationLimit, SlaPolicy

    defaults_create(
        group_model=Group,
        calendar_model=BusinessCalendar,
        policy_model=SlaPolicy,
        limit_model=CompensationLimit,
    )
