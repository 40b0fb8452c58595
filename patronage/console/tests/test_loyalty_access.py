"""Every loyalty page and action of the console refuses the wrong person and changes nothing for them:
anonymous visitors go to the login, members get a 403, and staff whose role lacks the permission too
(an analyst cannot adjust or configure, a service agent cannot configure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from patronage.core.models import AuditEntry
from patronage.core.roles import Role, declared_grants
from patronage.loyalty import services
from patronage.loyalty.models import (
    Account,
    Benefit,
    BenefitGrant,
    BenefitUse,
    EarnRule,
    LedgerEntry,
    Program,
    Redemption,
    Reward,
    Tier,
    TierBenefit,
)
from patronage.loyalty.permissions import LOYALTY_ADJUST, LOYALTY_CONFIGURE, LOYALTY_VIEW
from patronage.members.models import Member

from .loyalty_setup import catalogue_make, program_make, purchase


@dataclass(frozen=True)
class Endpoint:
    url_name: str
    method: str
    permission: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda t: {"code": t["program"].code}
    data: Callable[[dict[str, Any]], dict[str, Any]] = lambda t: {}
    query: str = ""

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def _program(t: dict[str, Any]) -> dict[str, Any]:
    return {"code": t["program"].code}


def _none(t: dict[str, Any]) -> dict[str, Any]:
    return {}


def _tab(t: dict[str, Any]) -> dict[str, Any]:
    return {"member_id": t["alice"].pk, "code": t["program"].code}


def _rule(t: dict[str, Any]) -> dict[str, Any]:
    return {"code": t["program"].code, "rule_code": "base"}


def _redemption(t: dict[str, Any]) -> dict[str, Any]:
    return {**_tab(t), "redemption_code": t["redemption"].code}


_SETTINGS = {
    "name": "Hanbit Club",
    "currency": "KRW",
    "time_zone": "Asia/Seoul",
    "enrolment": "first_purchase",
    "point_value": "1",
    "pending_days": "7",
    "rounding": "down",
    "exclude_tax": "on",
    "expiry_policy": "never",
    "expiry_warning_days": "30",
    "return_policy": "within_balance",
    "tier_basis": "points",
    "tier_window": "calendar_year",
    "tier_downgrade": "one_level",
    "tier_grace_days": "0",
    "adjustment_ceiling": "100000",
    "adjustment_confirm_above": "10000",
    "active": "on",
}
_RULE = {"name": "Birthday", "kind": "event", "event-event": "birthday", "event-points": "500"}

ENDPOINTS = [
    Endpoint("console:loyalty_programs", "get", LOYALTY_VIEW, _none),
    Endpoint("console:loyalty_program", "get", LOYALTY_VIEW),
    Endpoint("console:loyalty_rules", "get", LOYALTY_VIEW),
    Endpoint("console:loyalty_simulate", "get", LOYALTY_VIEW, query="amount=10000"),
    Endpoint("console:loyalty_tiers", "get", LOYALTY_VIEW),
    Endpoint("console:loyalty_benefits", "get", LOYALTY_VIEW),
    Endpoint("console:loyalty_rewards", "get", LOYALTY_VIEW),
    Endpoint("console:customer_loyalty", "get", LOYALTY_VIEW, lambda t: {"member_id": t["alice"].pk}),
    Endpoint("console:loyalty_program_create", "get", LOYALTY_CONFIGURE, _none),
    Endpoint(
        "console:loyalty_program_create",
        "post",
        LOYALTY_CONFIGURE,
        _none,
        lambda t: {**_SETTINGS, "code": "sorae", "name": "Sorae Friends"},
    ),
    Endpoint("console:loyalty_program_save", "post", LOYALTY_CONFIGURE, _program, lambda t: _SETTINGS),
    Endpoint("console:loyalty_rule_create", "get", LOYALTY_CONFIGURE),
    Endpoint(
        "console:loyalty_rule_create",
        "post",
        LOYALTY_CONFIGURE,
        _program,
        lambda t: {**_RULE, "code": "birthday", "priority": "50", "stackable": "on", "enabled": "on"},
    ),
    Endpoint("console:loyalty_rule_edit", "get", LOYALTY_CONFIGURE, _rule),
    Endpoint(
        "console:loyalty_rule_edit",
        "post",
        LOYALTY_CONFIGURE,
        _rule,
        lambda t: {
            "name": "Base",
            "kind": "spend",
            "spend-points": "2",
            "spend-per": "1000",
            "priority": "5",
            "stackable": "on",
            "enabled": "on",
        },
    ),
    Endpoint("console:loyalty_rule_delete", "post", LOYALTY_CONFIGURE, _rule),
    Endpoint(
        "console:loyalty_tier_save",
        "post",
        LOYALTY_CONFIGURE,
        _program,
        lambda t: {"code": "gold", "name": "Gold", "rank": "2", "threshold": "100"},
    ),
    Endpoint(
        "console:loyalty_tier_benefit_save",
        "post",
        LOYALTY_CONFIGURE,
        _program,
        lambda t: {"tier": "member", "benefit": "hotline", "quantity": "2", "period": "year"},
    ),
    Endpoint(
        "console:loyalty_benefit_save",
        "post",
        LOYALTY_CONFIGURE,
        _program,
        lambda t: {
            "code": "trial",
            "name": "New tea trial",
            "kind": "trial",
            "validity_days": "30",
            "active": "on",
        },
    ),
    Endpoint(
        "console:loyalty_reward_save",
        "post",
        LOYALTY_CONFIGURE,
        _program,
        lambda t: {"code": "mug", "name": "Mug", "points_price": "200", "active": "on"},
    ),
    Endpoint(
        "console:customer_loyalty_tier_floor",
        "post",
        LOYALTY_CONFIGURE,
        _tab,
        lambda t: {"tier": "black", "reason": "founding customer"},
    ),
    Endpoint(
        "console:customer_loyalty_tier_invite",
        "post",
        LOYALTY_CONFIGURE,
        _tab,
        lambda t: {"tier": "black"},
    ),
    Endpoint(
        "console:customer_loyalty_adjust",
        "post",
        LOYALTY_ADJUST,
        _tab,
        lambda t: {"points": "100", "reason": "goodwill", "idempotency_key": "k-adjust"},
    ),
    Endpoint(
        "console:customer_loyalty_redeem",
        "post",
        LOYALTY_ADJUST,
        _tab,
        lambda t: {"reward": "tumbler", "idempotency_key": "k-redeem"},
    ),
    Endpoint("console:customer_loyalty_redemption_cancel", "post", LOYALTY_ADJUST, _redemption),
    Endpoint("console:customer_loyalty_redemption_fulfil", "post", LOYALTY_ADJUST, _redemption),
    Endpoint(
        "console:customer_loyalty_benefit_use",
        "post",
        LOYALTY_ADJUST,
        _tab,
        lambda t: {"grant": t["grant"].pk, "note": "called", "idempotency_key": "k-use"},
    ),
    Endpoint(
        "console:customer_loyalty_benefit_grant",
        "post",
        LOYALTY_ADJUST,
        _tab,
        lambda t: {"benefit": "hotline", "quantity": "1", "reason": "apology", "idempotency_key": "k-grant"},
    ),
]


@pytest.fixture
def targets(alice: Member, bob: Member) -> dict[str, Any]:
    program = program_make()
    catalogue_make(program)
    services.tier_save(
        program=program,
        code="black",
        name="Black",
        rank=9,
        threshold=Decimal(0),
        invitation_only=True,
        actor=None,
    )
    purchase(program, alice, "1000000", "till-1")
    account = Account.objects.get(program=program, member=alice)
    redemption = services.points_redeem(account=account, points=100, idempotency_key="first", actor=None)
    grant = services.benefit_grant(
        account=account,
        benefit=Benefit.objects.get(code="hotline"),
        quantity=2,
        valid_days=30,
        reason="welcome",
        idempotency_key="welcome",
        actor=None,
    )
    return {"program": program, "alice": alice, "bob": bob, "redemption": redemption, "grant": grant}


def _call(client, endpoint: Endpoint, targets: dict[str, Any]):
    url = reverse(endpoint.url_name, kwargs=endpoint.kwargs(targets))
    if endpoint.query:
        url += "?" + endpoint.query
    if endpoint.method == "post":
        return client.post(url, endpoint.data(targets))
    return client.get(url)


def _state() -> list[Any]:
    """Everything a loyalty action could change, so a refusal can be shown to have changed nothing."""
    models = (
        Program,
        EarnRule,
        Tier,
        TierBenefit,
        Benefit,
        Reward,
        Account,
        LedgerEntry,
        BenefitGrant,
        BenefitUse,
    )
    counts = [model.objects.count() for model in models]
    accounts = list(Account.objects.order_by("pk").values_list("active", "tier_floor", "invited_tiers"))
    rules = list(EarnRule.objects.order_by("pk").values_list("code", "priority", "params"))
    programs = list(Program.objects.order_by("pk").values_list("code", "pending_days"))
    redemptions = list(Redemption.objects.order_by("pk").values_list("status", flat=True))
    return [AuditEntry.objects.count(), counts, accounts, rules, programs, redemptions]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_anonymous_visitor_is_sent_to_the_login(client, targets, endpoint):
    before = _state()
    response = _call(client, endpoint, targets)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login") + "?next=/console/")
    assert _state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_member_is_refused_and_changes_nothing(client_as, targets, endpoint):
    before = _state()
    response = _call(client_as(targets["bob"].user), endpoint, targets)
    assert response.status_code == 403
    assert "staff accounts only" in response.content.decode()
    assert _state() == before


REFUSED = [
    (endpoint, role)
    for endpoint in ENDPOINTS
    for role in ("analyst", "agent")
    if endpoint.permission != LOYALTY_VIEW
    and {"analyst": Role.ANALYST, "agent": Role.SERVICE_AGENT}[role]
    not in declared_grants()[endpoint.permission]
]


@pytest.mark.parametrize(("endpoint", "role"), REFUSED, ids=lambda value: str(value))
def test_staff_without_the_permission_is_refused_and_changes_nothing(
    request, client_as, targets, endpoint, role
):
    user = request.getfixturevalue(role)
    before = _state()
    response = _call(client_as(user), endpoint, targets)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()
    assert _state() == before


def test_the_refusals_cover_what_the_brief_names():
    refused = {(endpoint.url_name, role) for endpoint, role in REFUSED}
    assert ("console:customer_loyalty_adjust", "analyst") in refused
    assert ("console:customer_loyalty_redeem", "analyst") in refused
    assert ("console:loyalty_rule_create", "agent") in refused
    assert ("console:customer_loyalty_tier_floor", "agent") in refused
    assert ("console:customer_loyalty_adjust", "agent") not in refused


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_program_manager_may_use_every_page_and_action(client_as, manager, targets, endpoint):
    """The same requests the others were refused succeed for a role that holds every loyalty permission."""
    response = _call(client_as(manager), endpoint, targets)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    if endpoint.method == "post":
        assert response.status_code == 302


def test_every_staff_role_may_read_the_loyalty_pages(client_as, analyst, agent, targets):
    for user in (analyst, agent):
        response = client_as(user).get(reverse("console:customer_loyalty", args=[targets["alice"].pk]))
        assert response.status_code == 200


def test_a_member_never_sees_another_members_loyalty_tab(client_as, targets):
    alice = targets["alice"]
    response = client_as(targets["bob"].user).get(reverse("console:customer_loyalty", args=[alice.pk]))
    assert response.status_code == 403
    assert "CARD-0001" not in response.content.decode()
    assert targets["redemption"].code not in response.content.decode()


def test_the_navigation_shows_loyalty_to_staff(client_as, agent):
    page = client_as(agent).get(reverse("console:home")).content.decode()
    assert f'href="{reverse("console:loyalty_programs")}"' in page


def test_a_get_cannot_change_anything(client_as, manager, targets):
    before = _state()
    for url_name in (
        "console:customer_loyalty_adjust",
        "console:loyalty_tier_save",
        "console:loyalty_rule_delete",
    ):
        kwargs = (
            _rule(targets)
            if url_name.endswith("delete")
            else (_tab(targets) if "customer" in url_name else _program(targets))
        )
        assert client_as(manager).get(reverse(url_name, kwargs=kwargs)).status_code == 405
    assert _state() == before
