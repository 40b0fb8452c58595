from __future__ import annotations

from django.urls import reverse

from patronage.console.views import merge as merge_views
from patronage.members.models import DuplicateDismissal, Member, MemberStatus
from patronage.members.services import IdentityInput, member_create

from .conftest import page_text


def _twin_of(alice: Member) -> Member:
    return member_create(
        actor=None,
        identities=[IdentityInput("email", "alice+shop@example.com"), IdentityInput("card", "CARD-0099")],
        profile={"name": "alice kim", "city": "Seoul"},
        source="store",
    )


def test_the_duplicate_finder_lists_pairs_with_their_score_and_reasons(client_as, manager, alice, bob):
    twin = _twin_of(alice)
    text = page_text(client_as(manager).get(reverse("console:duplicates")))
    assert "1 pair " in text
    assert (
        f"Alice Kim #{alice.pk} · alice kim #{twin.pk} likely score 80 of 100"
        " ✓ e-mails to the same mailbox (alice@example.com / alice+shop@example.com) ✓ same name ✓ same city"
        " Compare and merge Not a duplicate"
    ) in text
    assert "Bob Tanaka" not in text


def _pairs(count: int) -> list[tuple[Member, Member]]:
    """`count` pairs of files of one person each: one name, one Gmail mailbox."""
    pairs = []
    for number in range(count):
        name = ["Emma Wilson", "Noah Brown", "Grace Clark"][number]
        local = name.lower().replace(" ", ".")
        first = member_create(
            actor=None, identities=[IdentityInput("email", f"{local}@gmail.com")], profile={"name": name}
        )
        second = member_create(
            actor=None,
            identities=[IdentityInput("email", f"{local.replace('.', '')}@gmail.com")],
            profile={"name": name},
        )
        pairs.append((first, second))
    return pairs


def test_the_list_says_how_many_pairs_and_pages_through_them(client_as, manager, monkeypatch):
    monkeypatch.setattr(merge_views, "DUPLICATE_PAIRS_PER_PAGE", 2)
    _pairs(3)
    client = client_as(manager)

    first_page = page_text(client.get(reverse("console:duplicates")))
    second_page = page_text(client.get(reverse("console:duplicates"), {"page": 2}))

    assert "3 pairs" in first_page
    assert "Page 1 of 2" in first_page
    assert first_page.count("Not a duplicate") == 2
    assert "Page 2 of 2" in second_page
    assert second_page.count("Not a duplicate") == 1


def test_not_a_duplicate_takes_the_pair_off_the_list_for_good(client_as, manager, monkeypatch):
    monkeypatch.setattr(merge_views, "DUPLICATE_PAIRS_PER_PAGE", 2)
    (emma, emma_too), *_others = _pairs(3)
    client = client_as(manager)

    response = client.post(
        reverse("console:duplicates_dismiss"), {"first": emma.pk, "second": emma_too.pk, "page": "2"}
    )

    assert response.url == reverse("console:duplicates") + "?page=2"
    text = page_text(client.get(response.url))
    assert f"#{emma.pk} and #{emma_too.pk} are two people: they are no longer listed as duplicates." in text
    assert "2 pairs" in text
    assert "Emma Wilson" not in page_text(client.get(reverse("console:duplicates")))


def test_staff_who_may_not_merge_cannot_dismiss_a_pair(client_as, agent, alice):
    twin = _twin_of(alice)
    response = client_as(agent).post(
        reverse("console:duplicates_dismiss"), {"first": alice.pk, "second": twin.pk}
    )
    assert response.status_code == 403
    assert not DuplicateDismissal.objects.exists()


def test_the_comparison_offers_not_a_duplicate(client_as, manager, alice, bob):
    html = (
        client_as(manager)
        .get(reverse("console:merge"), {"first": alice.pk, "second": bob.pk})
        .content.decode()
    )
    assert f'action="{reverse("console:duplicates_dismiss")}"' in html
    assert "Not a duplicate" in html


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
