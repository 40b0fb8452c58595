"""The bulk writers store what the ORM would: inserts get their ids, updates set or add per row."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from patronage.core.models import OutboxEvent
from patronage.core.sql import ids_reserve_many, objects_insert, rows_insert_batch, rows_update, rows_write
from patronage.loyalty.models import Account, Program
from patronage.members.models import Member, Tag


def test_rows_update_sets_and_adds_per_row_including_empty_values(db):
    program = Program.objects.create(code="p", name="P", currency="KRW")
    when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    members = [Member.objects.create(name=f"m{i}", joined_at=when) for i in range(3)]
    accounts = [
        Account.objects.create(program=program, member=m, enrolled_at=when, active=10, last_activity_at=when)
        for m in members
    ]

    later = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    rows_update(
        Account,
        [
            (accounts[0].pk, {"active": 5, "last_activity_at": later}),
            (accounts[1].pk, {"active": 7, "last_activity_at": None}),
        ],
        added=frozenset({"active"}),
    )

    stored = {a.pk: (a.active, a.last_activity_at) for a in Account.objects.all()}
    assert stored == {accounts[0].pk: (15, later), accounts[1].pk: (17, None), accounts[2].pk: (10, when)}


def test_objects_insert_gives_each_new_row_its_id_many_or_few(db):
    when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    many = [Member(name=f"many {i}", joined_at=when) for i in range(50)]
    few = [Member(name="few", joined_at=when)]

    objects_insert(Member, many)
    objects_insert(Member, few)

    assert len({m.pk for m in [*many, *few]}) == 51
    assert Member.objects.get(pk=many[-1].pk).name == "many 49"
    assert Member.objects.get(pk=few[0].pk).created_at is not None


def test_rows_write_stores_json_as_given_empty_lists_and_objects_included(db):
    program = Program.objects.create(code="p", name="P", currency="KRW")
    when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    members = [Member.objects.create(name=f"m{i}", joined_at=when) for i in range(2)]
    keys = ids_reserve_many({Account: 2})[Account]

    rows_write(
        [
            (
                Account,
                [
                    {
                        "id": keys[0],
                        "program_id": program.pk,
                        "member_id": members[0].pk,
                        "enrolled_at": when,
                    },
                    {
                        "id": keys[1],
                        "program_id": program.pk,
                        "member_id": members[1].pk,
                        "enrolled_at": when,
                        "invited_tiers": ["gold"],
                    },
                ],
            )
        ]
    )

    stored = dict(Account.objects.values_list("member_id", "invited_tiers"))
    assert stored == {members[0].pk: [], members[1].pk: ["gold"]}


def test_rows_insert_batch_skips_only_the_rows_that_clash_when_asked(db):
    Tag.objects.create(name="vip")

    rows_insert_batch(Tag, [{"name": "vip"}, {"name": "new"}], duplicates_skipped=True)

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["new", "vip"]
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert_batch(Tag, [{"name": "other"}, {"name": "vip"}])
    assert Tag.objects.count() == 2
    when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    with pytest.raises(TypeError, match="JSON"):
        rows_insert_batch(OutboxEvent, [{"topic": "t", "payload": {}, "key": "k", "created_at": when}])
