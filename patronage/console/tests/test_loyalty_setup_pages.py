"""Program set-up in the console: programs, earn rules and the simulator, tiers, benefits, rewards.
Each change goes through its service; a refused one names its field and changes nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from patronage.commerce.models import Category, Channel
from patronage.conftest import business_set
from patronage.core.models import AuditEntry
from patronage.loyalty import services
from patronage.loyalty.models import Benefit, EarnRule, Program, Reward, Tier, TierBenefit

from .conftest import page_text
from .loyalty_setup import catalogue_make, program_make, purchase

SETTINGS = {
    "name": "Sorae Friends",
    "currency": "jpy",
    "time_zone": "Asia/Tokyo",
    "enrolment": "signup",
    "point_value": "1",
    "pending_days": "14",
    "rounding": "half_up",
    "exclude_tax": "on",
    "excluded_skus": "GIFT-CARD, BAG-01\nDEPOSIT",
    "expiry_policy": "days_after_earning",
    "expiry_days": "365",
    "expiry_warning_days": "30",
    "return_policy": "allow_negative",
    "tier_basis": "spend",
    "tier_window": "rolling",
    "tier_window_days": "365",
    "tier_downgrade": "recompute",
    "tier_grace_days": "30",
    "adjustment_ceiling": "100000",
    "adjustment_confirm_above": "10000",
    "active": "on",
}


@pytest.fixture
def program(db):
    program = program_make()
    catalogue_make(program)
    return program


def test_a_manager_creates_a_program_with_its_policies(client_as, manager):
    client = client_as(manager)
    response = client.post(reverse("console:loyalty_program_create"), {**SETTINGS, "code": "sorae"})
    assert response.status_code == 302
    program = Program.objects.get(code="sorae")
    assert (program.currency, program.time_zone, program.rounding) == ("JPY", "Asia/Tokyo", "half_up")
    assert program.excluded_skus == ["GIFT-CARD", "BAG-01", "DEPOSIT"]
    assert (program.expiry_policy, program.expiry_days, program.return_policy) == (
        "days_after_earning",
        365,
        "allow_negative",
    )
    assert (program.tier_basis, program.tier_window, program.tier_window_days) == ("spend", "rolling", 365)
    assert program.exclude_shipping is False
    assert AuditEntry.objects.filter(action="program.created").count() == 1
    listing = page_text(client.get(reverse("console:loyalty_programs")))
    assert "Sorae Friends" in listing


def test_a_program_with_a_bad_policy_is_refused_with_the_field_named(client_as, manager):
    data = {**SETTINGS, "code": "sorae", "time_zone": "Mars/Olympus", "expiry_days": ""}
    response = client_as(manager).post(reverse("console:loyalty_program_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "Mars/Olympus" in form.errors["time_zone"][0]
    assert "needs a number of days" in form.errors["expiry_days"][0]
    assert not Program.objects.filter(code="sorae").exists()


def test_creating_never_overwrites_a_program_with_the_same_code(client_as, manager, program):
    response = client_as(manager).post(
        reverse("console:loyalty_program_create"), {**SETTINGS, "code": "hanbit"}
    )
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["code"][0]
    program.refresh_from_db()
    assert program.name == "Hanbit Club"


def test_the_settings_page_saves_changes_and_a_viewer_only_reads_them(client_as, manager, agent, program):
    response = client_as(manager).post(
        reverse("console:loyalty_program_save", args=["hanbit"]), {**SETTINGS, "currency": "KRW"}
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.pending_days, program.return_policy) == (
        "Sorae Friends",
        14,
        "allow_negative",
    )
    agent_page = client_as(agent).get(reverse("console:loyalty_program", args=["hanbit"]))
    assert "may read these settings but not change them" in page_text(agent_page)
    assert all(field.disabled for field in agent_page.context["form"].fields.values())
    assert "Save settings" not in page_text(agent_page)


def test_rules_are_listed_in_evaluation_order_with_the_order_stated(client_as, analyst, program):
    text = page_text(client_as(analyst).get(reverse("console:loyalty_rules", args=["hanbit"])))
    assert text.index("1 point per 1,000 won") < text.index("Double in the app")
    assert "Rules are taken by priority, lowest first" in text
    assert "An exclusive rule that earns ends the evaluation" in text
    assert "Add a rule" not in text  # an analyst reads, never configures


def test_each_rule_is_described_in_words_with_the_names_of_what_it_names(client_as, analyst, program):
    Channel.objects.create(code="app", name="Hanbit app", kind="app")
    services.tier_save(
        program=program, code="silver", name="Silver", rank=1, threshold=Decimal(10), actor=None
    )
    services.earn_rule_save(
        program=program,
        code="silver-double",
        name="Silver double",
        kind="tier_multiplier",
        params={"tiers": {"silver": "2"}},
        priority=30,
        actor=None,
    )
    text = page_text(client_as(analyst).get(reverse("console:loyalty_rules", args=["hanbit"])))
    assert "1 point per 1,000 KRW" in text
    assert "2× points on purchases through Hanbit app" in text
    assert "2× points for Silver members" in text
    assert "channels=" not in text


def test_a_manager_sets_up_double_points_between_two_dates_without_typing_json(client_as, manager, program):
    business_set(time_zone="Asia/Seoul")
    client = client_as(manager)
    form_page = client.get(reverse("console:loyalty_rule_create", args=["hanbit"]))
    assert "Settings of a rule “Bonus campaign”" in page_text(form_page)
    assert "JSON" not in page_text(form_page)
    response = client.post(
        reverse("console:loyalty_rule_create", args=["hanbit"]),
        {
            "code": "double-days",
            "name": "Double points days",
            "kind": "campaign",
            "campaign-earn_by": "multiply",
            "campaign-multiplier": "2",
            "campaign-min_spend": "30000",
            "priority": "50",
            "stackable": "on",
            "active_from": "2026-11-20T00:00",
            "active_to": "2026-11-23T00:00",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = EarnRule.objects.get(code="double-days")
    assert rule.params == {"multiplier": "2", "min_spend": "30000"}
    assert (rule.active_from, rule.active_to) == (
        datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Seoul")),
        datetime(2026, 11, 23, tzinfo=ZoneInfo("Asia/Seoul")),
    )
    listing = page_text(client.get(reverse("console:loyalty_rules", args=["hanbit"])))
    assert "Double points days" in listing
    assert "2× points on purchases of 30,000 KRW or more" in listing


def test_a_rule_is_saved_and_takes_its_place_in_the_order(client_as, manager, program):
    business_set(time_zone="Asia/Seoul")
    Category.objects.create(code="tea", name="Tea")
    client = client_as(manager)
    response = client.post(
        reverse("console:loyalty_rule_create", args=["hanbit"]),
        {
            "code": "tea-bonus",
            "name": "Tea bonus",
            "kind": "category",
            "category-categories": ["tea"],
            "category-earn_by": "per_unit",
            "category-points_per_unit": "50",
            "priority": "15",
            "stackable": "on",
            "exclusive": "on",
            "active_from": "2026-01-01T00:00",
            "active_to": "2026-12-31T00:00",
            "cap_points": "500",
            "cap_period": "month",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = EarnRule.objects.get(code="tea-bonus")
    assert rule.params == {"categories": ["tea"], "points_per_unit": 50}
    assert (rule.exclusive, rule.cap_points, rule.cap_period) == (True, 500, "month")
    # Typed on the program's clock (Asia/Seoul), not the server's.
    assert rule.active_from == datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Seoul"))
    listing = client.get(reverse("console:loyalty_rules", args=["hanbit"]))
    assert [rule.code for rule, _ in listing.context["described_rules"]] == [
        "base",
        "tea-bonus",
        "app-double",
    ]
    assert "50 points per unit of anything in Tea" in page_text(listing)


def test_a_bad_rule_is_refused_with_every_problem_on_its_field_and_nothing_saved(client_as, manager, program):
    before = list(EarnRule.objects.values_list("code", "params"))
    response = client_as(manager).post(
        reverse("console:loyalty_rule_create", args=["hanbit"]),
        {
            "code": "broken",
            "kind": "spend",
            "spend-points": "0",
            "spend-per": "",
            "priority": "30",
            "cap_points": "0",
            "cap_period": "month",
            "active_from": "2026-12-01T00:00",
            "active_to": "2026-11-01T00:00",
            "stackable": "on",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    settings = form.settings_of("spend")
    assert settings.errors["points"] == ["Ensure this value is greater than or equal to 1."]
    assert settings.errors["per"] == ["This field is required."]
    assert form.errors["cap_points"] == ["Ensure this value is greater than or equal to 1."]
    assert form.errors["active_to"] == ["The end must be after the start."]
    text = page_text(response)
    assert "Ensure this value is greater than or equal to 1." in text
    assert list(EarnRule.objects.values_list("code", "params")) == before


def test_numbers_past_what_is_stored_get_a_message_not_a_server_error(client_as, manager, program):
    response = client_as(manager).post(
        reverse("console:loyalty_rule_create", args=["hanbit"]),
        {
            "code": "huge",
            "kind": "campaign",
            "campaign-earn_by": "bonus",
            "campaign-bonus": "1" + "0" * 20,
            "priority": "9" * 15,
            "cap_points": "4294967296",
            "cap_period": "day",
            "active_from": "0001-01-01T00:00",
            "active_to": "9999-12-31T23:59",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "less than or equal to 10000000" in form.settings_of("campaign").errors["bonus"][0]
    assert "less than or equal to 1000000" in form.errors["priority"][0]
    assert "less than or equal to 10000000" in form.errors["cap_points"][0]
    assert form.errors["active_from"] == ["Give a date between 2000 and 2999."]
    assert not EarnRule.objects.filter(code="huge").exists()


def test_a_rule_is_edited_and_deleted(client_as, manager, program):
    client = client_as(manager)
    edit = client.get(reverse("console:loyalty_rule_edit", args=["hanbit", "base"]))
    settings = edit.context["form"].settings_of("spend")
    assert (settings["points"].value(), settings["per"].value()) == (1, "1000")
    assert "1 point per 1,000 KRW" in page_text(edit)
    response = client.post(
        reverse("console:loyalty_rule_edit", args=["hanbit", "base"]),
        {
            "code": "ignored",
            "name": "Base",
            "kind": "spend",
            "spend-points": "3",
            "spend-per": "1000",
            "priority": "10",
            "stackable": "on",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    assert EarnRule.objects.get(code="base").params == {"points": 3, "per": "1000"}
    assert not EarnRule.objects.filter(code="ignored").exists()  # the code of a rule cannot change
    assert client.post(reverse("console:loyalty_rule_delete", args=["hanbit", "base"])).status_code == 302
    assert not EarnRule.objects.filter(code="base").exists()


def test_the_simulator_shows_each_rules_contribution_and_each_skip(client_as, agent, program):
    url = reverse("console:loyalty_simulate", args=["hanbit"])
    response = client_as(agent).get(
        url, {"amount": "55000", "tax": "5000", "channel": "app"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the htmx partial alone
    text = page_text(response)
    assert "100 points" in text
    assert "50 points: 1 per 1000 KRW of eligible spend (50000 KRW)" in text
    assert "50 points: x2 on the 50 points earned before it" in text
    store = client_as(agent).get(url, {"amount": "55000", "tax": "5000"}, HTTP_HX_REQUEST="true")
    assert "the channel - is not listed" in page_text(store)
    assert "skipped" in page_text(store)


def test_the_simulator_reads_lines_and_a_member_and_books_nothing(client_as, agent, program, alice):
    purchase(program, alice, "20000", "till-1")
    from patronage.loyalty.models import LedgerEntry

    before = LedgerEntry.objects.count()
    response = client_as(agent).get(
        reverse("console:loyalty_rules", args=["hanbit"]),
        {"lines": "TEA-01, tea, 2, 15000\nCUP-02, , 1, 9000", "member": "alice@example.com"},
    )
    assert response.status_code == 200
    assert response.context["evaluation"].total == 39
    assert "For Alice Kim" in page_text(response)
    assert LedgerEntry.objects.count() == before


def test_the_simulator_names_the_bad_input(client_as, agent, program):
    response = client_as(agent).get(
        reverse("console:loyalty_simulate", args=["hanbit"]),
        {"lines": "TEA-01, tea, two, 15000", "member": "nobody@example.com"},
        HTTP_HX_REQUEST="true",
    )
    text = page_text(response)
    assert "Lines: line 1: quantity and unit price must be numbers" in text
    assert "no member is known by “nobody@example.com”" in text


def test_tiers_are_created_edited_and_given_benefits(client_as, manager, program):
    client = client_as(manager)
    url = reverse("console:loyalty_tier_save", args=["hanbit"])
    assert (
        client.post(url, {"code": "gold", "name": "Gold", "rank": "2", "threshold": "20000"}).status_code
        == 302
    )
    assert (
        client.post(url, {"code": "silver", "name": "Silver", "rank": "1", "threshold": "10000"}).status_code
        == 302
    )
    edit = client.get(reverse("console:loyalty_tiers", args=["hanbit"]), {"edit": "gold"})
    assert edit.context["tier_form"].initial["threshold"] == Decimal("20000")
    response = client.post(
        reverse("console:loyalty_tier_benefit_save", args=["hanbit"]),
        {"tier": "gold", "benefit": "hotline", "quantity": "2", "period": "month"},
    )
    assert response.status_code == 302
    assert TierBenefit.objects.get(tier__code="gold").quantity == 2
    text = page_text(client.get(reverse("console:loyalty_tiers", args=["hanbit"])))
    assert text.index("Silver") < text.index("Gold")
    assert "Priority hotline \N{MULTIPLICATION SIGN} 2 · Each month" in text


def test_a_tier_table_that_does_not_rise_is_refused(client_as, manager, program):
    client = client_as(manager)
    client.post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        {"code": "gold", "name": "Gold", "rank": "2", "threshold": "20000"},
    )
    response = client.post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        {"code": "vip", "name": "VIP", "rank": "3", "threshold": "500"},
    )
    assert response.status_code == 400
    assert (
        "vip ranks above gold but needs less to reach" in response.context["tier_form"].errors["threshold"][0]
    )
    assert not Tier.objects.filter(code="vip").exists()


def test_benefits_and_rewards_are_saved(client_as, manager, program):
    client = client_as(manager)
    response = client.post(
        reverse("console:loyalty_benefit_save", args=["hanbit"]),
        {"code": "trial", "name": "New tea trial", "kind": "trial", "validity_days": "30", "active": "on"},
    )
    assert response.status_code == 302
    assert Benefit.objects.get(code="trial").validity_days == 30
    response = client.post(
        reverse("console:loyalty_reward_save", args=["hanbit"]),
        {
            "code": "kettle",
            "name": "Kettle",
            "points_price": "5000",
            "stock": "3",
            "per_member_limit": "1",
            "min_tier": "member",
            "active": "on",
        },
    )
    assert response.status_code == 302
    kettle = Reward.objects.get(code="kettle")
    assert (kettle.points_price, kettle.stock, kettle.per_member_limit, kettle.min_tier.code) == (
        5000,
        3,
        1,
        "member",
    )
    assert "Kettle" in page_text(client.get(reverse("console:loyalty_rewards", args=["hanbit"])))


def test_a_reward_without_a_price_is_refused(client_as, manager, program):
    response = client_as(manager).post(
        reverse("console:loyalty_reward_save", args=["hanbit"]),
        {"code": "free", "name": "Free thing", "points_price": "0", "stock": "-1", "active": "on"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "greater than zero" in errors["points_price"][0]
    assert "cannot be negative" in errors["stock"][0]
    assert not Reward.objects.filter(code="free").exists()


def test_a_post_without_the_csrf_token_is_refused(manager, program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        {"code": "gold", "name": "Gold", "rank": "2", "threshold": "1"},
    )
    assert response.status_code == 403
    assert not Tier.objects.filter(code="gold").exists()


def test_a_manager_links_a_program_to_its_brand(client_as, manager):
    from django.urls import reverse

    from patronage.commerce.models import Brand
    from patronage.loyalty.models import Program
    from patronage.loyalty.services import program_save

    brand = Brand.objects.create(code="sora", name="Sora Kitchen")
    program_save(code="sora", values={"name": "Sora Circle", "currency": "KRW"}, actor=None)
    page = client_as(manager).get(reverse("console:loyalty_program", args=["sora"]))
    form = page.context["form"]
    values = {k: v for k, v in form.initial.items() if v is not None}
    values.update(brand=brand.pk, exclude_tax="on", exclude_shipping="on", active="on")

    client_as(manager).post(reverse("console:loyalty_program_save", args=["sora"]), values)

    assert Program.objects.get(code="sora").brand == brand
