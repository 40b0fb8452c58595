"""Card numbers: each member is issued a random one, only stored numbers find a member, and the numbers
once derived from member ids keep finding theirs."""

from __future__ import annotations

import importlib
import itertools

import pytest
from django.apps import apps
from django.urls import reverse

from patronage.members import cards
from patronage.members.cards import card_number_is_issued, card_numbers_new, luhn_digit
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.models import Identity, IdentityKind, Member, MemberStatus
from patronage.members.selectors import member_find_by_identity, member_identities
from patronage.members.services import IdentityInput, member_create, member_signup

migration = importlib.import_module("patronage.members.migrations.0004_card_numbers_random")


def _member(email: str, *identities: IdentityInput) -> Member:
    return member_create(actor=None, identities=[IdentityInput("email", email), *identities])


def _card(member: Member) -> str:
    return member_identities(member=member)["card_number"]


def _neighbours(number: str) -> list[str]:
    """Numbers next to a card number: its digits ±1 and ±10, with the check digit kept and recomputed."""
    digits = number[1:-1]
    found = []
    for step in (-10, -1, 1, 10):
        near = f"{int(digits) + step:0{len(digits)}d}"
        found += [f"P{near}{number[-1]}", f"P{near}{luhn_digit(near)}"]
    return [near for near in found if near != number]


# The numbers themselves (pure)


@pytest.mark.parametrize(
    ("digits", "check"), [("7992739871", "3"), ("4539148803436467"[:-1], "7"), ("0", "0")]
)
def test_the_check_digit_is_luhns(digits, check):
    assert luhn_digit(digits) == check


def test_a_new_number_is_p_twelve_digits_and_a_luhn_check_digit():
    number = cards.card_number_new()

    assert len(number) == 14
    assert number[0] == "P"
    assert number[1:].isdigit()
    assert luhn_digit(number[1:-1]) == number[-1]
    assert card_number_is_issued(number)


def test_numbers_drawn_together_are_all_different():
    assert len(set(card_numbers_new(5_000))) == 5_000


def test_an_issued_number_is_told_from_other_cards():
    assert card_number_is_issued("P4071936285516")


@pytest.mark.parametrize(
    "number",
    [
        "P4071936285514",  # a mistyped check digit
        "P4071936825516",  # two digits swapped
        "CARD-0001",  # a business's own card
        "P000000422",  # a number once derived from member 42
        "X4071936285516",
        "P40719362855160",
    ],
)
def test_other_numbers_are_not_taken_for_issued_ones(number):
    assert not card_number_is_issued(number)


# Members get one


def test_a_new_member_is_issued_a_random_number_as_the_card_shown(db):
    carol = _member("carol@example.com")

    number = _card(carol)
    assert card_number_is_issued(number)
    assert Identity.objects.get(member=carol, kind=IdentityKind.CARD).is_primary is True
    assert member_find_by_identity(value=number) == carol
    assert member_find_by_identity(value=number.lower()) == carol


def test_a_member_who_brings_the_businesss_card_keeps_it_and_gets_no_other(db):
    carol = _member("carol@example.com", IdentityInput("card", "HL-0000004711"))

    assert list(Identity.objects.filter(member=carol, kind="card").values_list("value", flat=True)) == [
        "HL-0000004711"
    ]


def test_a_member_signing_up_in_the_portal_is_issued_a_number(db):
    mina = member_signup(
        email="mina@example.com", password="pass-word-77", name="Mina", locale="en", consents={}
    )

    assert card_number_is_issued(_card(mina))


def test_two_members_numbers_are_not_neighbours_nor_made_from_their_ids(db):
    members = [_member(f"m{n}@example.com") for n in range(5)]
    numbers = [int(_card(member)[1:-1]) for member in members]

    gaps = {b - a for a, b in itertools.pairwise(numbers)}
    assert all(abs(gap) > 1_000 for gap in gaps)
    assert len(gaps) > 1  # not a fixed step either
    assert all(_card(member) != migration.derived_card_number(member.pk) for member in members)


def test_a_taken_number_is_drawn_again(db, monkeypatch):
    taken = _card(_member("first@example.com"))
    fresh = cards.card_number_new()
    draws = iter([taken, fresh])
    monkeypatch.setattr("patronage.members.services.files.card_number_new", lambda: next(draws))

    second = _member("second@example.com")

    assert _card(second) == fresh


