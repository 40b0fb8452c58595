"""A merge of two files keeps every point, purchase record and benefit, and the better tier; export shows them."""

from decimal import Decimal

import time_machine

from patronage.core import clock
from patronage.loyalty.models import Account, OrderPoints
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import TransactionInput, earn_rule_save, tier_save, transaction_record
from patronage.members.selectors import member_export_data
from patronage.members.services import member_merge


@time_machine.travel("2026-11-20 12:00:00+09:00", tick=False)
def test_merging_two_accounts_in_a_program_keeps_all_points_and_the_better_tier(program, alice, bob, admin):
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        actor=None,
    )
    tier_save(program=program, code="silver", name="Silver", rank=1, threshold=Decimal(0), actor=None)
    tier_save(program=program, code="gold", name="Gold", rank=2, threshold=Decimal(500), actor=None)
    for member, external_id, amount in ((alice, "A-1", "10000"), (bob, "B-1", "60000")):
        transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=external_id,
                member=member,
                amount=Decimal(amount),
                currency="KRW",
                occurred_at=clock.now(),
            ),
        )

    member_merge(survivor=alice, duplicate=bob, actor=admin)

    kept = Account.objects.select_related("tier").get(program=program, member=alice, pending__gt=0)
    assert kept.pending == 700
    assert kept.tier.code == "gold"
    assert OrderPoints.objects.filter(account=kept).count() == 2
    assert ledger_verify() == []
    exported = member_export_data(member=alice)["loyalty"]
    assert exported[0]["tier"] == "gold"
