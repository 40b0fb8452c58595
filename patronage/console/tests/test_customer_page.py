from __future__ import annotations

import json
import re

from django.urls import reverse

from patronage.care.services import case_move, case_rate
from patronage.core.models import AuditEntry
from patronage.members.models import ConsentEvent, Identity, MemberStatus
from patronage.members.services import member_erase, member_merge, note_add, timeline_record

from .case_setup import complaint
from .conftest import page_text


def _page(client, member):
    return client.get(reverse("console:customer", args=[member.pk]))


def _post(client, url_name, member, data):
    return client.post(reverse(url_name, args=[member.pk]), data)


def test_the_customer_page_shows_profile_identities_consents_and_timeline(client_as, analyst, alice):
    response = _page(client_as(analyst), alice)
    assert response.status_code == 200
    text = page_text(response)
    assert "Alice Kim" in text
    assert "Card number: CARD-0001 primary" in text
    assert "Marketing by e-mail Granted" in text
    assert "Marketing by text message Never asked" in text
    assert "Joined · via Member portal" in text
    assert "Add a note" not in text  # an analyst reads, but does not change
    assert "Erase personal data" not in text


def test_an_agent_adds_a_note_and_sees_it_on_the_timeline(client_as, agent, alice):
    client = client_as(agent)
    response = _post(client, "console:customer_note_add", alice, {"body": "Asked about the spring sale"})
    assert response.status_code == 302
    text = page_text(client.get(response.url))
    assert "Note added." in text
    assert "Note · “Asked about the spring sale”" in text
    assert AuditEntry.objects.filter(action="note.added", actor=agent).exists()


def test_an_empty_note_is_refused_with_a_message_and_nothing_is_written(client_as, agent, alice):
    response = _post(client_as(agent), "console:customer_note_add", alice, {"body": "   "})
    assert response.status_code == 400
    assert "a note cannot be empty" in page_text(response)
    assert not alice.notes.exists()


def test_a_consent_change_is_shown_in_the_history_with_its_method(client_as, agent, alice):
    client = client_as(agent)
    response = _post(
        client,
        "console:customer_consent",
        alice,
        {"purpose": "email_marketing", "granted": "no", "method": "phone", "evidence": "call 2231"},
    )
    assert response.status_code == 302
    text = page_text(client.get(response.url))
    assert "Marketing by e-mail Withdrawn" in text
    assert "Marketing by e-mail Withdrawn Phone call call 2231 sam_agent" in text
    assert "Marketing by e-mail Granted Member portal" in text  # the first answer stays in the history


def test_a_consent_method_outside_the_console_choices_is_refused(client_as, agent, alice):
    response = _post(
        client_as(agent),
        "console:customer_consent",
        alice,
        {"purpose": "email_marketing", "granted": "no", "method": "api"},
    )
    assert response.status_code == 400
    assert ConsentEvent.objects.filter(member=alice).count() == 1


def test_tags_and_account_manager_are_saved(client_as, agent, manager, alice):
    client = client_as(agent)
    _post(client, "console:customer_tags", alice, {"tags": "VIP, Gangnam"})
    _post(client, "console:customer_manager", alice, {"account_manager": manager.pk})
    text = page_text(_page(client, alice))
    assert "gangnam vip" in text
    assert "Account manager pam_manager" in text


def test_a_member_cannot_be_made_an_account_manager(client_as, agent, alice, bob):
    response = _post(client_as(agent), "console:customer_manager", alice, {"account_manager": bob.user.pk})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.account_manager is None


def test_an_identity_is_added_and_one_taken_by_another_customer_is_refused(client_as, agent, alice, bob):
    client = client_as(agent)
    response = _post(
        client, "console:customer_identity_add", alice, {"kind": "phone", "value": "+82 10 5555 1234"}
    )
    assert response.status_code == 302
    assert "Phone: +821055551234" in page_text(_page(client, alice))

    taken = _post(
        client, "console:customer_identity_add", alice, {"kind": "email", "value": "bob@example.com"}
    )
    assert taken.status_code == 400
    assert f"already belongs to member #{bob.pk}" in page_text(taken)
    assert 'value="bob@example.com"' in taken.content.decode()  # the form keeps what was typed
    assert Identity.objects.get(value="bob@example.com").member == bob


def test_the_profile_is_edited(client_as, agent, alice):
    client = client_as(agent)
    form = client.get(reverse("console:customer_edit", args=[alice.pk]))
    assert 'value="alice@example.com"' in form.content.decode()
    response = client.post(
        reverse("console:customer_edit", args=[alice.pk]),
        {
            "name": "Alice Park",
            "email": "alice.park@example.com",
            "locale": "ko",
            "time_zone": "Asia/Seoul",
            "city": "Busan",
        },
    )
    assert response.status_code == 302
    text = page_text(client.get(response.url))
    assert "Alice Park" in text
    assert "E-mail alice.park@example.com" in text
    assert "City Busan" in text


