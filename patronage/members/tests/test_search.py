"""The customer search (members.selectors.member_list): each way of typing a person finds them, and only them."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patronage.members.models import Identity, Member
from patronage.members.selectors import member_find_by_identity, member_list

from .search_cast import CASES, cast

migration = __import__("patronage.members.migrations.0006_search_keys", fromlist=["phones_to_e164"])


@pytest.fixture
def people(db):
    return cast()


@pytest.mark.parametrize(("query", "who"), CASES)
def test_each_way_of_typing_a_person_finds_them_and_nobody_else(people, query, who):
    assert list(member_list(search=query)) == [people[who]]


def test_a_domain_finds_everyone_with_an_address_there(people):
    assert set(member_list(search="sora.jp")) == {people["haruto"], people["hanako"]}


@pytest.mark.parametrize(
    "query", ["Tanaka", "090-1234-5679", "HL0123456787", "zzz", "kim minjun", "+82 90 1234 5678"]
)
def test_what_matches_nobody_finds_nobody(people, query):
    assert list(member_list(search=query)) == []


def test_an_issued_card_number_is_found_without_caring_for_case(people):
    issued = people["seoyeon"].identities.get(kind="card").value
    assert list(member_list(search=issued.lower())) == [people["seoyeon"]]


def test_a_search_is_one_query(people):
    with CaptureQueriesContext(connection) as queries:
        list(member_list(search="Kim Minji"))
    assert len(queries) == 1


# The stored keys


def test_a_name_is_romanised_when_saved_and_when_renamed(db):
    member = Member.objects.create(name="김민지", joined_at=timezone.now())
    assert " kim minji " in member.name_latin
    member.name = "이서연"
    member.save(update_fields=["name"])
    member.refresh_from_db()
    assert " lee " in member.name_latin
    assert " seoyeon " in member.name_latin
    assert list(member_list(search="Lee")) == [member]


def test_an_exact_identity_look_up_reads_phones_in_e164(people):
    assert member_find_by_identity(value="010-5555-1234") == people["minji"]
    assert member_find_by_identity(value="+82 10 5555 1234", kind="phone") == people["minji"]


# The migration of phones stored in the old form


def _old_phone(member: Member, value: str) -> Identity:
    return Identity.objects.create(member=member, kind="phone", value=value)


def test_the_migration_stores_old_phones_in_e164(people):
    old = _old_phone(people["seoyeon"], "01077778888")
    odd = _old_phone(people["hyunwoo"], "1234567890123456")

    migration.phones_to_e164(apps, None)

    old.refresh_from_db()
    odd.refresh_from_db()
    assert old.value == "+821077778888"
    assert odd.value == "1234567890123456"  # not a possible number: kept as it was
    assert list(member_list(search="010-7777-8888")) == [people["seoyeon"]]


def test_a_phone_whose_e164_form_is_taken_keeps_its_old_form_and_is_logged(people, caplog):
    taken = _old_phone(people["seoyeon"], "+821077778888")
    first = _old_phone(people["hyunwoo"], "01077778888")

    with caplog.at_level(logging.WARNING, logger="patronage.members.migrations"):
        migration.phones_to_e164(apps, None)

    first.refresh_from_db()
    taken.refresh_from_db()
    assert (taken.value, first.value) == ("+821077778888", "01077778888")
    assert f"phone identity {first.pk} of member {people['hyunwoo'].pk} keeps its old form" in caplog.text
    # Both files are still found by the number.
    assert set(member_list(search="010-7777-8888")) == {people["seoyeon"], people["hyunwoo"]}


def test_the_migration_romanises_every_name(people):
    Member.objects.update(name_latin="")

    migration.names_romanise(apps, None)

    assert " kim " in Member.objects.get(pk=people["minji"].pk).name_latin
    assert Member.objects.filter(name_latin="").count() == 0