def test_an_imported_customer_without_a_card_is_issued_one(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = b"email,card_number\none@example.com,\ntwo@example.com,HL-0000000002\n"
    job = import_job_start(kind="customers", file_name="c.csv", content=content, actor=None, enqueue=None)
    import_job_run(job_id=job.pk)

    one = member_find_by_identity(value="one@example.com")
    two = member_find_by_identity(value="two@example.com")
    assert card_number_is_issued(_card(one))
    assert list(two.identities.filter(kind="card").values_list("value", flat=True)) == ["HL-0000000002"]


# Only stored numbers find a member


@pytest.fixture
def carol(db) -> Member:
    return _member("carol@example.com")


def test_numbers_next_to_a_members_number_find_nobody_through_the_api(carol, api_client):
    client = api_client("members:read")

    found = client.get("/api/v1/members", {"q": _card(carol)}).json()
    assert [member["id"] for member in found["items"]] == [carol.pk]
    assert found["items"][0]["card_number"] == _card(carol)
    for near in _neighbours(_card(carol)):
        assert client.get("/api/v1/members", {"q": near}).json()["items"] == [], near


def test_numbers_next_to_a_members_number_find_nobody_in_the_console_search(carol, agent, client_as):
    client = client_as(agent)

    def search(q: str) -> str:
        return client.get(reverse("console:customers"), {"q": q}, HTTP_HX_REQUEST="true").content.decode()

    link = reverse("console:customer", args=[carol.pk])
    assert link in search(_card(carol))
    for near in _neighbours(_card(carol)):
        assert link not in search(near), near


def test_a_derived_number_finds_nobody_unless_it_was_stored(carol):
    assert member_find_by_identity(value=migration.derived_card_number(carol.pk)) is None


# The migration of the numbers once derived from ids


def _old_member(email: str, *cards_held: tuple[str, bool], status: str = MemberStatus.ACTIVE) -> Member:
    """A file as it was before the migration: written directly, so no number is issued."""
    member = Member.objects.create(joined_at="2024-01-01T00:00:00Z", status=status)
    Identity.objects.create(member=member, kind="email", value=email, is_primary=True)
    for value, primary in cards_held:
        Identity.objects.create(member=member, kind="card", value=value, is_primary=primary)
    return member


def _cards_of(member: Member) -> dict[str, bool]:
    return dict(member.identities.filter(kind="card").values_list("value", "is_primary"))


def test_the_migration_keeps_an_old_derived_number_and_issues_a_new_one(db, api_client):
    dana = _old_member("dana@example.com")
    derived = migration.derived_card_number(dana.pk)

    migration.cards_issue(apps, None)

    held = _cards_of(dana)
    (issued,) = [value for value, primary in held.items() if primary]
    assert held == {derived: False, issued: True}
    assert card_number_is_issued(issued)
    assert _card(dana) == issued  # the new number is the one shown
    # The old number, printed or saved in a phone, still finds her wherever a number is looked up.
    assert member_find_by_identity(value=derived) == dana
    found = api_client("members:read").get("/api/v1/members", {"q": derived}).json()["items"]
    assert [member["id"] for member in found] == [dana.pk]


def test_the_migration_leaves_the_businesss_own_card_shown(db):
    eve = _old_member("eve@example.com", ("HL-0000000005", True))

    migration.cards_issue(apps, None)

    assert _cards_of(eve) == {"HL-0000000005": True, migration.derived_card_number(eve.pk): False}


def test_the_migration_reissues_a_derived_number_that_staff_registered_as_the_card(db):
    frank = _old_member("frank@example.com")
    derived = migration.derived_card_number(frank.pk)
    Identity.objects.create(member=frank, kind="card", value=derived, is_primary=True)

    migration.cards_issue(apps, None)

    held = _cards_of(frank)
    assert held[derived] is False
    assert len(held) == 2
    assert card_number_is_issued(_card(frank))


def test_the_migration_leaves_a_number_held_by_someone_else_and_the_inactive_alone(db):
    gina = _old_member("gina@example.com")
    holder = _old_member("holder@example.com", (migration.derived_card_number(gina.pk), True))
    erased = _old_member("erased@example.com", status=MemberStatus.ERASED)

    migration.cards_issue(apps, None)

    assert member_find_by_identity(value=migration.derived_card_number(gina.pk)) == holder
    assert card_number_is_issued(_card(gina))
    assert _cards_of(erased) == {}


def test_the_migration_run_twice_changes_nothing_more(db):
    dana = _old_member("dana@example.com")
    migration.cards_issue(apps, None)
    before = _cards_of(dana)

    migration.cards_issue(apps, None)

    assert _cards_of(dana) == before
