"""Settings → Messages: a program manager or administrator sees the kinds and which texts the business
edited, edits a text (an unknown variable is refused, naming it), previews it with the kind's sample
values, resets it to the shipped text, and reads the delivery log; nobody else opens any of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from patronage.core.models import AuditEntry
from patronage.members.models import Member
from patronage.messages.message_services import message_queue
from patronage.messages.models import Message, MessageStatus, MessageTemplate, SkipReason

from .conftest import page_text

pytestmark = pytest.mark.django_db

TIER = {"program": "Hanbit Club", "tier": "Gold", "previous_tier": "Silver", "upgraded": True}
GOOD = {
    "subject": "{{ tier }} at last, {{ name }}",
    "text_body": "Dear {{ name }}, you are {{ tier }} in {{ program }} now.",
    "html_body": "<p>Dear {{ name }}, you are <b>{{ tier }}</b>.</p>",
}


def _template_url(kind: str = "tier_changed", language: str = "en") -> str:
    return reverse("console:message_template", args=[kind, language])


def _pages() -> list[tuple[str, str, dict]]:
    """(method, address, form) of every messages page and action."""
    return [
        ("get", reverse("console:messages"), {}),
        ("get", reverse("console:message_log"), {}),
        ("get", _template_url(), {}),
        ("post", _template_url(), {**GOOD, "action": "preview"}),
        ("post", _template_url(), {**GOOD, "action": "save"}),
        ("post", reverse("console:message_template_reset", args=["tier_changed", "en"]), {}),
    ]


def _tier_message(member: Member, key: str) -> Message | None:
    return message_queue(kind="tier_changed", member=member, context=TIER, key=key)


# ---- who may ----------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_the_login(client):
    for method, url, form in _pages():
        response = getattr(client, method)(url, form)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("console:login")), url


def test_a_service_agent_may_not_open_any_of_it(client_as, agent):
    client = client_as(agent)
    for method, url, form in _pages():
        assert getattr(client, method)(url, form).status_code == 403, url
    assert not MessageTemplate.objects.exists()
    assert "Messages" not in page_text(client.get(reverse("console:home")))


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_program_manager_and_an_administrator_may_do_all_of_it(client_as, request, who):
    client = client_as(request.getfixturevalue(who))
    for method, url, form in _pages():
        response = getattr(client, method)(url, form)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
    assert 'href="/console/settings/messages/"' in client.get(reverse("console:home")).content.decode()


# ---- the overview -----------------------------------------------------------------------------------------


def test_the_overview_lists_each_kind_with_its_purpose_and_which_texts_are_edited(client_as, manager):
    MessageTemplate.objects.create(
        kind="tier_changed", language="en", subject="x", text_body="y", updated_at=datetime.now(UTC)
    )
    response = client_as(manager).get(reverse("console:messages"))
    text = page_text(response)
    assert "Tier changed" in text
    assert "Points about to expire" in text
    assert "service" in text
    assert "en : edited" in text  # tier_changed in English
    assert "en : shipped text" in text  # points_expiring in English
    assert _template_url("points_expiring", "en") in response.content.decode()


# ---- editing ----------------------------------------------------------------------------------------------


def test_the_form_is_filled_with_the_shipped_text(client_as, manager):
    response = client_as(manager).get(_template_url())
    form = response.context["form"]
    assert "{{ tier }}" in form.initial["subject"]
    assert form.initial["text_body"].strip()
    assert "shipped with the product" in page_text(response)


def test_an_unknown_variable_is_an_error_naming_it_and_nothing_is_saved(client_as, manager):
    form = {
        "subject": "{{ tier }} for {{ nickname }}",
        "text_body": "{{ pointz }} points",
        "html_body": "{% if %}",
        "action": "save",
    }
    response = client_as(manager).post(_template_url(), form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "nickname" in errors["subject"][0]
    assert "pointz" in errors["text_body"][0]
    assert "does not parse" in errors["html_body"][0]
    assert not MessageTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action="message_template.saved").exists()


def test_the_preview_shows_the_kinds_sample_values_and_saves_nothing(client_as, manager):
    response = client_as(manager).post(_template_url(), {**GOOD, "action": "preview"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Gold at last, Ji-woo Kim"
    assert "you are Gold in Hanbit Club now." in preview.text
    assert "<b>Gold</b>" in preview.html
    text = page_text(response)
    assert "Gold at last, Ji-woo Kim" in text
    assert "&lt;b&gt;Gold&lt;/b&gt;" in response.content.decode()  # the HTML shown as its source
    assert not MessageTemplate.objects.exists()


def test_the_preview_of_an_opt_out_kind_carries_the_unsubscribe_footer(client_as, manager):
    form = {
        "subject": "{{ points }} points",
        "text_body": "{{ points }} by {{ expires_at }}",
        "html_body": "",
    }
    response = client_as(manager).post(_template_url("points_expiring", "en"), {**form, "action": "preview"})
    preview = response.context["preview"]
    assert preview.subject == "1,200 points"  # written as the language writes numbers
    assert "/unsubscribe/" in preview.text


def test_a_saved_text_is_audited_and_used_by_the_next_message_queued(client_as, manager, admin, alice):
    response = client_as(manager).post(_template_url(), {**GOOD, "action": "save"})
    assert response.status_code == 302
    template = MessageTemplate.objects.get(kind="tier_changed", language="en", channel="email")
    assert template.updated_by == manager
    entry = AuditEntry.objects.get(action="message_template.saved")
    assert entry.target_id == str(template.pk)
    message = _tier_message(alice, "after-save")
    assert message is not None
    assert message.subject == "Gold at last, Alice Kim"
    assert message.text_body == "Dear Alice Kim, you are Gold in Hanbit Club now."
    assert message.html_body == "<p>Dear Alice Kim, you are <b>Gold</b>.</p>"
    audit = page_text(client_as(admin).get(reverse("console:audit")))
    assert "changed the text of a message" in audit


def test_reset_restores_the_shipped_text(client_as, manager, alice):
    client = client_as(manager)
    shipped = client.get(_template_url()).context["form"].initial
    client.post(_template_url(), {**GOOD, "action": "save"})
    response = client.post(reverse("console:message_template_reset", args=["tier_changed", "en"]))
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="message_template.reset").exists()
    assert client.get(_template_url()).context["form"].initial == shipped
    message = _tier_message(alice, "after-reset")
    assert message is not None
    assert "Alice Kim" not in message.subject


def test_a_kind_or_language_that_is_not_there_is_not_a_page(client_as, manager):
    client = client_as(manager)
    assert client.get(_template_url("no_such_kind", "en")).status_code == 404
    assert client.get(_template_url("tier_changed", "fr")).status_code == 404


# ---- the delivery log -------------------------------------------------------------------------------------


def test_the_log_lists_messages_newest_first_and_filters_by_kind_and_status(client_as, manager, alice, bob):
    first = _tier_message(alice, "one")
    second = message_queue(
        kind="points_expiring",
        member=bob,
        context={"program": "Hanbit Club", "points": 5, "expires_at": datetime(2027, 1, 1, tzinfo=UTC)},
        key="two",
    )
    assert first is not None
    assert second is not None
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT)
    client = client_as(manager)
    url = reverse("console:message_log")

    everything = client.get(url)
    assert [m.pk for m in everything.context["page"]] == [second.pk, first.pk]
    text = page_text(everything)
    assert "Alice Kim" in text
    assert "opted out" in text
    assert reverse("console:customer", args=[alice.pk]) in everything.content.decode()

    by_kind = client.get(url, {"kind": "points_expiring"})
    assert [m.pk for m in by_kind.context["page"]] == [second.pk]
    by_status = client.get(url, {"status": "skipped"})
    assert [m.pk for m in by_status.context["page"]] == [first.pk]
    nonsense = client.get(url, {"status": "nonsense"})
    assert nonsense.status_code == 200
    assert len(nonsense.context["page"]) == 2


def test_the_log_shows_a_bounced_message_with_the_mail_servers_answer_and_filters_by_it(
    client_as, manager, alice, bob
):
    bounced = _tier_message(alice, "bounced")
    other = _tier_message(bob, "sent")
    assert bounced is not None
    assert other is not None
    reason = "5.1.1: 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown"
    Message.objects.filter(pk=bounced.pk).update(status=MessageStatus.BOUNCED, last_error=reason)
    Message.objects.filter(pk=other.pk).update(status=MessageStatus.SENT)
    client = client_as(manager)
    url = reverse("console:message_log")

    response = client.get(url, {"status": "bounced"})

    assert [m.pk for m in response.context["page"]] == [bounced.pk]
    text = page_text(response)
    assert "bounced" in text
    assert reason in text
    assert '<option value="bounced" selected>' in response.content.decode()
    assert "5.1.1" not in page_text(client.get(url, {"status": "sent"}))
