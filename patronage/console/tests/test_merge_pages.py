from __future__ import annotations

from django.urls import reverse

from patronage.members.models import Member, MemberStatus
from patronage.members.services import IdentityInput, member_create

from .conftest import page_text


def _twin_of(alice: Member) -> Member:
    return member_create(
        actor=None,
        identities=[IdentityInput("email", "alice+shop@example.com"), IdentityInput("card", "CARD-0099")],
        profile={"name": "alice kim", "city": "Seoul"},
        source="store",
    )


def test_the_duplicate_finder_lists_pairs_with_their_reasons(client_as, manager, alice, bob):
    twin = _twin_of(alice)
    text = page_text(client_as(manager).get(reverse("console:duplicates")))
    assert f"Alice Kim #{alice.pk} alice kim #{twin.pk} same name same city same mailbox" in text
    assert "Bob Tanaka" not in text


def test_the_comparison_shows_both_files_side_by_side(client_as, manager, alice, bob):
    response = client_as(manager).get(reverse("console:merge"), {"first": alice.pk, "second": bob.pk})
    text = page_text(response)
    assert "alice@example.com" in text
    assert "bob@example.com" in text
    assert text.count("Keep this file") == 2


def test_merging_moves_the_duplicates_identities_to_the_survivor(client_as, manager, alice, bob):
    client = client_as(manager)
    response = client.post(
        reverse("console:merge"), {"first": alice.pk, "second": bob.pk, "survivor": "second"}
    )
    assert response.url == reverse("console:customer", args=[bob.pk])
    text = page_text(client.get(response.url))
    assert f"Customer #{alice.pk} was merged into this file." in text
    assert "alice@example.com" in text
    assert "CARD-0001" in text
    assert "bob@example.com" in text
    alice.refresh_from_db()
    assert alice.status == MemberStatus.MERGED


def test_a_merge_can_start_from_the_customer_page(client_as, manager, alice, bob):
    html = client_as(manager).get(reverse("console:customer", args=[alice.pk])).content.decode()
    assert f'action="{reverse("console:merge")}"' in html
    assert f'name="first" value="{alice.pk}"' in html


def test_merging_a_file_into_itself_is_refused_with_a_message(client_as, manager, alice):
    response = client_as(manager).post(
        reverse("console:merge"), {"first": alice.pk, "second": alice.pk, "survivor": "first"}
    )
    assert response.status_code == 400
    assert "cannot be merged into itself" in page_text(response)
    alice.refresh_from_db()
    assert alice.status == MemberStatus.ACTIVE


def test_an_unknown_id_returns_to_the_duplicates_with_a_message(client_as, manager, alice):
    client = client_as(manager)
    response = client.get(reverse("console:merge"), {"first": alice.pk, "second": 999999})
    assert response.url == reverse("console:duplicates")
    assert "member #999999 does not exist" in page_text(client.get(response.url))