def test_an_invalid_email_names_the_field_and_changes_nothing(client_as, agent, alice):
    response = _post(
        client_as(agent),
        "console:customer_edit",
        alice,
        {
            "name": "Alice Changed",
            "email": "not-an-email",
            "locale": "en",
            "time_zone": "UTC",
            "city": "Seoul",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Primary e-mail: 'not-an-email' is not a valid e-mail address" in text
    assert 'value="Alice Changed"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.name == "Alice Kim"
    assert alice.identities.filter(kind="email").get().value == "alice@example.com"


def test_an_unknown_time_zone_is_refused_naming_the_field(client_as, agent, alice):
    response = _post(
        client_as(agent),
        "console:customer_edit",
        alice,
        {"name": "Alice", "locale": "en", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 400
    assert "Time zone: 'Mars/Base' is not an IANA time zone" in page_text(response)
    alice.refresh_from_db()
    assert alice.time_zone == "UTC"


def test_every_bad_field_of_the_profile_is_marked_on_the_first_submit(client_as, agent, alice):
    response = _post(
        client_as(agent),
        "console:customer_edit",
        alice,
        {
            "name": "Alice",
            "email": "not-an-email",
            "locale": "en",
            "time_zone": "Mars/Base",
            "birth_date": "2090-01-01",
        },
    )

    assert response.status_code == 400
    text = page_text(response)
    assert "Time zone: 'Mars/Base' is not an IANA time zone" in text
    assert "Primary e-mail: 'not-an-email' is not a valid e-mail address" in text
    assert "Birth date: birth date is in the future" in text
    alice.refresh_from_db()
    assert (alice.time_zone, alice.birth_date) == ("UTC", None)


def test_the_timeline_is_newest_first_loads_more_and_filters_by_kind(client_as, agent, admin, alice):
    for number in range(25):
        timeline_record(member=alice, kind="profile_changed", summary=f"change {number:02}")
    note_add(member=alice, actor=admin, body="Latest note")
    client = client_as(agent)
    first = page_text(_page(client, alice))
    assert first.index("Latest note") < first.index("change 24") < first.index("change 10")
    assert "change 03" not in first
    assert "Load more" in first

    more = client.get(
        reverse("console:customer_timeline", args=[alice.pk]), {"page": 2}, HTTP_HX_REQUEST="true"
    )
    assert "change 03" in page_text(more)
    assert "<html" not in more.content.decode()

    notes_only = page_text(
        client.get(reverse("console:customer_timeline", args=[alice.pk]), {"kind": "note_added"})
    )
    assert "Latest note" in notes_only
    assert "change" not in notes_only


def test_a_merged_customer_leads_to_the_survivor(client_as, agent, admin, alice, bob):
    member_merge(survivor=alice, duplicate=bob, actor=admin)
    response = _page(client_as(agent), bob)
    assert response.status_code == 302
    assert response.url == reverse("console:customer", args=[alice.pk])


def test_an_erased_customer_shows_no_personal_data(client_as, agent, admin, alice):
    member_erase(member=alice, actor=admin, reason="DSR-3")
    response = _page(client_as(agent), alice)
    text = page_text(response)
    assert "Erased" in text
    assert f"Customer #{alice.pk}" in text
    assert "Alice" not in text
    assert "alice@example.com" not in text
    assert "Seoul" not in text


def test_an_unknown_customer_is_not_found(client_as, agent):
    assert client_as(agent).get(reverse("console:customer", args=[999999])).status_code == 404


def test_an_admin_downloads_the_personal_data_as_json(client_as, admin, alice):
    response = _post(client_as(admin), "console:customer_export", alice, {})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{alice.pk}.json"'
    data = json.loads(response.content)
    assert data["member"]["name"] == "Alice Kim"
    assert {"kind": "email", "namespace": "", "value": "alice@example.com", "primary": True} in data[
        "identities"
    ]
    assert AuditEntry.objects.filter(action="member.exported", actor=admin).exists()


def test_erasure_asks_for_a_reason_then_erases(client_as, admin, alice):
    client = client_as(admin)
    url = reverse("console:customer_erase", args=[alice.pk])
    assert "Erase for good" in page_text(client.get(url))

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "This field is required" in page_text(refused)
    alice.refresh_from_db()
    assert alice.status == MemberStatus.ACTIVE

    response = client.post(url, {"reason": "DSR-42"})
    assert response.status_code == 302
    text = page_text(client.get(response.url))
    assert "personal data was erased" in text
    assert "Alice Kim" not in text
    assert AuditEntry.objects.get(action="member.erased").detail == {"reason": "DSR-42"}


def test_actions_on_an_erased_customer_are_not_found(client_as, admin, alice):
    member_erase(member=alice, actor=admin, reason="DSR-3")
    response = _post(client_as(admin), "console:customer_note_add", alice, {"body": "Too late"})
    assert response.status_code == 404


def test_every_element_id_on_the_customer_page_is_unique(client_as, admin, alice):
    """Labels and the timeline filter find their fields by id; a repeated id breaks them."""
    ids = re.findall(r'\sid="([^"]+)"', _page(client_as(admin), alice).content.decode())
    assert len(ids) == len(set(ids))


def test_a_birth_date_before_1900_is_refused_on_the_form_and_the_list_still_answers(client_as, agent, alice):
    client = client_as(agent)
    response = client.post(
        reverse("console:customer_edit", args=[alice.pk]),
        {"name": "Alice Kim", "locale": "en", "time_zone": "UTC", "birth_date": "0001-01-01"},
    )

    assert response.status_code == 400
    assert "between 1900-01-01 and 2199-12-31" in page_text(response)
    alice.refresh_from_db()
    assert alice.birth_date is None
    assert client.get(reverse("console:customers")).status_code == 200


def test_an_agent_sees_the_customers_cases_open_first_with_their_rating(client_as, agent, analyst, alice):
    done = case_move(case=complaint(alice, summary="Late parcel"), to="closed", actor=agent)
    case_rate(case=done, rating=4)
    still_open = complaint(alice, summary="Scratched sofa")

    text = page_text(client_as(agent).get(reverse("console:customer", args=[alice.pk])))

    assert "1 open case · 2 in all · rated 4.0 of 5 on average" in text
    assert text.index(still_open.reference) < text.index(done.reference)
    assert f"{done.reference} · Late parcel" in text
    # An analyst reads the file (the timeline says a case was filed) but not the cases' panel.
    analysts = client_as(analyst).get(reverse("console:customer", args=[alice.pk])).content.decode()
    assert 'id="customer-cases"' not in analysts
