"""Adjustments by hand have a ceiling per program, and a large one is confirmed before it is booked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patronage.core.models import AuditEntry
from patronage.loyalty import services
from patronage.loyalty.models import LedgerEntry

from .conftest import page_text
from .loyalty_setup import catalogue_make, program_make


@pytest.fixture
def program(db):
    program = program_make()
    catalogue_make(program)
    return services.program_save(
        code=program.code,
        values={"adjustment_ceiling": 50_000, "adjustment_confirm_above": 5_000},
        actor=None,
    )


def _adjust(client, member, **data):
    return client.post(reverse("console:customer_loyalty_adjust", args=[member.pk, "hanbit"]), data)


def _large(key="large-1"):
    return {"points": "20000", "reason": "campaign fix", "idempotency_key": key}


def test_a_large_adjustment_is_stated_for_confirmation_and_booked_once_confirmed(
    client_as, manager, program, alice
):
    client = client_as(manager)
    shown = _adjust(client, alice, **_large())
    assert shown.status_code == 200
    text = page_text(shown)
    assert "Add 20,000 points to Alice Kim" in text
    assert "They are worth 20,000 KRW in Hanbit Club." in text
    assert not LedgerEntry.objects.exists()

    token = shown.context["adjust_confirmation"]["token"]
    confirmed = _adjust(client, alice, **_large(), confirmation=token)
    again = _adjust(client, alice, **_large(), confirmation=token)  # a double click
    assert (confirmed.status_code, again.status_code) == (302, 302)
    assert list(LedgerEntry.objects.values_list("points", flat=True)) == [20_000]
    audit = AuditEntry.objects.get(action="points.adjusted")
    assert audit.detail["confirmed_by"] == manager.get_username()


def test_a_confirmation_does_not_hold_for_a_request_changed_after_it(client_as, manager, program, alice):
    client = client_as(manager)
    token = _adjust(client, alice, **_large()).context["adjust_confirmation"]["token"]
    changed = _adjust(client, alice, **{**_large(), "points": "45000"}, confirmation=token)
    forged = _adjust(client, alice, **_large(), confirmation="forged")
    assert "Add 45,000 points to Alice Kim" in page_text(changed)
    assert "Add 20,000 points to Alice Kim" in page_text(forged)
    assert not LedgerEntry.objects.exists()


def test_change_goes_back_to_the_filled_form(client_as, manager, program, alice):
    response = _adjust(client_as(manager), alice, **_large(), change="1")
    assert response.context["adjust_form"]["points"].value() == "20000"
    assert "Book adjustment" in page_text(response)
    assert not LedgerEntry.objects.exists()


def test_a_small_adjustment_is_booked_without_a_confirmation(client_as, agent, program, alice):
    assert (
        _adjust(client_as(agent), alice, points="500", reason="goodwill", idempotency_key="s").status_code
        == 302
    )
    assert "confirmed_by" not in AuditEntry.objects.get(action="points.adjusted").detail


def test_the_programs_ceiling_is_refused_before_any_confirmation_except_with_the_unlimited_permission(
    client_as, lead, manager, program, alice
):
    services.program_save(code="hanbit", values={"adjustment_ceiling": 800}, actor=None)
    refused = _adjust(client_as(lead), alice, points="900", reason="goodwill", idempotency_key="c")
    assert refused.status_code == 400
    assert "may move at most 800 points" in refused.context["adjust_form"].errors["points"][0]
    assert not LedgerEntry.objects.exists()
    assert not alice.loyalty_accounts.exists()  # refused before an account was opened for her

    beyond = _adjust(client_as(manager), alice, points="60000", reason="migration", idempotency_key="m")
    assert "Add 60,000 points to Alice Kim" in page_text(beyond)


def test_the_limits_are_program_settings_with_defaults_that_pass_their_own_checks(client_as, manager, db):
    client = client_as(manager)
    form = client.get(reverse("console:loyalty_program_create")).context["form"]
    assert (form["adjustment_ceiling"].value(), form["adjustment_confirm_above"].value()) == (100_000, 10_000)
    created = services.program_save(code="plain", values={"name": "Plain", "currency": "KRW"}, actor=None)
    assert (created.adjustment_ceiling, created.adjustment_confirm_above) == (100_000, 10_000)

    page = client.get(reverse("console:loyalty_program", args=["plain"]))
    initial = page.context["form"].initial
    data = {name: value for name, value in initial.items() if value is not None and value is not False}
    response = client.post(
        reverse("console:loyalty_program_save", args=["plain"]),
        {**data, "excluded_skus": "", "adjustment_ceiling": "0", "adjustment_confirm_above": "20000000"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"adjustment_ceiling", "adjustment_confirm_above"}
